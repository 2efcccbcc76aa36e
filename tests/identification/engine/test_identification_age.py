"""Age at the time of the act, the child rule and the presumption of minority."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jisr.identification.engine import evaluate
from jisr.identification.engine.age import age_on

CHILD_CASE = {"acts": ["recruitment"], "means": [], "purposes": ["forced_labour"]}


def warning_codes(result: Any) -> list[str]:
    return [w["code"] for w in result["warnings"]]


@pytest.mark.parametrize(
    ("born", "acted", "age"),
    [
        ("2006-05-12", "2024-05-11", 17),  # the day before the 18th birthday
        ("2006-05-12", "2024-05-12", 18),  # exactly 18 on that day: adult
        ("2006-05-12", "2024-05-13", 18),
        ("2004-02-29", "2022-02-28", 17),  # leap-day birthday in a common year: 18 on 1 March
        ("2004-02-29", "2022-03-01", 18),
        ("2004-02-29", "2024-02-29", 20),
        ("2010-01-01", "2010-01-01", 0),
    ],
)
def test_age_on(born: str, acted: str, age: int) -> None:
    assert age_on(date.fromisoformat(born), date.fromisoformat(acted)) == age


def test_exactly_18_on_the_day_of_the_act_is_an_adult() -> None:
    day_before = evaluate("palermo-2000", {**CHILD_CASE, "date_of_birth": "2006-05-12", "act_date": "2024-05-11"})
    birthday = evaluate("palermo-2000", {**CHILD_CASE, "date_of_birth": "2006-05-12", "act_date": "2024-05-12"})
    assert (day_before["child"], day_before["outcome"]) == (True, "INDICATED")
    assert (birthday["child"], birthday["outcome"]) == (False, "NOT_INDICATED")
    assert birthday["missing"] == ["means"]


def test_age_is_taken_at_the_act_not_at_screening() -> None:
    # 17 when recruited in 2015, an adult long since: still a child for the act.
    result = evaluate("palermo-2000", {**CHILD_CASE, "date_of_birth": "1998-01-01", "act_date": "2015-06-01"})
    assert result["child"] is True and result["outcome"] == "INDICATED"


def test_dates_win_over_a_contradicting_age_at_act() -> None:
    result = evaluate(
        "palermo-2000", {**CHILD_CASE, "date_of_birth": "2000-01-01", "act_date": "2010-01-01", "age_at_act": 25}
    )
    assert result["child"] is True
    assert "age_mismatch" in warning_codes(result)
    agreeing = evaluate(
        "palermo-2000", {**CHILD_CASE, "date_of_birth": "2000-01-01", "act_date": "2010-01-01", "age_at_act": 10}
    )
    assert "age_mismatch" not in warning_codes(agreeing)


@pytest.mark.parametrize("known", [{"date_of_birth": "2000-01-01"}, {"act_date": "2020-01-01"}])
def test_one_date_alone_is_not_an_age(known: dict[str, str]) -> None:
    result = evaluate("palermo-2000", {**CHILD_CASE, **known})
    assert {"age_dates_incomplete", "age_unknown"} <= set(warning_codes(result))
    assert result["outcome"] == "INSUFFICIENT_INFORMATION"


def test_one_date_plus_age_at_act_uses_the_age() -> None:
    result = evaluate("palermo-2000", {**CHILD_CASE, "act_date": "2020-01-01", "age_at_act": 15})
    assert result["child"] is True and result["warnings"] == []


@pytest.mark.parametrize("age", [None, 19, 30])
def test_presumption_of_minority_when_uncertain_and_believed_minor(age: int | None) -> None:
    result = evaluate(
        "palermo-2000", {**CHILD_CASE, "age_at_act": age, "age_uncertain": True, "believed_minor": True}
    )
    assert result["child"] is True
    assert result["presumption_of_minority_applied"] is True
    assert result["outcome"] == "INDICATED"
    assert "presumption_of_minority" in [n["code"] for n in result["notes"]]
    assert any("rule:presumption_of_minority" in w["items"] for w in result["warnings"])  # [C] source


def test_no_age_at_all_and_believed_minor_presumes_a_child() -> None:
    result = evaluate("palermo-2000", {**CHILD_CASE, "believed_minor": True})
    assert result["presumption_of_minority_applied"] is True


def test_presumption_not_applied_to_a_known_child() -> None:
    result = evaluate(
        "palermo-2000", {**CHILD_CASE, "age_at_act": 15, "age_uncertain": True, "believed_minor": True}
    )
    assert (result["child"], result["presumption_of_minority_applied"]) == (True, False)


def test_presumption_not_applied_to_a_certain_adult_age() -> None:
    result = evaluate("palermo-2000", {**CHILD_CASE, "age_at_act": 25, "believed_minor": True})
    assert (result["child"], result["presumption_of_minority_applied"]) == (False, False)
    assert "believed_minor_not_applied" in warning_codes(result)


def test_uncertain_age_without_belief_is_taken_as_estimated() -> None:
    result = evaluate("palermo-2000", {**CHILD_CASE, "age_at_act": 30, "age_uncertain": True})
    assert (result["child"], result["presumption_of_minority_applied"]) == (False, False)
