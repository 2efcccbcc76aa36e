"""Every public worked case of shared/reference/identification.md (§1.4, §2.6, §3.5), by its ID."""

from __future__ import annotations

from typing import Any

import pytest

from jisr.identification.engine import dimension_positive, evaluate, evaluate_all

IND = "INDICATED"
NI = "NOT_INDICATED"
REVIEW = "NEEDS_LEGAL_REVIEW"
INSUFFICIENT = "INSUFFICIENT_INFORMATION"


def codes(messages: list[Any]) -> list[str]:
    return [m["code"] for m in messages]


# --- §1.4 Palermo -------------------------------------------------------------------------------
PALERMO_CASES = [
    pytest.param(
        {"age_at_act": 25, "acts": ["recruitment"], "means": ["deception"], "purposes": ["forced_labour"]},
        IND, {"act": True, "means": True, "purpose": True}, [], id="P-01",
    ),
    pytest.param(
        {"age_at_act": 30, "acts": ["transportation"], "means": [],
         "purposes": ["sexual_exploitation", "prostitution_of_others"], "consent": True},
        NI, {"act": True, "means": False, "purpose": True}, ["means"], id="P-02",
    ),
    pytest.param(
        {"age_at_act": 16, "acts": ["harbouring"], "means": [], "purposes": ["forced_labour"]},
        IND, {"act": True, "means": False, "purpose": True}, [], id="P-03",
    ),
    pytest.param(
        {"age_at_act": 22, "acts": ["recruitment"], "means": ["abuse_of_vulnerability"],
         "purposes": ["sexual_exploitation"], "consent": True},
        IND, {"act": True, "means": True, "purpose": True}, [], id="P-04",
    ),
    pytest.param(
        {"age_at_act": 35, "acts": [], "means": ["threat_of_force"], "purposes": ["forced_labour"]},
        NI, {"act": False, "means": True, "purpose": True}, ["act"], id="P-05",
    ),
    pytest.param(
        {"age_at_act": 35, "means": ["threat_of_force"], "purposes": ["forced_labour"]},
        INSUFFICIENT, {"act": None, "means": True, "purpose": True}, ["act"], id="P-05-act-unknown",
    ),
    pytest.param(
        {"age_at_act": 17, "acts": ["recruitment"], "means": [], "purposes": []},
        NI, {"act": True, "means": False, "purpose": False}, ["purpose"], id="P-06",
    ),
]


def case(case_id: str) -> dict[str, Any]:
    """The observation of a parametrised case, by its ID ("P02" for P-02)."""
    wanted = f"{case_id[0]}-{case_id[1:]}"
    observation: dict[str, Any] = next(p.values[0] for p in PALERMO_CASES if p.id == wanted)  # type: ignore[misc]
    return observation


@pytest.mark.parametrize(("observation", "outcome", "elements", "missing"), PALERMO_CASES)
def test_palermo_public_case(
    observation: dict[str, Any], outcome: str, elements: dict[str, Any], missing: list[str]
) -> None:
    result = evaluate("palermo-2000", observation)
    assert result["outcome"] == outcome
    assert result["elements"] == elements
    assert result["missing"] == missing
    assert result["ruleset"] == "palermo-2000"
    assert result["dimensions"] == {}


def test_p02_notes_possible_other_offences() -> None:
    result = evaluate("palermo-2000", case("P02"))
    assert "possible_other_offences" in codes(result["notes"])
    assert "consent_irrelevant" not in codes(result["notes"])  # no means, adult: consent not made irrelevant


def test_p03_is_indicated_through_the_child_rule_art_3c() -> None:
    result = evaluate("palermo-2000", case("P03"))
    assert result["child"] is True
    child_note = next(n for n in result["notes"] if n["code"] == "child_rule")
    assert child_note["source"] == "Palermo Protocol (2000), art. 3(c)"
    assert "age 16" in child_note["message"]


