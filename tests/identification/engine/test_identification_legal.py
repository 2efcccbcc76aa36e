"""Legal frames beyond the public cases: Morocco's qualifier, codes a frame does not name, aggravations."""

from __future__ import annotations

from typing import Any

import pytest

from jisr.identification.engine import evaluate

ADULT = {"age_at_act": 30, "acts": ["recruitment"], "means": ["deception"], "purposes": ["forced_labour"]}
CHILD = {"age_at_act": 12, "acts": ["recruitment"], "means": [], "purposes": ["forced_labour"]}


def by_code(messages: list[Any], code: str) -> list[Any]:
    return [m for m in messages if m["code"] == code]


# --- Morocco 448-1 qualifier ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("will_overridden", "outcome", "purpose", "missing"),
    [
        (True, "INDICATED", True, []),
        (False, "NOT_INDICATED", False, ["will_overridden"]),
        (None, "INSUFFICIENT_INFORMATION", None, ["will_overridden"]),
    ],
)
def test_morocco_exploitation_must_override_the_will(
    will_overridden: bool | None, outcome: str, purpose: bool | None, missing: list[str]
) -> None:
    result = evaluate("ma-law-27-14", {**ADULT, "will_overridden": will_overridden})
    assert result["outcome"] == outcome
    assert result["elements"]["purpose"] is purpose
    assert result["missing"] == missing


def test_morocco_payment_does_not_negate_the_qualifier() -> None:
    result = evaluate("ma-law-27-14", {**ADULT, "will_overridden": True})
    (note,) = by_code(result["notes"], "will_overridden")
    assert "payment" in note["message"] and "448-1" in note["source"]


def test_the_qualifier_is_morocco_only() -> None:
    for ruleset in ("palermo-2000", "es-cp-177bis", "eu-2011-36", "eu-2011-36-2024"):
        result = evaluate(ruleset, {**ADULT, "will_overridden": False})
        assert result["outcome"] == "INDICATED", ruleset


def test_morocco_threats_note_the_448_3_band_only_when_indicated() -> None:
    indicated = evaluate("ma-law-27-14", {**ADULT, "means": ["threat_of_force"], "will_overridden": True})
    assert [n["items"] for n in by_code(indicated["notes"], "aggravating_circumstance")] == [
        ["ma-448-3-threats-violence"]
    ]
    negative = evaluate("ma-law-27-14", {**ADULT, "means": ["threat_of_force"], "will_overridden": False})
    assert by_code(negative["notes"], "aggravating_circumstance") == []


def test_morocco_acts_of_its_own() -> None:
    for act in ("intermediary", "luring"):
        result = evaluate("ma-law-27-14", {**ADULT, "acts": [act], "will_overridden": True})
        assert result["outcome"] == "INDICATED"
        palermo = evaluate("palermo-2000", {**ADULT, "acts": [act]})
        assert palermo["outcome"] == "NEEDS_LEGAL_REVIEW"
        assert by_code(palermo["notes"], "act_not_enumerated")[0]["items"] == [act]


# --- codes a frame does not name ---------------------------------------------------------------
def test_a_means_the_frame_does_not_name_needs_review_for_an_adult() -> None:
    result = evaluate("es-cp-177bis", {**ADULT, "means": ["abduction"]})
    assert result["outcome"] == "NEEDS_LEGAL_REVIEW"
    assert result["elements"]["means"] is None
    assert by_code(result["notes"], "means_not_enumerated")[0]["items"] == ["abduction"]


def test_for_a_child_an_unnamed_means_is_irrelevant() -> None:
    result = evaluate("es-cp-177bis", {**CHILD, "means": ["abduction"]})
    assert result["outcome"] == "INDICATED"
    assert by_code(result["notes"], "means_not_enumerated") == []


def test_one_recognised_code_is_enough_and_the_other_is_still_noted() -> None:
    result = evaluate("palermo-2000", {**ADULT, "purposes": ["forced_labour", "forced_marriage"]})
    assert result["outcome"] == "INDICATED"
    assert by_code(result["notes"], "purpose_not_enumerated")[0]["items"] == ["forced_marriage"]


def test_open_and_closed_lists_explain_review_differently() -> None:
    open_list = evaluate("palermo-2000", {**ADULT, "purposes": ["other"]})
    closed = evaluate("es-cp-177bis", {**ADULT, "purposes": ["other"]})
    assert "minimum" in by_code(open_list["notes"], "purpose_not_enumerated")[0]["message"]
    assert "closed list" in by_code(closed["notes"], "purpose_not_enumerated")[0]["message"]
    assert open_list["outcome"] == closed["outcome"] == "NEEDS_LEGAL_REVIEW"


