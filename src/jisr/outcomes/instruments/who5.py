"""WHO-5 Well-Being Index (1998 version).

Psychiatric Research Unit, WHO Collaborating Centre in Mental Health, Frederiksborg General
Hospital, Hillerød (1998); review: Topp CW, Østergaard SD, Søndergaard S, Bech P. The WHO-5
Well-Being Index: a systematic review of the literature. Psychother Psychosom 2015;84:167-176.
Free to use without permission. Facts and confidence tags: ``shared/reference/identification.md``
§4.2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jisr.outcomes.instruments.core import (
    ChangeResult,
    ChangeRule,
    InstrumentSpec,
    ItemValue,
    JsonDict,
    ScoreResult,
    check_items,
    compute_change,
    item_flag,
)

SPEC = InstrumentSpec(
    code="who-5",
    name="WHO-5 Well-Being Index",
    item_prefix="who5",
    item_count=5,
    item_min=0,  # at no time
    item_max=5,  # all of the time
    higher_is_better=True,
    time_frame="last 2 weeks",
    source="WHO Collaborating Centre in Mental Health, Frederiksborg (1998); "
    "Topp et al., Psychother Psychosom 2015;84:167-176",
)

#: Percentage score = raw x 4 (0-100) [A].
PERCENT_PER_RAW_POINT = 4
#: Percentage <= 50 (= raw <= 12, i.e. raw below 13): poor wellbeing, assess for depression [A].
LOW_WELLBEING_AT_MOST = 50
#: Percentage <= 28 (= raw <= 7): likely depression [A].
LIKELY_DEPRESSION_AT_MOST = 28
#: An answer of 0 or 1 on any item also warrants depression assessment (1998 version) [B].
ITEM_LOW_AT_MOST = 1
#: A difference of 10 points on the percentage scale is a significant change [A].
SIGNIFICANT_CHANGE = 10

CHANGE_RULE = ChangeRule(
    scale="percent 0-100",
    score_min=0,
    score_max=100,
    step=PERCENT_PER_RAW_POINT,
    higher_is_better=True,
    significant_at=SIGNIFICANT_CHANGE,
)


@dataclass(frozen=True, kw_only=True)
class Who5Result(ScoreResult):
    """WHO-5 result; scores ``None`` unless COMPLETE, ``item_low_flag`` three-valued."""

    raw: int | None
    percent: int | None
    low_wellbeing: bool | None
    likely_depression: bool | None
    item_low_flag: bool | None

    def scores(self) -> JsonDict:
        return {
            "raw": self.raw,
            "percent": self.percent,
            "low_wellbeing": self.low_wellbeing,
            "likely_depression": self.likely_depression,
            "item_low_flag": self.item_low_flag,
        }


def score_who5(items: Sequence[ItemValue]) -> Who5Result:
    """Score the WHO-5 Well-Being Index.

    - Items: 5 (``who5_1`` … ``who5_5``), each 0-5 (0 at no time … 5 all of the time), all
      positively worded; ``None`` = missing answer.
    - Raw score = sum, 0-25; ``percent`` = raw x 4, 0-100; higher = better wellbeing.
    - ``low_wellbeing``: percent <= 50 (equivalently raw < 13; raw 13 is 52 %, not low).
    - ``likely_depression``: percent <= 28 (raw <= 7).
    - ``item_low_flag``: any item answered 0 or 1 (1998 WHO version). Computed on the known
      answers: ``True`` as soon as one known answer is 0 or 1, ``None`` when unknown.
    - No proration rule was found: a missing answer gives ``INCOMPLETE`` with no score; an
      out-of-range answer or wrong count gives ``VALIDATION_ERROR``.
    - Source: WHO Collaborating Centre in Mental Health, Frederiksborg (1998); Topp et al.,
      Psychother Psychosom 2015;84:167-176.
    """
    check = check_items(SPEC, items)
    flag = item_flag(check.valid, lambda v: v <= ITEM_LOW_AT_MOST)
    if check.values is None:
        return Who5Result(
            instrument=SPEC.code,
            status=check.status,
            missing=check.missing,
            errors=check.errors,
            raw=None,
            percent=None,
            low_wellbeing=None,
            likely_depression=None,
            item_low_flag=flag,
        )
    raw = sum(check.values)
    percent = raw * PERCENT_PER_RAW_POINT
    return Who5Result(
        instrument=SPEC.code,
        status=check.status,
        missing=check.missing,
        errors=check.errors,
        raw=raw,
        percent=percent,
        low_wellbeing=percent <= LOW_WELLBEING_AT_MOST,
        likely_depression=percent <= LIKELY_DEPRESSION_AT_MOST,
        item_low_flag=flag,
    )


def who5_change(baseline_percent: int | None, follow_up_percent: int | None) -> ChangeResult:
    """Change in WHO-5 **percentage** score (0-100, multiples of 4); higher is better.

    ``significant`` when the absolute change is at least 10 percentage points (either
    direction). Raw scores must be converted first (raw x 4).
    """
    return compute_change(SPEC.code, CHANGE_RULE, baseline_percent, follow_up_percent)
