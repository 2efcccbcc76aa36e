"""Every public instrument case of identification.md §4.2-4.5, through the API and `jisr score`."""

from __future__ import annotations

import json

import pytest
from instrument_helpers import pcl5_items

from jisr.outcomes.instruments import (
    Direction,
    Severity,
    Status,
    pcl5_change,
    score_gad7,
    score_pcl5,
    score_phq9,
    score_who5,
    who5_change,
)
from jisr.outcomes.instruments.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["score", *args]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert isinstance(doc, dict)
    return doc


# --- WHO-5 (§4.2) ---------------------------------------------------------------------------
WHO5_CASES = [
    # id, items, raw, percent, low_wellbeing, likely_depression, item_low_flag
    ("W-01", [5, 5, 5, 5, 5], 25, 100, False, False, False),
    ("W-02", [0, 0, 0, 0, 0], 0, 0, True, True, True),
    ("W-03", [3, 3, 2, 2, 2], 12, 48, True, False, False),
    ("W-04", [3, 3, 3, 2, 2], 13, 52, False, False, False),
    ("W-05", [1, 1, 2, 2, 1], 7, 28, True, True, True),
]


@pytest.mark.parametrize(("case", "items", "raw", "percent", "low", "likely", "flag"), WHO5_CASES)
def test_who5_public_cases(
    capsys: pytest.CaptureFixture[str],
    case: str,
    items: list[int | None],
    raw: int,
    percent: int,
    low: bool,
    likely: bool,
    flag: bool,
) -> None:
    expected = {
        "status": "COMPLETE",
        "raw": raw,
        "percent": percent,
        "low_wellbeing": low,
        "likely_depression": likely,
        "item_low_flag": flag,
    }
    result = score_who5(items)
    assert result.status is Status.COMPLETE
    assert {k: result.as_dict()[k] for k in expected} == expected
    doc = run_cli(capsys, "who-5", "--items", ",".join(str(i) for i in items))
    assert {k: doc[k] for k in expected} == expected


