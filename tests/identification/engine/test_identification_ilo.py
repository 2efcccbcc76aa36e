"""ILO/EC 2009: profiles, unavailable sets, ignored codes, variants, unverified weights."""

from __future__ import annotations

from typing import Any

import pytest

from jisr.identification.engine import VariantError, evaluate, load_ruleset, parse_ruleset
from jisr.identification.engine.ilo import evaluate_ilo
from jisr.identification.engine.observation import Observation
from jisr.identification.engine.schema import IloRuleSet

POSITIVE_D1_D4_D5 = ["D1.nature_job", "D1.wages", "D4.excessive_hours", "D4.low_no_salary",
                     "D5.confiscation_docs", "D5.debt_bondage"]
POSITIVE_D3_D4_CHILD = ["D3.difficult_family", "D3.economic", "D3.lack_information", "D4.excessive_hours",
                        "D4.no_education"]


def by_code(messages: list[Any], code: str) -> list[Any]:
    return [m for m in messages if m["code"] == code]


@pytest.mark.parametrize(
    ("document", "profile"),
    [
        ({"age_at_act": 30}, "adult_labour"),
        ({"age_at_act": 30, "purposes": ["forced_labour"]}, "adult_labour"),
        ({"age_at_act": 30, "purposes": ["forced_labour", "sexual_exploitation"]}, "adult_labour"),
        ({"age_at_act": 14, "purposes": []}, "child_labour"),
        ({"age_at_act": 30, "purposes": ["sexual_exploitation", "pornography"]}, "adult_sexual"),
        ({"age_at_act": 14, "purposes": ["prostitution_of_others"]}, "child_sexual"),
        ({"age_at_act": 25, "age_uncertain": True, "believed_minor": True}, "child_labour"),
    ],
)
def test_profile_is_derived_from_age_and_purposes(document: dict[str, Any], profile: str) -> None:
    result = evaluate("ilo-ec-2009", {**document, "indicators": []})
    (note,) = by_code(result["notes"], "profile_derived")
    assert note["items"] == [profile]
    assert result["child"] is profile.startswith("child_")


def test_presumption_recorded_for_a_derived_child_profile() -> None:
    result = evaluate("ilo-ec-2009", {"age_at_act": 25, "age_uncertain": True, "believed_minor": True,
                                      "indicators": POSITIVE_D3_D4_CHILD})
    assert result["presumption_of_minority_applied"] is True
    assert result["outcome"] == "INDICATED"


def test_unknown_age_cannot_choose_a_set() -> None:
    result = evaluate("ilo-ec-2009", {"indicators": POSITIVE_D1_D4_D5})
    assert result["outcome"] == "INSUFFICIENT_INFORMATION"
    assert result["missing"] == ["profile"]
    assert by_code(result["warnings"], "age_unknown")
    assert result["dimensions"] == {}


@pytest.mark.parametrize("profile", ["adult_sexual", "child_sexual"])
def test_sexual_sets_answer_ruleset_not_available_and_never_borrow(profile: str) -> None:
    result = evaluate("ilo-ec-2009", {"profile": profile, "indicators": POSITIVE_D1_D4_D5})
    assert result["outcome"] == "RULESET_NOT_AVAILABLE"
    assert result["dimensions"] == {}
    (warning,) = by_code(result["warnings"], "indicator_set_not_available")
    assert warning["items"] == [profile]


def test_profile_that_contradicts_the_age_is_used_with_a_warning() -> None:
    result = evaluate("ilo-ec-2009", {"age_at_act": 15, "profile": "adult_labour", "indicators": POSITIVE_D1_D4_D5})
    assert result["outcome"] == "INDICATED"
    assert result["child"] is False
    assert by_code(result["warnings"], "profile_age_mismatch")
    agreeing = evaluate("ilo-ec-2009", {"age_at_act": 35, "profile": "adult_labour", "indicators": []})
    assert not by_code(agreeing["warnings"], "profile_age_mismatch")


def test_no_indicators_recorded_is_insufficient_but_an_empty_list_is_negative() -> None:
    unknown = evaluate("ilo-ec-2009", {"profile": "adult_labour"})
    assert (unknown["outcome"], unknown["missing"]) == ("INSUFFICIENT_INFORMATION", ["indicators"])
    none_seen = evaluate("ilo-ec-2009", {"profile": "adult_labour", "indicators": []})
    assert none_seen["outcome"] == "NOT_INDICATED"
    assert none_seen["missing"] == ["D1|D2|D3", "D4", "D5|D6"]
    assert all(not d["positive"] for d in none_seen["dimensions"].values())


def test_codes_outside_the_profile_set_are_ignored_with_a_warning_naming_them() -> None:
    result = evaluate("ilo-ec-2009", {"profile": "child_labour",
                                      "indicators": [*POSITIVE_D3_D4_CHILD, "D3.false_info_law", "D9.nope"]})
    (warning,) = by_code(result["warnings"], "indicators_ignored")
    assert warning["items"] == ["D3.false_info_law", "D9.nope"]  # D3.false_info_law is adult-only
    assert result["dimensions"]["D3"]["medium"] == 3


def test_unverified_weights_are_reported() -> None:
    result = evaluate("ilo-ec-2009", {"profile": "adult_labour", "indicators": ["D4.excessive_hours", "D1.wages"]})
    (warning,) = by_code(result["warnings"], "unverified_weights")
    assert warning["items"] == ["D1.wages", "D4.excessive_hours"]
    assert by_code(result["warnings"], "unverified_combination_rule")[0]["items"] == ["ILO_COMBINE_ADULT_V1"]