def test_a_known_absence_beats_a_review() -> None:
    result = evaluate("palermo-2000", {**ADULT, "acts": [], "purposes": ["other"]})
    assert result["outcome"] == "NOT_INDICATED"
    assert result["missing"] == ["act", "purpose"]


def test_spanish_readings_of_shared_codes_are_flagged_unverified() -> None:
    result = evaluate("es-cp-177bis", {**ADULT, "means": ["fraud"]})
    assert result["outcome"] == "INDICATED"
    (warning,) = by_code(result["warnings"], "unverified_sources")
    assert "means:fraud" in warning["items"]
    verified = evaluate("es-cp-177bis", {**ADULT, "means": ["deception"]})
    assert by_code(verified["warnings"], "unverified_sources") == []


# --- age unknown ---------------------------------------------------------------------------------
def test_unknown_age_and_no_means_cannot_conclude() -> None:
    result = evaluate("palermo-2000", {"acts": ["recruitment"], "means": [], "purposes": ["forced_labour"]})
    assert result["outcome"] == "INSUFFICIENT_INFORMATION"
    assert result["missing"] == ["means"]
    assert by_code(result["warnings"], "age_unknown")
    assert by_code(result["notes"], "possible_other_offences") == []


def test_unknown_age_with_a_means_concludes() -> None:
    result = evaluate("palermo-2000", {"acts": ["recruitment"], "means": ["fraud"], "purposes": ["forced_labour"]})
    assert result["outcome"] == "INDICATED"
    assert result["child"] is False


def test_nothing_recorded_is_insufficient_information() -> None:
    result = evaluate("eu-2011-36-2024", {})
    assert result["outcome"] == "INSUFFICIENT_INFORMATION"
    assert result["elements"] == {"act": None, "means": None, "purpose": None}
    assert result["missing"] == ["act", "means", "purpose"]


# --- notes ---------------------------------------------------------------------------------------
def test_purpose_is_intent_when_exploitation_has_not_happened() -> None:
    result = evaluate("palermo-2000", {**ADULT, "exploitation_occurred": False})
    assert result["outcome"] == "INDICATED"
    assert by_code(result["notes"], "purpose_is_intent")
    assert not by_code(evaluate("palermo-2000", {**ADULT, "exploitation_occurred": True})["notes"],
                       "purpose_is_intent")


def test_consent_note_for_a_child_cites_the_child_rule() -> None:
    result = evaluate("eu-2011-36", {**CHILD, "consent": True})
    (note,) = by_code(result["notes"], "consent_irrelevant")
    assert "child" in note["message"] and "art. 3(b)" in note["message"]
    assert note["source"].endswith("art. 2(4)")
    assert note["message"].startswith("Consent is irrelevant") and "The consent recorded" in note["message"]


@pytest.mark.parametrize(
    ("ruleset", "aggravation"),
    [("ma-law-27-14", "ma-448-4-minor"), ("es-cp-177bis", "es-177bis-4-minor"),
     ("eu-2011-36", "eu-art-4-2-a-child"), ("eu-2011-36-2024", "eu-art-4-2-a-child")],
)
def test_child_victim_aggravation_noted_per_frame(ruleset: str, aggravation: str) -> None:
    result = evaluate(ruleset, {**CHILD, "will_overridden": True})
    assert result["outcome"] == "INDICATED"
    assert [n["items"] for n in by_code(result["notes"], "aggravating_circumstance")] == [[aggravation]]
    (warning,) = by_code(result["warnings"], "unverified_sources")
    assert f"aggravation:{aggravation}" in warning["items"]


def test_palermo_has_no_aggravations() -> None:
    assert by_code(evaluate("palermo-2000", CHILD)["notes"], "aggravating_circumstance") == []


def test_aggravation_also_noted_under_legal_review() -> None:
    result = evaluate("palermo-2000", {**CHILD, "acts": ["luring"]})
    assert result["outcome"] == "NEEDS_LEGAL_REVIEW"
    result = evaluate("es-cp-177bis", {**CHILD, "purposes": ["illegal_adoption"]})
    assert result["outcome"] == "NEEDS_LEGAL_REVIEW"
    assert by_code(result["notes"], "aggravating_circumstance")