def test_w06_who5_change_40_to_52_is_significant_improvement(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = who5_change(40, 52)
    assert (result.change, result.direction, result.significant) == (12, Direction.IMPROVEMENT, True)
    doc = run_cli(capsys, "who-5", "--change", "40,52")
    assert (doc["change"], doc["direction"], doc["significant"]) == (12, "improvement", True)


# --- PHQ-9 (§4.3) ---------------------------------------------------------------------------
PHQ9_CASES = [
    # id, items, total, severity, positive_screen, item9_flag
    ("Q-01", [0, 0, 0, 0, 0, 0, 0, 0, 0], 0, Severity.MINIMAL, False, False),
    ("Q-02", [1, 1, 1, 1, 1, 0, 0, 0, 0], 5, Severity.MILD, False, False),
    ("Q-03", [2, 2, 1, 1, 1, 1, 1, 1, 0], 10, Severity.MODERATE, True, False),
    ("Q-04", [3, 3, 2, 2, 2, 2, 2, 1, 0], 17, Severity.MODERATELY_SEVERE, True, False),
    ("Q-05", [3, 3, 3, 3, 3, 3, 2, 0, 0], 20, Severity.SEVERE, True, False),
    ("Q-06", [0, 0, 0, 0, 0, 0, 0, 0, 1], 1, Severity.MINIMAL, False, True),
]


@pytest.mark.parametrize(("case", "items", "total", "severity", "positive", "item9"), PHQ9_CASES)
def test_phq9_public_cases(
    capsys: pytest.CaptureFixture[str],
    case: str,
    items: list[int | None],
    total: int,
    severity: Severity,
    positive: bool,
    item9: bool,
) -> None:
    expected = {
        "status": "COMPLETE",
        "total": total,
        "severity": severity.value,
        "positive_screen": positive,
        "item9_flag": item9,
    }
    assert {k: score_phq9(items).as_dict()[k] for k in expected} == expected
    doc = run_cli(capsys, "phq-9", "--items", ",".join(str(i) for i in items))
    assert {k: doc[k] for k in expected} == expected


# --- GAD-7 (§4.4) ---------------------------------------------------------------------------
GAD7_CASES = [
    ("G-01", [0, 0, 0, 0, 0, 0, 0], 0, Severity.MINIMAL, False),
    ("G-02", [1, 1, 1, 1, 1, 0, 0], 5, Severity.MILD, False),
    ("G-03", [2, 2, 2, 1, 1, 1, 1], 10, Severity.MODERATE, True),
    ("G-04", [3, 3, 3, 2, 2, 1, 1], 15, Severity.SEVERE, True),
    ("G-05", [1, 1, 1, 1, 0, 0, 0], 4, Severity.MINIMAL, False),
]


@pytest.mark.parametrize(("case", "items", "total", "severity", "positive"), GAD7_CASES)
def test_gad7_public_cases(
    capsys: pytest.CaptureFixture[str],
    case: str,
    items: list[int | None],
    total: int,
    severity: Severity,
    positive: bool,
) -> None:
    expected = {
        "status": "COMPLETE",
        "total": total,
        "severity": severity.value,
        "positive_screen": positive,
    }
    assert {k: score_gad7(items).as_dict()[k] for k in expected} == expected
    doc = run_cli(capsys, "gad-7", "--items", ",".join(str(i) for i in items))
    assert {k: doc[k] for k in expected} == expected


# --- PCL-5 (§4.5) ---------------------------------------------------------------------------
C03 = pcl5_items(b=[3, 3, 0, 0, 0], c=[0, 0], d=[2] * 7, e=[2] * 6)
C04 = pcl5_items(b=[2, 0, 0, 0, 0], c=[0, 2], d=[2, 2, 0, 0, 0, 0, 0], e=[2, 2, 0, 0, 0, 0])


def test_c01_all_zero(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_cli(capsys, "pcl-5", "--items", ",".join(["0"] * 20))
    assert doc["total"] == 0
    assert doc["provisional_diagnosis"] is False
    assert doc["above_cutoff"] is False


def test_c02_all_two(capsys: pytest.CaptureFixture[str]) -> None:
    result = score_pcl5([2] * 20)
    assert result.total == 40
    assert result.clusters == {"B": 10, "C": 4, "D": 14, "E": 12}
    assert result.endorsed == {"B": 5, "C": 2, "D": 7, "E": 6}
    assert result.provisional_diagnosis is True
    assert (result.cutoff, result.above_cutoff) == (33, True)
    doc = run_cli(capsys, "pcl-5", "--items", ",".join(["2"] * 20))
    assert doc["clusters"] == {"B": 10, "C": 4, "D": 14, "E": 12}
    assert doc["endorsed"] == {"B": 5, "C": 2, "D": 7, "E": 6}
    assert (doc["provisional_diagnosis"], doc["cutoff"], doc["above_cutoff"]) == (True, 33, True)


def test_c03_total_32_between_cutoffs_and_no_dx_without_c(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(C03) == 20
    at_31 = score_pcl5(C03, cutoff=31)
    at_33 = score_pcl5(C03)
    assert at_31.total == at_33.total == 32
    assert (at_31.cutoff, at_31.above_cutoff) == (31, True)
    assert (at_33.cutoff, at_33.above_cutoff) == (33, False)
    assert at_33.endorsed is not None and at_33.endorsed["C"] == 0
    assert at_33.provisional_diagnosis is False
    doc = run_cli(capsys, "pcl-5", "--items", ",".join(map(str, C03)), "--cutoff", "31")
    assert (doc["total"], doc["cutoff"], doc["above_cutoff"]) == (32, 31, True)
    assert doc["provisional_diagnosis"] is False


def test_c04_low_total_but_provisional_dx_both_shown(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(C04) == 20
    result = score_pcl5(C04)
    assert result.total == 12
    assert result.above_cutoff is False
    assert result.endorsed == {"B": 1, "C": 1, "D": 2, "E": 2}
    assert result.provisional_diagnosis is True
    doc = run_cli(capsys, "pcl-5", "--items", ",".join(map(str, C04)))
    assert (doc["total"], doc["above_cutoff"], doc["provisional_diagnosis"]) == (12, False, True)


def test_c05_all_one_nothing_endorsed() -> None:
    result = score_pcl5([1] * 20)
    assert result.total == 20
    assert result.endorsed == {"B": 0, "C": 0, "D": 0, "E": 0}
    assert result.provisional_diagnosis is False


def test_c06_pcl5_change_50_to_38(capsys: pytest.CaptureFixture[str]) -> None:
    result = pcl5_change(50, 38)
    assert result.change == -12
    assert result.direction is Direction.IMPROVEMENT
    assert (result.significant, result.clinically_meaningful) == (True, True)
    doc = run_cli(capsys, "pcl-5", "--change", "50,38")
    assert doc["change"] == -12
    assert (doc["direction"], doc["significant"], doc["clinically_meaningful"]) == (
        "improvement",
        True,
        True,
    )
