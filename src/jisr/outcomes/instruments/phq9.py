"""PHQ-9, the depression module of the Patient Health Questionnaire.

Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure.
J Gen Intern Med 2001;16(9):606-613. Released by Pfizer without copyright restriction (2010).
Facts and confidence tags: ``shared/reference/identification.md`` §4.3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jisr.outcomes.instruments.banded import BandedResult, score_banded
from jisr.outcomes.instruments.core import (
    Band,
    ChangeResult,
    ChangeRule,
    InstrumentSpec,
    ItemValue,
    JsonDict,
    Severity,
    compute_change,
    item_flag,
)

SPEC = InstrumentSpec(
    code="phq-9",
    name="Patient Health Questionnaire-9",
    item_prefix="phq9",
    item_count=9,
    item_min=0,  # not at all
    item_max=3,  # nearly every day
    higher_is_better=False,
    time_frame="last 2 weeks",
    source="Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16(9):606-613",
)

#: Published severity bands of the total (0-27) [A].
BANDS: tuple[Band, ...] = (
    Band(Severity.MINIMAL, 0, 4),
    Band(Severity.MILD, 5, 9),
    Band(Severity.MODERATE, 10, 14),
    Band(Severity.MODERATELY_SEVERE, 15, 19),
    Band(Severity.SEVERE, 20, 27),
)

#: Usual positive screen for major depression: total >= 10 [B].
DEFAULT_CUTOFF = 10

#: Item 9 (thoughts of being better off dead or of self-harm) is the safety item [A].
SAFETY_ITEM = 9

CHANGE_RULE = ChangeRule(
    scale="total 0-27",
    score_min=0,
    score_max=27,
    step=1,
    higher_is_better=False,
    significant_at=None,  # no verified threshold in the reference: do not invent one
)


@dataclass(frozen=True, kw_only=True)
class Phq9Result(BandedResult):
    """PHQ-9 result; ``item9_flag`` is set from item 9 alone, whatever the status."""

    item9_flag: bool | None

    def scores(self) -> JsonDict:
        doc = super().scores()
        cutoff = doc.pop("cutoff")
        return {**doc, "item9_flag": self.item9_flag, "cutoff": cutoff}


def score_phq9(items: Sequence[ItemValue], *, cutoff: int = DEFAULT_CUTOFF) -> Phq9Result:
    """Score the PHQ-9.

    - Items: 9 (``phq9_1`` … ``phq9_9``), each 0-3 (0 not at all, 1 several days, 2 more than
      half the days, 3 nearly every day); ``None`` = missing answer.
    - Total = sum, 0-27. Severity: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately
      severe, 20-27 severe. ``positive_screen`` = total >= ``cutoff`` (default 10, the usual
      screen for major depression; configurable within 0-27, else ``ValueError``).
    - ``item9_flag``: item 9 above 0 is clinically significant regardless of the total and must
      trigger the same-day safety protocol. It is computed from item 9 alone, so it is ``True``
      even when other answers are missing or invalid; ``None`` only if item 9 itself is missing
      or invalid.
    - A missing answer is never scored as zero: ``INCOMPLETE`` with no total (no proration, as
      proration conventions were not verified); out-of-range or wrong count: ``VALIDATION_ERROR``.
    - Source: Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16(9):606-613.
    """
    scored = score_banded(SPEC, BANDS, items, cutoff)
    return Phq9Result(
        instrument=SPEC.code,
        status=scored.check.status,
        missing=scored.check.missing,
        errors=scored.check.errors,
        total=scored.total,
        severity=scored.severity,
        positive_screen=scored.positive_screen,
        cutoff=scored.cutoff,
        item9_flag=item_flag(scored.check.valid[SAFETY_ITEM - 1 : SAFETY_ITEM], lambda v: v > 0),
    )


def phq9_change(baseline: int | None, follow_up: int | None) -> ChangeResult:
    """Change in PHQ-9 total (0-27) from ``baseline`` to ``follow_up``; lower is better.

    ``significant`` is ``None``: the reference gives no verified change threshold for PHQ-9.
    """
    return compute_change(SPEC.code, CHANGE_RULE, baseline, follow_up)
