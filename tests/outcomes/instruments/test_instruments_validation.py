"""Missing answers, out-of-range answers, wrong item counts, item-level safety flags, metadata."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jisr.outcomes.instruments import (
    INSTRUMENTS,
    ScoreResult,
    Status,
    get_instrument,
    score_gad7,
    score_pcl5,
    score_phq9,
    score_who5,
)

SCORERS: list[tuple[str, Callable[[list[int | None]], ScoreResult], int, int]] = [
    # code, scorer, item count, item max
    ("who-5", score_who5, 5, 5),
    ("phq-9", score_phq9, 9, 3),
    ("gad-7", score_gad7, 7, 3),
    ("pcl-5", score_pcl5, 20, 4),
]
IDS = [s[0] for s in SCORERS]
SCORE_KEYS = {
    "who-5": ("raw", "percent", "low_wellbeing", "likely_depression"),
    "phq-9": ("total", "severity", "positive_screen"),
    "gad-7": ("total", "severity", "positive_screen"),
    "pcl-5": ("total", "clusters", "endorsed", "provisional_diagnosis", "above_cutoff"),
}


@pytest.mark.parametrize(("code", "score", "count", "top"), SCORERS, ids=IDS)
def test_a_missing_answer_is_never_scored_as_zero(
    code: str, score: Callable[[list[int | None]], ScoreResult], count: int, top: int
) -> None:
    # Every other answer is 0, so "missing = 0" would give a perfectly plausible COMPLETE result.
    for position in range(count):
        items: list[int | None] = [0] * count
        items[position] = None
        doc = score(items).as_dict()
        assert doc["status"] == "INCOMPLETE"
        assert doc["missing"] == [f"{code.replace('-', '')}_{position + 1}"]
        assert doc["errors"] == []
        assert all(doc[key] is None for key in SCORE_KEYS[code])


@pytest.mark.parametrize(("code", "score", "count", "top"), SCORERS, ids=IDS)
def test_all_missing_lists_every_item(
    code: str, score: Callable[[list[int | None]], ScoreResult], count: int, top: int
) -> None:
    result = score([None] * count)
    assert result.status is Status.INCOMPLETE
    assert result.missing == INSTRUMENTS[code].spec.item_codes


@pytest.mark.parametrize(("code", "score", "count", "top"), SCORERS, ids=IDS)
@pytest.mark.parametrize("offset", [-1, +1], ids=["below-min", "above-max"])
def test_out_of_range_answer_is_a_validation_error(
    code: str,
    score: Callable[[list[int | None]], ScoreResult],
    count: int,
    top: int,
    offset: int,
) -> None:
    bad = -1 if offset < 0 else top + 1
    items: list[int | None] = [top] * count  # the highest valid answer is accepted ...
    assert score(items).status is Status.COMPLETE
    items[-1] = bad  # ... one beyond it is not
    doc = score(items).as_dict()
    assert doc["status"] == "VALIDATION_ERROR"
    assert doc["errors"] == [f"{code.replace('-', '')}_{count}: {bad} is outside 0-{top}"]
    assert all(doc[key] is None for key in SCORE_KEYS[code])


@pytest.mark.parametrize(("code", "score", "count", "top"), SCORERS, ids=IDS)
@pytest.mark.parametrize("delta", [-1, +1], ids=["one-short", "one-extra"])
def test_wrong_item_count_is_a_validation_error(
    code: str,
    score: Callable[[list[int | None]], ScoreResult],
    count: int,
    top: int,
    delta: int,
) -> None:
    doc = score([1] * (count + delta)).as_dict()
    assert doc["status"] == "VALIDATION_ERROR"
    assert doc["errors"] == [f"{code} has {count} items; got {count + delta} answers"]
    assert all(doc[key] is None for key in SCORE_KEYS[code])


@pytest.mark.parametrize("bad", [True, 1.0, "1"], ids=["bool", "float", "str"])
def test_non_integer_answers_are_validation_errors(bad: object) -> None:
    items: list[object] = [1, 1, 1, 1, bad]
    result = score_who5(items)  # type: ignore[arg-type]  # what a sloppy caller might send
    assert result.status is Status.VALIDATION_ERROR
    assert result.errors == (f"who5_5: {bad!r} is not an integer answer",)


def test_validation_error_takes_precedence_over_missing() -> None:
    result = score_gad7([None, 4, 0, 0, 0, 0, 0])
    assert result.status is Status.VALIDATION_ERROR
    assert result.missing == ("gad7_1",)
    assert result.errors == ("gad7_2: 4 is outside 0-3",)


# --- PHQ-9 item 9: the safety flag ------------------------------------------------------------


@pytest.mark.parametrize(("item9", "flag"), [(0, False), (1, True), (2, True), (3, True)])
def test_phq9_item9_above_zero_flags_regardless_of_total(item9: int, flag: bool) -> None:
    result = score_phq9([0] * 8 + [item9])
    assert result.item9_flag is flag
    assert result.severity is not None and result.severity.value == "minimal"


def test_phq9_item9_flag_ignores_other_items() -> None:
    assert score_phq9([3] * 8 + [0]).item9_flag is False


def test_phq9_item9_flag_still_fires_when_other_answers_are_missing_or_invalid() -> None:
    incomplete = score_phq9([None] * 8 + [1])
    assert incomplete.status is Status.INCOMPLETE
    assert incomplete.total is None
    assert incomplete.item9_flag is True
    invalid = score_phq9([7] + [0] * 7 + [2])
    assert invalid.status is Status.VALIDATION_ERROR
    assert invalid.item9_flag is True


def test_phq9_item9_flag_is_unknown_when_item9_is_missing_or_invalid() -> None:
    assert score_phq9([0] * 8 + [None]).item9_flag is None
    assert score_phq9([0] * 8 + [4]).item9_flag is None
    assert score_phq9([0] * 8).item9_flag is None  # wrong count: positions cannot be trusted
    # ... and never reported as a reassuring False when item 9 is unknown
    assert score_phq9([0] * 7 + [None, None]).item9_flag is None


def test_phq9_item9_known_zero_is_false_even_if_other_items_missing() -> None:
    assert score_phq9([None] * 8 + [0]).item9_flag is False


# --- WHO-5 item-level flag with unknown answers ----------------------------------------------


def test_who5_item_low_flag_on_incomplete_forms() -> None:
    assert score_who5([None, 1, 5, 5, 5]).item_low_flag is True  # a known 1 is enough
    assert score_who5([None, 2, 5, 5, 5]).item_low_flag is None  # the missing one could be 0
    assert score_who5([9, 2, 5, 5, 5]).item_low_flag is None
    assert score_who5([9, 0, 5, 5, 5]).item_low_flag is True


# --- item metadata for forms ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "prefix", "count", "lo", "hi", "total_max", "higher_is_better"),
    [
        ("who-5", "who5", 5, 0, 5, 25, True),
        ("phq-9", "phq9", 9, 0, 3, 27, False),
        ("gad-7", "gad7", 7, 0, 3, 21, False),
        ("pcl-5", "pcl5", 20, 0, 4, 80, False),
    ],
)
def test_item_metadata(
    code: str,
    prefix: str,
    count: int,
    lo: int,
    hi: int,
    total_max: int,
    higher_is_better: bool,
) -> None:
    spec = INSTRUMENTS[code].spec
    assert spec.item_codes == tuple(f"{prefix}_{n}" for n in range(1, count + 1))
    meta = spec.as_dict()
    assert meta["code"] == code
    assert (meta["item_count"], meta["item_min"], meta["item_max"]) == (count, lo, hi)
    assert (meta["total_min"], meta["total_max"]) == (0, total_max)
    assert meta["higher_is_better"] is higher_is_better
    assert meta["item_codes"] == list(spec.item_codes)
    assert meta["source"] and meta["time_frame"]


# --- registry -------------------------------------------------------------------------------


def test_registry_scores_by_code_with_default_and_custom_cutoffs() -> None:
    pcl5 = INSTRUMENTS["pcl-5"]
    assert pcl5.accepts_cutoff and pcl5.default_cutoff == 33
    assert pcl5.score([2] * 16 + [0] * 4).as_dict()["above_cutoff"] is False  # 32 < 33
    assert pcl5.score([2] * 16 + [0] * 4, cutoff=32).as_dict()["above_cutoff"] is True


def test_registry_refuses_a_cutoff_for_who5() -> None:
    who5 = INSTRUMENTS["who-5"]
    assert not who5.accepts_cutoff
    assert who5.score([5] * 5).as_dict()["percent"] == 100
    with pytest.raises(ValueError, match="who-5 has fixed published cut-offs"):
        who5.score([5] * 5, cutoff=13)


def test_get_instrument_names_the_valid_codes() -> None:
    assert get_instrument("gad-7") is INSTRUMENTS["gad-7"]
    with pytest.raises(ValueError, match="choose one of who-5, phq-9, gad-7, pcl-5"):
        get_instrument("gad7")


def test_base_result_document_shape() -> None:
    doc = ScoreResult(instrument="x", status=Status.INCOMPLETE, missing=("x_1",), errors=()).as_dict()
    assert doc == {"instrument": "x", "status": "INCOMPLETE", "missing": ["x_1"], "errors": []}
