"""GAD-7, the Generalized Anxiety Disorder scale.

Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety
disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097. Released by Pfizer without copyright
restriction (2010). Facts and confidence tags: ``shared/reference/identification.md`` §4.4.
"""

from __future__ import annotations

from collections.abc import Sequence

from jisr.outcomes.instruments.banded import BandedResult, score_banded
from jisr.outcomes.instruments.core import (
    Band,
    ChangeResult,
    ChangeRule,
    InstrumentSpec,
    ItemValue,
    Severity,
    compute_change,
)

SPEC = InstrumentSpec(
    code="gad-7",
    name="Generalized Anxiety Disorder-7",
    item_prefix="gad7",
    item_count=7,
    item_min=0,  # not at all
    item_max=3,  # nearly every day
    higher_is_better=False,
    time_frame="last 2 weeks",
    source="Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166(10):1092-1097",
)

#: Published cut points 5, 10 and 15 on the total (0-21) [B].
BANDS: tuple[Band, ...] = (
    Band(Severity.MINIMAL, 0, 4),
    Band(Severity.MILD, 5, 9),
    Band(Severity.MODERATE, 10, 14),
    Band(Severity.SEVERE, 15, 21),
)

#: Reasonable cut point for probable generalised anxiety disorder: total >= 10 [B].
DEFAULT_CUTOFF = 10

CHANGE_RULE = ChangeRule(
    scale="total 0-21",
    score_min=0,
    score_max=21,
    step=1,
    higher_is_better=False,
    significant_at=None,  # no verified threshold in the reference: do not invent one
)

#: GAD-7 has no instrument-specific flag: its result is the plain banded result.
Gad7Result = BandedResult


def score_gad7(items: Sequence[ItemValue], *, cutoff: int = DEFAULT_CUTOFF) -> BandedResult:
    """Score the GAD-7.

    - Items: 7 (``gad7_1`` … ``gad7_7``), each 0-3 with the PHQ anchors (0 not at all,
      1 several days, 2 more than half the days, 3 nearly every day); ``None`` = missing.
    - Total = sum, 0-21. Severity (cut points 5, 10, 15): 0-4 minimal, 5-9 mild, 10-14
      moderate, 15-21 severe. ``positive_screen`` = total >= ``cutoff`` (default 10, probable
      GAD; configurable within 0-21, else ``ValueError``).
    - A missing answer is never scored as zero: ``INCOMPLETE`` with no total; out-of-range or
      wrong count: ``VALIDATION_ERROR``.
    - Source: Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166(10):1092-1097.
    """
    scored = score_banded(SPEC, BANDS, items, cutoff)
    return BandedResult(
        instrument=SPEC.code,
        status=scored.check.status,
        missing=scored.check.missing,
        errors=scored.check.errors,
        total=scored.total,
        severity=scored.severity,
        positive_screen=scored.positive_screen,
        cutoff=scored.cutoff,
    )


def gad7_change(baseline: int | None, follow_up: int | None) -> ChangeResult:
    """Change in GAD-7 total (0-21) from ``baseline`` to ``follow_up``; lower is better.

    ``significant`` is ``None``: the reference gives no verified change threshold for GAD-7.
    """
    return compute_change(SPEC.code, CHANGE_RULE, baseline, follow_up)
