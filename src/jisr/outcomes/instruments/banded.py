"""Sum-score instruments with severity bands and a positive-screen cut-off (PHQ-9, GAD-7).

Both Pfizer PHQ screeners are scored the same way: the total is the plain sum of the items,
the severity is the band containing the total, and the screen is positive at total >= cut-off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jisr.outcomes.instruments.core import (
    Band,
    InstrumentSpec,
    ItemCheck,
    ItemValue,
    JsonDict,
    ScoreResult,
    Severity,
    band_for,
    check_cutoff,
    check_items,
)


@dataclass(frozen=True, kw_only=True)
class BandedResult(ScoreResult):
    """Total, severity band and positive screen; all ``None`` unless ``status`` is COMPLETE."""

    total: int | None
    severity: Severity | None
    positive_screen: bool | None
    cutoff: int

    def scores(self) -> JsonDict:
        return {
            "total": self.total,
            "severity": None if self.severity is None else self.severity.value,
            "positive_screen": self.positive_screen,
            "cutoff": self.cutoff,
        }


@dataclass(frozen=True)
class BandedScore:
    """Intermediate result of :func:`score_banded`, before instrument-specific flags."""

    check: ItemCheck
    total: int | None
    severity: Severity | None
    positive_screen: bool | None
    cutoff: int


def score_banded(
    spec: InstrumentSpec, bands: Sequence[Band], items: Sequence[ItemValue], cutoff: int
) -> BandedScore:
    """Validate ``items``; when complete, sum them, find the band and apply ``cutoff`` (>=).

    ``ValueError`` if ``cutoff`` is outside the instrument's total range.
    """
    check_cutoff(spec, cutoff)
    check = check_items(spec, items)
    if check.values is None:
        return BandedScore(check, None, None, None, cutoff)
    total = sum(check.values)
    return BandedScore(check, total, band_for(bands, total), total >= cutoff, cutoff)
