"""Property tests (hypothesis): monotonicity, never-zero missing answers, agreement with the CLI."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jisr.outcomes.instruments import (
    INSTRUMENTS,
    Direction,
    ScoreResult,
    Severity,
    Status,
    gad7,
    gad7_change,
    parse_item_list,
    pcl5_change,
    phq9,
    phq9_change,
    score_pcl5,
    score_phq9,
    score_who5,
    who5_change,
)
from jisr.outcomes.instruments.cli import main
from jisr.outcomes.instruments.core import band_for

CODES = list(INSTRUMENTS)
SEVERITY_ORDER = list(Severity)


def total_of(doc: dict[str, object]) -> object:
    return doc["raw"] if "raw" in doc else doc["total"]


@st.composite
def complete_items(draw: st.DrawFn, code: str) -> list[int | None]:
    spec = INSTRUMENTS[code].spec
    value = st.integers(spec.item_min, spec.item_max)
    return list(draw(st.lists(value, min_size=spec.item_count, max_size=spec.item_count)))


def scorer(code: str) -> Callable[[list[int | None]], ScoreResult]:
    return lambda items: INSTRUMENTS[code].score(items)


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_raising_one_item_never_lowers_the_total_or_severity(code: str, data: st.DataObject) -> None:
    spec = INSTRUMENTS[code].spec
    items = data.draw(complete_items(code))
    position = data.draw(st.integers(0, spec.item_count - 1))
    current = items[position]
    assert current is not None
    raised = list(items)
    raised[position] = data.draw(st.integers(current, spec.item_max))
    before, after = scorer(code)(items).as_dict(), scorer(code)(raised).as_dict()
    assert before["status"] == after["status"] == "COMPLETE"
    lo, hi = total_of(before), total_of(after)
    assert isinstance(lo, int) and isinstance(hi, int)
    assert hi - lo == (raised[position] or 0) - current  # exactly the plain sum
    if "severity" in before:
        assert SEVERITY_ORDER.index(Severity(str(before["severity"]))) <= SEVERITY_ORDER.index(
            Severity(str(after["severity"]))
        )
    if code == "pcl-5":
        assert not (before["provisional_diagnosis"] and not after["provisional_diagnosis"])
    if code == "who-5":  # higher is better: flags can only switch off
        for flag in ("low_wellbeing", "likely_depression", "item_low_flag"):
            assert not (after[flag] and not before[flag])


@pytest.mark.parametrize("bands", [phq9.BANDS, gad7.BANDS], ids=["phq-9", "gad-7"])
@given(a=st.integers(0, 27), b=st.integers(0, 27))
def test_severity_is_monotone_in_the_total(bands: tuple[object, ...], a: int, b: int) -> None:
    top = bands[-1].high  # type: ignore[attr-defined]
    lo, hi = sorted((min(a, top), min(b, top)))
    assert SEVERITY_ORDER.index(band_for(bands, lo)) <= SEVERITY_ORDER.index(band_for(bands, hi))  # type: ignore[arg-type]


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_any_missing_answer_gives_incomplete_and_no_score(code: str, data: st.DataObject) -> None:
    spec = INSTRUMENTS[code].spec
    items = data.draw(complete_items(code))
    holes = data.draw(st.sets(st.integers(0, spec.item_count - 1), min_size=1))
    for hole in holes:
        items[hole] = None
    doc = scorer(code)(items).as_dict()
    assert doc["status"] == "INCOMPLETE"
    assert total_of(doc) is None
    assert doc["missing"] == [spec.item_codes[i] for i in sorted(holes)]


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_any_out_of_range_answer_gives_validation_error(code: str, data: st.DataObject) -> None:
    spec = INSTRUMENTS[code].spec
    items = data.draw(complete_items(code))
    position = data.draw(st.integers(0, spec.item_count - 1))
    items[position] = data.draw(
        st.integers(max_value=spec.item_min - 1) | st.integers(min_value=spec.item_max + 1)
    )
    doc = scorer(code)(items).as_dict()
    assert doc["status"] == "VALIDATION_ERROR"
    assert total_of(doc) is None


@given(items=complete_items("who-5"))
def test_who5_percent_and_flags_follow_the_published_rules(items: list[int | None]) -> None:
    result = score_who5(items)
    values = [v for v in items if v is not None]
    raw = sum(values)
    assert (result.raw, result.percent) == (raw, raw * 4)
    assert result.low_wellbeing is (raw < 13)
    assert result.likely_depression is (raw <= 7)
    assert result.item_low_flag is any(v <= 1 for v in values)


@given(items=st.lists(st.none() | st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_item9_flag_depends_on_item9_only(items: list[int | None]) -> None:
    result = score_phq9(items)
    item9 = items[8]
    assert result.item9_flag is (None if item9 is None else item9 > 0)


@given(items=complete_items("pcl-5"), cutoff=st.integers(0, 80))
def test_pcl5_structure(items: list[int | None], cutoff: int) -> None:
    result = score_pcl5(items, cutoff=cutoff)
    values = [v for v in items if v is not None]
    assert result.clusters is not None and result.endorsed is not None
    assert result.total == sum(result.clusters.values()) == sum(values)
    assert sum(result.endorsed.values()) == sum(1 for v in values if v >= 2)
    assert result.provisional_diagnosis is (
        result.endorsed["B"] >= 1
        and result.endorsed["C"] >= 1
        and result.endorsed["D"] >= 2
        and result.endorsed["E"] >= 2
    )
    assert result.above_cutoff is (sum(values) >= cutoff)


CHANGES = [
    (who5_change, st.integers(0, 25).map(lambda raw: raw * 4)),
    (phq9_change, st.integers(0, 27)),
    (gad7_change, st.integers(0, 21)),
    (pcl5_change, st.integers(0, 80)),
]


@pytest.mark.parametrize(("change", "scores"), CHANGES, ids=CODES)
@given(data=st.data())
def test_change_is_antisymmetric(
    change: Callable[[int | None, int | None], object],
    scores: st.SearchStrategy[int],
    data: st.DataObject,
) -> None:
    a, b = data.draw(scores), data.draw(scores)
    forward, backward = change(a, b), change(b, a)
    assert forward.change == b - a == -backward.change  # type: ignore[attr-defined]
    assert forward.significant == backward.significant  # type: ignore[attr-defined]
    swapped = {
        Direction.IMPROVEMENT: Direction.DETERIORATION,
        Direction.DETERIORATION: Direction.IMPROVEMENT,
        Direction.NONE: Direction.NONE,
    }
    assert backward.direction is swapped[forward.direction]  # type: ignore[attr-defined]


DIGIT_SETS = [
    "0123456789",
    "".join(map(chr, range(0x0660, 0x066A))),
    "".join(map(chr, range(0x06F0, 0x06FA))),
]


@given(
    values=st.lists(st.none() | st.integers(-99, 999), min_size=1, max_size=25),
    script=st.sampled_from(DIGIT_SETS),
    separator=st.sampled_from([",", "\u060c", " , "]),
)
def test_item_lists_round_trip_in_every_digit_script(
    values: list[int | None], script: str, separator: str
) -> None:
    def render(v: int | None) -> str:
        if v is None:
            return "-"
        text = str(abs(v)).translate(str.maketrans("0123456789", script))
        return f"-{text}" if v < 0 else text

    assert parse_item_list(separator.join(render(v) for v in values)) == values


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_cli_prints_exactly_the_pure_result(code: str, data: st.DataObject) -> None:
    spec = INSTRUMENTS[code].spec
    items = data.draw(
        st.lists(
            st.none() | st.integers(-1, spec.item_max + 1), min_size=spec.item_count, max_size=spec.item_count
        )
    )
    text = ",".join("-" if v is None else str(v) for v in items)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["score", code, "--items", text]) == 0
    assert json.loads(out.getvalue()) == scorer(code)(items).as_dict()


def test_statuses_cover_the_interface_vocabulary() -> None:
    assert [s.value for s in Status] == ["COMPLETE", "INCOMPLETE", "VALIDATION_ERROR"]