def test_p04_reason_includes_consent_irrelevant_art_3b() -> None:
    result = evaluate("palermo-2000", case("P04"))
    note = next(n for n in result["notes"] if n["code"] == "consent_irrelevant")
    assert note["source"] == "Palermo Protocol (2000), art. 3(b)"
    assert "art. 3(b)" in note["message"]


def test_p05_prompts_to_check_harbouring_and_receipt() -> None:
    result = evaluate("palermo-2000", case("P05"))
    note = next(n for n in result["notes"] if n["code"] == "check_acts")
    assert {"harbouring", "receipt"} <= set(note["items"])


# --- §3.5 national and regional law -------------------------------------------------------------
N01 = {"age_at_act": 15, "acts": ["harbouring"], "means": [], "purposes": ["begging"], "will_overridden": True}
N02 = {"age_at_act": 28, "acts": ["recruitment"], "means": ["need_or_precariousness"],
       "purposes": ["pornography"], "will_overridden": True}
N03 = {"age_at_act": 40, "acts": ["intermediary"], "means": ["fraud"],
       "purposes": ["medical_experimentation"], "will_overridden": True}
N04 = {"age_at_act": 24, "acts": ["recruitment"], "means": ["deception"], "purposes": ["forced_marriage"]}
N05 = {"age_at_act": 33, "acts": ["harbouring"], "means": ["need_or_precariousness"],
       "purposes": ["criminal_activities"]}
N06 = {"age_at_act": 27, "acts": ["recruitment"], "means": ["deception"], "purposes": ["surrogacy_exploitation"]}

NATIONAL_CASES = [
    pytest.param(N01, "ma-law-27-14", IND, id="N-01-MA"),
    pytest.param(N02, "ma-law-27-14", IND, id="N-02-MA"),
    pytest.param(N03, "ma-law-27-14", IND, id="N-03-MA"),
    pytest.param(N03, "palermo-2000", REVIEW, id="N-03-Palermo"),
    pytest.param(N04, "es-cp-177bis", IND, id="N-04-ES"),
    pytest.param(N04, "palermo-2000", REVIEW, id="N-04-Palermo"),
    pytest.param(N05, "es-cp-177bis", IND, id="N-05-ES"),
    pytest.param(N06, "eu-2011-36-2024", IND, id="N-06-EU-amended"),
    pytest.param(N06, "eu-2011-36", REVIEW, id="N-06-EU-2011"),
    pytest.param(N06, "palermo-2000", REVIEW, id="N-06-Palermo"),
    pytest.param(N06, "es-cp-177bis", REVIEW, id="N-06-ES"),
    pytest.param(N06, "ma-law-27-14", REVIEW, id="N-06-MA"),
]


@pytest.mark.parametrize(("observation", "ruleset", "outcome"), NATIONAL_CASES)
def test_national_public_case(observation: dict[str, Any], ruleset: str, outcome: str) -> None:
    assert evaluate(ruleset, observation)["outcome"] == outcome


def test_n01_notes_the_448_4_minor_aggravation_and_needs_no_means() -> None:
    result = evaluate("ma-law-27-14", N01)
    assert result["child"] is True
    assert result["missing"] == []
    aggravations = [n for n in result["notes"] if n["code"] == "aggravating_circumstance"]
    assert [n["items"] for n in aggravations] == [["ma-448-4-minor"]]
    assert "448-4" in (aggravations[0]["source"] or "")


def test_n03_palermo_review_names_the_purpose_not_enumerated() -> None:
    result = evaluate("palermo-2000", N03)
    note = next(n for n in result["notes"] if n["code"] == "purpose_not_enumerated")
    assert note["items"] == ["medical_experimentation"]
    assert result["elements"]["purpose"] is None


def test_n06_side_by_side() -> None:
    outcomes = {rid: r["outcome"] for rid, r in evaluate_all(N06).items()}
    assert outcomes == {
        "palermo-2000": REVIEW,
        "ilo-ec-2009": INSUFFICIENT,  # no indicators recorded
        "ma-law-27-14": REVIEW,
        "es-cp-177bis": REVIEW,
        "eu-2011-36": REVIEW,
        "eu-2011-36-2024": IND,
    }


