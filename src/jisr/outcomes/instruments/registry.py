"""Lookup of the four instruments by interface code (``who-5``, ``phq-9``, ``gad-7``, ``pcl-5``).

Used by the ``jisr score`` command and by callers that store the instrument code with a
measurement and need to score or compare it without an ``if`` per instrument.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from jisr.outcomes.instruments import gad7, pcl5, phq9, who5
from jisr.outcomes.instruments.core import (
    ChangeResult,
    InstrumentSpec,
    ItemValue,
    ScoreResult,
)


class _CutoffScorer(Protocol):
    def __call__(self, items: Sequence[ItemValue], *, cutoff: int) -> ScoreResult: ...


_Scorer: TypeAlias = Callable[[Sequence[ItemValue], int | None], ScoreResult]


def _fixed_cutoffs(code: str, score: Callable[[Sequence[ItemValue]], ScoreResult]) -> _Scorer:
    def scorer(items: Sequence[ItemValue], cutoff: int | None) -> ScoreResult:
        if cutoff is not None:
            raise ValueError(f"{code} has fixed published cut-offs; no cut-off option")
        return score(items)

    return scorer


def _configurable_cutoff(score: _CutoffScorer, default: int) -> _Scorer:
    def scorer(items: Sequence[ItemValue], cutoff: int | None) -> ScoreResult:
        return score(items, cutoff=default if cutoff is None else cutoff)

    return scorer


@dataclass(frozen=True)
class Instrument:
    """One instrument: item metadata, default cut-off (``None``: fixed cut-offs) and functions."""

    spec: InstrumentSpec
    default_cutoff: int | None
    _scorer: _Scorer
    change: Callable[[int | None, int | None], ChangeResult]

    @property
    def accepts_cutoff(self) -> bool:
        """Whether the positive-screen cut-off can be changed (not for WHO-5)."""
        return self.default_cutoff is not None

    def score(self, items: Sequence[ItemValue], *, cutoff: int | None = None) -> ScoreResult:
        """Score ``items``; ``cutoff=None`` uses the published default.

        ``ValueError`` if a cut-off is given for an instrument with fixed cut-offs (WHO-5) or
        lies outside the instrument's total range.
        """
        return self._scorer(items, cutoff)


INSTRUMENTS: Mapping[str, Instrument] = {
    i.spec.code: i
    for i in (
        Instrument(who5.SPEC, None, _fixed_cutoffs(who5.SPEC.code, who5.score_who5), who5.who5_change),
        Instrument(
            phq9.SPEC,
            phq9.DEFAULT_CUTOFF,
            _configurable_cutoff(phq9.score_phq9, phq9.DEFAULT_CUTOFF),
            phq9.phq9_change,
        ),
        Instrument(
            gad7.SPEC,
            gad7.DEFAULT_CUTOFF,
            _configurable_cutoff(gad7.score_gad7, gad7.DEFAULT_CUTOFF),
            gad7.gad7_change,
        ),
        Instrument(
            pcl5.SPEC,
            pcl5.DEFAULT_CUTOFF,
            _configurable_cutoff(pcl5.score_pcl5, pcl5.DEFAULT_CUTOFF),
            pcl5.pcl5_change,
        ),
    )
}


def get_instrument(code: str) -> Instrument:
    """The instrument with interface code ``code``; ``ValueError`` naming the valid codes."""
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise ValueError(f"unknown instrument {code!r}; choose one of {', '.join(INSTRUMENTS)}") from None
