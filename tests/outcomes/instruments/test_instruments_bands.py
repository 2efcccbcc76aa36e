"""Every severity band and cut-off boundary, tested on both sides."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from instrument_helpers import items_for_total

from jisr.outcomes.instruments import (
    BandedResult,
    ScoreResult,
    Severity,
    Status,
    gad7,
    pcl5,
    phq9,
    score_gad7,
    score_pcl5,
    score_phq9,
    score_who5,
)
from jisr.outcomes.instruments.core import Band, band_for

PHQ9_EDGES = [
    # (total, severity) on each side of each published boundary 4|5, 9|10, 14|15, 19|20, and ends
    (0, Severity.MINIMAL),
    (4, Severity.MINIMAL),
    (5, Severity.MILD),
    (9, Severity.MILD),
    (10, Severity.MODERATE),
    (14, Severity.MODERATE),
    (15, Severity.MODERATELY_SEVERE),
    (19, Severity.MODERATELY_SEVERE),
    (20, Severity.SEVERE),
    (27, Severity.SEVERE),
]


@pytest.mark.parametrize(("total", "severity"), PHQ9_EDGES)
def test_phq9_band_edges(total: int, severity: Severity) -> None:
    result = score_phq9(items_for_total(total, 9, 3))
    assert (result.total, result.severity) == (total, severity)


GAD7_EDGES = [
    (0, Severity.MINIMAL),
    (4, Severity.MINIMAL),
    (5, Severity.MILD),
    (9, Severity.MILD),
    (10, Severity.MODERATE),
    (14, Severity.MODERATE),
    (15, Severity.SEVERE),
    (21, Severity.SEVERE),
]


@pytest.mark.parametrize(("total", "severity"), GAD7_EDGES)
def test_gad7_band_edges(total: int, severity: Severity) -> None:
    result = score_gad7(items_for_total(total, 7, 3))
    assert (result.total, result.severity) == (total, severity)


@pytest.mark.parametrize(("score", "count"), [(score_phq9, 9), (score_gad7, 7)], ids=["phq-9", "gad-7"])
@pytest.mark.parametrize(("total", "positive"), [(9, False), (10, True)])
def test_default_positive_screen_is_total_at_least_10(
    score: Callable[[list[int | None]], BandedResult], count: int, total: int, positive: bool
) -> None:
    scored = score(items_for_total(total, count, 3))
    assert (scored.total, scored.positive_screen, scored.cutoff) == (total, positive, 10)


@pytest.mark.parametrize(("total", "positive"), [(7, False), (8, True)])
def test_phq9_configurable_cutoff_is_recorded_and_applied(total: int, positive: bool) -> None:
    result = score_phq9(items_for_total(total, 9, 3), cutoff=8)
    assert (result.positive_screen, result.cutoff) == (positive, 8)
    assert result.as_dict()["cutoff"] == 8


@pytest.mark.parametrize(
    ("raw", "low", "likely"),
    [
        (25, False, False),
        (13, False, False),  # 52 %: the public-repo error maps this to "low"; it is not
        (12, True, False),  # 48 % <= 50
        (8, True, False),  # 32 % > 28
        (7, True, True),  # 28 % <= 28
        (0, True, True),
    ],
)
def test_who5_cutoffs_both_sides(raw: int, low: bool, likely: bool) -> None:
    # items_for_total fills items to 5 first, so no item is 0/1 unless the raw score forces it
    result = score_who5(items_for_total(raw, 5, 5))
    assert result.percent == raw * 4
    assert (result.low_wellbeing, result.likely_depression) == (low, likely)


@pytest.mark.parametrize(
    ("items", "flag"),
    [
        ([2, 2, 2, 2, 2], False),  # lowest answers without the flag
        ([5, 5, 5, 5, 1], True),  # a single 1 anywhere raises it, even with high wellbeing
        ([0, 5, 5, 5, 5], True),
    ],
)
def test_who5_item_low_flag_boundary(items: list[int | None], flag: bool) -> None:
    assert score_who5(items).item_low_flag is flag


@pytest.mark.parametrize(
    ("total", "cutoff", "above"),
    [(32, 33, False), (33, 33, True), (30, 31, False), (31, 31, True), (80, 80, True), (0, 0, True)],
)
def test_pcl5_cutoff_both_sides(total: int, cutoff: int, above: bool) -> None:
    result = score_pcl5(items_for_total(total, 20, 4), cutoff=cutoff)
    assert (result.total, result.cutoff, result.above_cutoff) == (total, cutoff, above)


def test_pcl5_default_cutoff_is_33() -> None:
    assert score_pcl5([0] * 20).cutoff == 33
    assert pcl5.DEFAULT_CUTOFF == 33


@pytest.mark.parametrize(
    ("score", "count", "bad"),
    [
        (score_phq9, 9, -1),
        (score_phq9, 9, 28),
        (score_gad7, 7, 22),
        (score_pcl5, 20, 81),
        (score_pcl5, 20, -1),
        (score_pcl5, 20, True),
        (score_pcl5, 20, 33.0),
    ],
)
def test_cutoff_off_the_scale_is_rejected(score: Callable[..., ScoreResult], count: int, bad: object) -> None:
    with pytest.raises(ValueError, match="cut-off"):
        score([0] * count, cutoff=bad)


@pytest.mark.parametrize(("bands", "top"), [(phq9.BANDS, 27), (gad7.BANDS, 21)], ids=["phq-9", "gad-7"])
def test_band_tables_cover_the_whole_total_range_without_gaps(bands: tuple[Band, ...], top: int) -> None:
    assert bands[0].low == 0
    assert bands[-1].high == top
    for lower, upper in itertools.pairwise(bands):
        assert upper.low == lower.high + 1


def test_band_for_rejects_total_outside_every_band() -> None:
    with pytest.raises(ValueError, match="outside every severity band"):
        band_for(phq9.BANDS, 28)


def test_incomplete_results_have_no_band() -> None:
    result = score_phq9([3, 3, 3, 3, 3, 3, 3, 3, None])
    assert result.status is Status.INCOMPLETE
    assert (result.total, result.severity, result.positive_screen) == (None, None, None)