def test_disputed_adult_weight_is_flagged() -> None:
    result = evaluate("ilo-ec-2009", {"profile": "adult_labour", "indicators": ["D3.past_difficulties"]})
    (warning,) = by_code(result["warnings"], "indicator_weight_disputed")
    assert warning["items"] == ["D3.past_difficulties"]


def test_positive_dimensions_explain_what_drove_them() -> None:
    result = evaluate("ilo-ec-2009", {"profile": "adult_labour", "indicators": POSITIVE_D1_D4_D5})
    drivers = {n["message"][:2]: n["items"] for n in by_code(result["notes"], "dimension_positive")}
    assert drivers == {"D1": ["D1.nature_job", "D1.wages"], "D4": ["D4.excessive_hours", "D4.low_no_salary"],
                       "D5": ["D5.confiscation_docs", "D5.debt_bondage"]}


# --- combination variants -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("acts", "outcome", "missing"),
    [(None, "INSUFFICIENT_INFORMATION", ["act"]), ([], "NOT_INDICATED", ["act"]), (["receipt"], "INDICATED", [])],
)
def test_child_v2_needs_an_act_and_exploitation(acts: list[str] | None, outcome: str, missing: list[str]) -> None:
    result = evaluate("ilo-ec-2009", {"profile": "child_labour", "acts": acts, "indicators": ["D4.excessive_hours",
                                      "D4.hazardous"]}, child_variant="ILO_CHILD_V2_act_and_exploitation")
    assert (result["outcome"], result["missing"]) == (outcome, missing)
    # under the default V1, the same observation lacks a recruitment dimension
    assert evaluate("ilo-ec-2009", {"profile": "child_labour", "acts": acts,
                                    "indicators": ["D4.excessive_hours", "D4.hazardous"]})["missing"] == ["D1|D2|D3"]


def test_child_v2_without_exploitation_is_negative_even_with_an_act() -> None:
    result = evaluate("ilo-ec-2009", {"profile": "child_labour", "acts": None, "indicators": []},
                      child_variant="ILO_CHILD_V2_act_and_exploitation")
    assert (result["outcome"], result["missing"]) == ("NOT_INDICATED", ["D4", "act"])


def test_adult_rule_needs_destination_but_child_rule_does_not() -> None:
    indicators = ["D1.nature_job", "D1.wages", "D4.excessive_hours", "D4.low_no_salary"]
    assert evaluate("ilo-ec-2009", {"profile": "adult_labour", "indicators": indicators})["outcome"] == "NOT_INDICATED"
    assert evaluate("ilo-ec-2009", {"profile": "child_labour", "indicators": indicators})["outcome"] == "INDICATED"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"adult_variant": "ILO_ADULT_V9"}, "unknown adult combination variant 'ILO_ADULT_V9'"),
        ({"child_variant": "ILO_COMBINE_ADULT_V1"}, "applies to adult profiles, not to child ones"),
        (
            {"adult_variant": "ILO_CHILD_V1_recruitment_and_exploitation"},
            "applies to child profiles, not to adult ones",
        ),
    ],
)
def test_bad_variants_fail_clearly(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(VariantError, match=message):
        evaluate("ilo-ec-2009", {"profile": "adult_labour", "indicators": []}, **kwargs)


def test_variants_do_not_apply_to_legal_frames() -> None:
    with pytest.raises(VariantError, match="ILO/EC indicators only"):
        evaluate("palermo-2000", {}, adult_variant="ILO_COMBINE_ADULT_V1")


def test_a_verified_variant_carries_no_warning() -> None:
    ilo = load_ruleset("ilo-ec-2009")
    assert isinstance(ilo, IloRuleSet)
    variants = tuple(v.model_copy(update={"verified": True}) for v in ilo.combination_variants)
    checked = ilo.model_copy(update={"combination_variants": variants})
    result = evaluate_ilo(checked, Observation(profile="adult_labour", indicators=("D1.wages",)))
    assert not by_code(result["warnings"], "unverified_combination_rule")
    assert by_code(evaluate_ilo(ilo, Observation(profile="adult_labour", indicators=()))["warnings"],
                   "unverified_combination_rule")


def test_a_verified_transcription_is_a_data_change_only() -> None:
    """Adding sexual-set weights to the file (a new version) makes the set available, with no code change."""
    from importlib import resources

    import yaml

    text = resources.files("jisr.identification").joinpath("rulesets", "ilo-ec-2009.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    data["version"] = "1.1.0"
    data["indicator_sets"]["adult_sexual"].update(
        available=True, verified=True,
        indicators=[{"code": "D5.forced_tasks_clients", "label": "forced tasks or clients", "weight": "S",
                     "source": {"document": "test transcription", "confidence": "A"}, "verified": True}],
    )
    newer = parse_ruleset(yaml.safe_dump(data), origin="test")
    assert isinstance(newer, IloRuleSet)
    result = evaluate_ilo(newer, Observation(profile="adult_sexual", indicators=("D5.forced_tasks_clients",)))
    assert result["ruleset_version"] == "1.1.0"
    assert result["outcome"] == "NOT_INDICATED"
    assert result["dimensions"]["D5"] == {"positive": False, "strong": 1, "medium": 0, "weak": 0}
    assert not by_code(result["warnings"], "unverified_weights")
