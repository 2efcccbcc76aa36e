"""Change between two administrations: direction, significance thresholds, bad input."""

from __future__ import annotations

import dataclasses

import pytest

from jisr.outcomes.instruments import (
    Direction,
    Status,
    gad7_change,
    pcl5_change,
    phq9_change,
    who5_change,
)


@pytest.mark.parametrize(
    ("baseline", "follow_up", "change", "direction", "significant"),
    [
        (40, 52, 12, Direction.IMPROVEMENT, True),  # W-06
        (40, 48, 8, Direction.IMPROVEMENT, False),  # largest change below 10 on a 4-point grid
        (52, 40, -12, Direction.DETERIORATION, True),  # a significant fall is reported too
        (48, 40, -8, Direction.DETERIORATION, False),
        (60, 60, 0, Direction.NONE, False),
        (0, 100, 100, Direction.IMPROVEMENT, True),
    ],
)
def test_who5_change_on_percent_scale(
    baseline: int, follow_up: int, change: int, direction: Direction, significant: bool
) -> None:
    result = who5_change(baseline, follow_up)
    assert result.status is Status.COMPLETE
    assert (result.change, result.direction, result.significant) == (change, direction, significant)
    assert "clinically_meaningful" not in result.as_dict()


def test_who5_threshold_is_exactly_10_points() -> None:
    # Percent scores are multiples of 4, so test the rule itself at 9/10 through the core.
    from jisr.outcomes.instruments.core import compute_change
    from jisr.outcomes.instruments.who5 import CHANGE_RULE

    rule = dataclasses.replace(CHANGE_RULE, step=1)
    assert compute_change("who-5", rule, 50, 59).significant is False
    assert compute_change("who-5", rule, 50, 60).significant is True


@pytest.mark.parametrize(
    ("baseline", "follow_up", "direction", "significant", "meaningful"),
    [
        (50, 38, Direction.IMPROVEMENT, True, True),  # C-06
        (50, 46, Direction.IMPROVEMENT, False, False),  # 4: below reliable change
        (50, 45, Direction.IMPROVEMENT, True, False),  # 5: reliable, not yet meaningful
        (50, 41, Direction.IMPROVEMENT, True, False),  # 9
        (50, 40, Direction.IMPROVEMENT, True, True),  # 10: clinically meaningful
        (40, 45, Direction.DETERIORATION, True, False),  # higher PCL-5 is worse
        (40, 44, Direction.DETERIORATION, False, False),
        (40, 50, Direction.DETERIORATION, True, True),
        (33, 33, Direction.NONE, False, False),
    ],
)
def test_pcl5_change_thresholds(
    baseline: int, follow_up: int, direction: Direction, significant: bool, meaningful: bool
) -> None:
    result = pcl5_change(baseline, follow_up)
    assert result.change == follow_up - baseline
    assert (result.direction, result.significant, result.clinically_meaningful) == (
        direction,
        significant,
        meaningful,
    )
    assert result.as_dict()["clinically_meaningful"] is meaningful


def test_pcl5_thresholds_are_configurable() -> None:
    result = pcl5_change(50, 40, reliable=10, meaningful=20)
    assert (result.significant, result.clinically_meaningful) == (True, False)


@pytest.mark.parametrize(("reliable", "meaningful"), [(0, 10), (11, 10)])
def test_pcl5_threshold_order_is_checked(reliable: int, meaningful: int) -> None:
    with pytest.raises(ValueError, match="reliable <= meaningful"):
        pcl5_change(50, 40, reliable=reliable, meaningful=meaningful)


@pytest.mark.parametrize("change", [phq9_change, gad7_change])
def test_phq9_gad7_direction_and_no_invented_significance(change: object) -> None:
    assert callable(change)
    down = change(15, 5)
    up = change(5, 15)
    assert (down.direction, up.direction) == (Direction.IMPROVEMENT, Direction.DETERIORATION)
    assert change(7, 7).direction is Direction.NONE
    assert down.significant is None  # no verified threshold in the reference
    assert "clinically_meaningful" not in down.as_dict()


@pytest.mark.parametrize(
    ("baseline", "follow_up", "error"),
    [
        (42, 52, "baseline: 42 is not a multiple of 4 (percent 0-100)"),
        (40, 104, "follow-up: 104 is outside 0-100 (percent 0-100)"),
        (-4, 40, "baseline: -4 is outside 0-100 (percent 0-100)"),
        (True, 40, "baseline: True is not an integer score"),
    ],
)
def test_who5_change_rejects_scores_off_the_percent_scale(baseline: int, follow_up: int, error: str) -> None:
    result = who5_change(baseline, follow_up)
    assert result.status is Status.VALIDATION_ERROR
    assert result.errors == (error,)
    assert (result.change, result.direction, result.significant) == (None, None, None)


def test_change_out_of_range_for_totals() -> None:
    assert phq9_change(28, 0).errors == ("baseline: 28 is outside 0-27 (total 0-27)",)
    assert gad7_change(0, 22).status is Status.VALIDATION_ERROR
    assert pcl5_change(81, 0).status is Status.VALIDATION_ERROR


@pytest.mark.parametrize(("baseline", "follow_up"), [(None, 40), (40, None), (None, None)])
def test_change_with_a_missing_score_is_incomplete(baseline: int | None, follow_up: int | None) -> None:
    doc = pcl5_change(baseline, follow_up).as_dict()
    assert doc["status"] == "INCOMPLETE"
    assert (doc["change"], doc["direction"], doc["significant"]) == (None, None, None)
    assert doc["clinically_meaningful"] is None


def test_change_json_shape() -> None:
    assert who5_change(40, 52).as_dict() == {
        "instrument": "who-5",
        "status": "COMPLETE",
        "scale": "percent 0-100",
        "baseline": 40,
        "follow_up": 52,
        "change": 12,
        "direction": "improvement",
        "significant": True,
        "errors": [],
    }