# --- §2.6 ILO/EC ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("strong", "medium", "weak", "positive"),
    [
        (2, 0, 0, True), (1, 1, 0, True), (1, 0, 1, True), (0, 3, 0, True), (0, 2, 1, True),
        (1, 0, 0, False), (0, 2, 0, False), (0, 1, 2, False), (0, 0, 3, False),
    ],
    ids=lambda v: str(v),
)
def test_ilo_01_dimension_rule(strong: int, medium: int, weak: int, positive: bool) -> None:
    assert dimension_positive(strong, medium, weak) is positive


def counts(result: Any, dimension: str) -> tuple[int, int, int, bool]:
    d = result["dimensions"][dimension]
    return d["strong"], d["medium"], d["weak"], d["positive"]


def test_ilo_02() -> None:
    result = evaluate("ilo-ec-2009", {"profile": "adult_labour", "indicators": [
        "D1.nature_job", "D1.wages", "D4.excessive_hours", "D4.low_no_salary",
        "D5.confiscation_docs", "D5.debt_bondage"]})
    assert counts(result, "D1") == (1, 1, 0, True)
    assert counts(result, "D4") == (1, 1, 0, True)
    assert counts(result, "D5") == (2, 0, 0, True)
    assert result["outcome"] == IND
    assert result["missing"] == []
    assert "age_unknown" not in codes(result["warnings"])  # the profile was given


def test_ilo_03() -> None:
    result = evaluate("ilo-ec-2009", {"profile": "adult_labour", "indicators": [
        "D1.wages", "D3.economic", "D3.family_situation", "D4.excessive_hours", "D4.hazardous",
        "D4.bad_living", "D5.withholding_wages", "D6.economic"]})
    assert counts(result, "D4") == (1, 2, 0, True)
    assert counts(result, "D1") == (0, 1, 0, False)
    assert counts(result, "D3") == (0, 2, 0, False)
    assert counts(result, "D5") == (0, 1, 0, False)
    assert counts(result, "D6") == (0, 1, 0, False)
    assert result["outcome"] == NI
    note = next(n for n in result["notes"] if n["code"] == "exploitation_without_trafficking_dimensions")
    assert note["message"] == "Exploitative conditions without a positive recruitment or destination dimension."
    assert result["missing"] == ["D1|D2|D3", "D5|D6"]


def test_ilo_04() -> None:
    result = evaluate("ilo-ec-2009", {"profile": "adult_labour", "indicators": [
        "D2.violence_victim", "D2.threats_violence", "D4.excessive_hours", "D4.low_no_salary",
        "D5.threat_denunciation", "D5.withholding_wages", "D6.dependency"]})
    assert counts(result, "D2")[3] and counts(result, "D4")[3]
    assert counts(result, "D5") == (0, 2, 0, False)
    assert counts(result, "D6") == (0, 1, 0, False)
    assert result["outcome"] == NI
    assert result["missing"] == ["D5|D6"]


ILO_05 = {"profile": "child_labour", "indicators": [
    "D3.difficult_family", "D3.economic", "D3.lack_information", "D4.excessive_hours", "D4.no_education"]}


def test_ilo_05_child_v1_default() -> None:
    result = evaluate("ilo-ec-2009", ILO_05)
    assert counts(result, "D3") == (0, 3, 0, True)
    assert counts(result, "D4") == (1, 1, 0, True)  # no_education is M for children
    assert result["outcome"] == IND
    assert result["child"] is True
    rule = next(n for n in result["notes"] if n["code"] == "combination_rule")
    assert rule["items"] == ["ILO_CHILD_V1_recruitment_and_exploitation"]


@pytest.mark.parametrize(
    ("profile", "expected"), [("adult_labour", (0, 1, 1, False)), ("child_labour", (1, 1, 0, True))]
)
def test_ilo_06_weights_are_profile_specific(profile: str, expected: tuple[int, int, int, bool]) -> None:
    result = evaluate("ilo-ec-2009", {"profile": profile, "indicators": ["D1.education", "D1.wages"]})
    assert counts(result, "D1") == expected
