"""The table-driven core shared by every instrument: item validation, bands, flags and change.

Each instrument module declares its table (an :class:`InstrumentSpec`, severity :class:`Band`
rows, a :class:`ChangeRule`) and a few lines of instrument-specific logic; everything that is the
same for all four instruments lives here, once.

House rule (``identification.md`` §0.6): a missing answer is never scored as zero. An item list
with a missing answer is ``INCOMPLETE`` and carries no total; an item list with an answer outside
the response scale, a non-integer answer or the wrong number of answers is ``VALIDATION_ERROR``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

#: One answer: an integer on the instrument's response scale, or ``None`` for a missing answer.
ItemValue: TypeAlias = int | None

#: A JSON-ready mapping, as printed by ``jisr score``.
JsonDict: TypeAlias = dict[str, object]


class Status(StrEnum):
    """Whether a set of answers could be scored (``identification-interface.md``)."""

    COMPLETE = "COMPLETE"
    INCOMPLETE = "INCOMPLETE"
    VALIDATION_ERROR = "VALIDATION_ERROR"


class Severity(StrEnum):
    """Severity labels used by the PHQ-9 and GAD-7 bands (interface vocabulary)."""

    MINIMAL = "minimal"
    MILD = "mild"
    MODERATE = "moderate"
    MODERATELY_SEVERE = "moderately_severe"
    SEVERE = "severe"


class Direction(StrEnum):
    """Direction of a change between two scores, taking the instrument's polarity into account."""

    IMPROVEMENT = "improvement"
    DETERIORATION = "deterioration"
    NONE = "none"


@dataclass(frozen=True, kw_only=True)
class InstrumentSpec:
    """Item metadata of one instrument, enough to build a form (no item wording: copyright).

    ``code`` is the interface name (``phq-9``); item codes are ``{item_prefix}_{n}`` numbered
    from 1 in the published order (``phq9_1`` … ``phq9_9``); every item has the same response
    scale ``item_min``..``item_max`` (inclusive integers).
    """

    code: str
    name: str
    item_prefix: str
    item_count: int
    item_min: int
    item_max: int
    higher_is_better: bool
    time_frame: str
    source: str

    @property
    def item_codes(self) -> tuple[str, ...]:
        """Codes of the items in published order, e.g. ``("gad7_1", …, "gad7_7")``."""
        return tuple(f"{self.item_prefix}_{n}" for n in range(1, self.item_count + 1))

    @property
    def total_min(self) -> int:
        """Lowest possible sum of all items."""
        return self.item_count * self.item_min

    @property
    def total_max(self) -> int:
        """Highest possible sum of all items."""
        return self.item_count * self.item_max

    def as_dict(self) -> JsonDict:
        """JSON-ready metadata for forms: codes, counts and the response-scale range."""
        return {
            "code": self.code,
            "name": self.name,
            "item_count": self.item_count,
            "item_codes": list(self.item_codes),
            "item_min": self.item_min,
            "item_max": self.item_max,
            "total_min": self.total_min,
            "total_max": self.total_max,
            "higher_is_better": self.higher_is_better,
            "time_frame": self.time_frame,
            "source": self.source,
        }


@dataclass(frozen=True)
class Band:
    """A closed range ``low``..``high`` of totals that maps to one severity label."""

    severity: Severity
    low: int
    high: int


def band_for(bands: Sequence[Band], total: int) -> Severity:
    """The severity of the band containing ``total``; ``ValueError`` if no band contains it."""
    for band in bands:
        if band.low <= total <= band.high:
            return band.severity
    raise ValueError(f"total {total} is outside every severity band")


@dataclass(frozen=True)
class ItemCheck:
    """Outcome of validating an item list against an :class:`InstrumentSpec`.

    ``valid`` has one entry per item position: the answer when it is present and valid, ``None``
    when it is missing or invalid (or every entry ``None`` when the item count is wrong, since
    positions cannot then be trusted). ``values`` is set only when ``status`` is ``COMPLETE``.
    """

    status: Status
    valid: tuple[ItemValue, ...]
    values: tuple[int, ...] | None
    missing: tuple[str, ...]
    errors: tuple[str, ...]


def check_items(spec: InstrumentSpec, items: Sequence[ItemValue]) -> ItemCheck:
    """Validate ``items`` (answers in published order, ``None`` = missing) against ``spec``.

    Status precedence: any error (wrong count, non-integer or out-of-range answer) gives
    ``VALIDATION_ERROR``; otherwise any missing answer gives ``INCOMPLETE``; otherwise
    ``COMPLETE``. Missing item codes are reported in every case where positions are known.
    """
    if len(items) != spec.item_count:
        return ItemCheck(
            status=Status.VALIDATION_ERROR,
            valid=(None,) * spec.item_count,
            values=None,
            missing=(),
            errors=(f"{spec.code} has {spec.item_count} items; got {len(items)} answers",),
        )
    valid: list[ItemValue] = []
    missing: list[str] = []
    errors: list[str] = []
    for code, value in zip(spec.item_codes, items, strict=True):
        if value is None:
            missing.append(code)
            valid.append(None)
        elif isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"{code}: {value!r} is not an integer answer")
            valid.append(None)
        elif not spec.item_min <= value <= spec.item_max:
            errors.append(f"{code}: {value} is outside {spec.item_min}-{spec.item_max}")
            valid.append(None)
        else:
            valid.append(value)
    if errors:
        status = Status.VALIDATION_ERROR
    elif missing:
        status = Status.INCOMPLETE
    else:
        status = Status.COMPLETE
    values = tuple(v for v in valid if v is not None) if status is Status.COMPLETE else None
    return ItemCheck(
        status=status,
        valid=tuple(valid),
        values=values,
        missing=tuple(missing),
        errors=tuple(errors),
    )


def item_flag(answers: Sequence[ItemValue], trigger: Callable[[int], bool]) -> bool | None:
    """Three-valued item-level flag over ``answers`` (``None`` = unknown answer).

    ``True`` as soon as one known answer triggers (a safety flag must not wait for the rest of
    the form), ``False`` only when every answer is known and none triggers, else ``None``.
    """
    if any(a is not None and trigger(a) for a in answers):
        return True
    if all(a is not None for a in answers):
        return False
    return None


def check_cutoff(spec: InstrumentSpec, cutoff: int) -> int:
    """Return ``cutoff`` if it lies within the instrument's total range, else ``ValueError``."""
    if isinstance(cutoff, bool) or not isinstance(cutoff, int):
        raise ValueError(f"{spec.code} cut-off must be an integer, got {cutoff!r}")
    if not spec.total_min <= cutoff <= spec.total_max:
        raise ValueError(
            f"{spec.code} cut-off must be within {spec.total_min}-{spec.total_max}, got {cutoff}"
        )
    return cutoff


@dataclass(frozen=True, kw_only=True)
class ScoreResult:
    """Fields every instrument result has; subclasses add the scores (``None`` unless COMPLETE)."""

    instrument: str
    status: Status
    missing: tuple[str, ...]
    errors: tuple[str, ...]

    def scores(self) -> JsonDict:
        """The instrument-specific keys fixed by ``identification-interface.md``, in order."""
        return {}

    def as_dict(self) -> JsonDict:
        """JSON document printed by ``jisr score INSTRUMENT --items LIST``.

        Keys: ``instrument``, ``status``, the interface keys of the instrument (``None``/``null``
        when they cannot be computed), then ``missing`` (item codes) and ``errors`` (messages).
        """
        return {
            "instrument": self.instrument,
            "status": self.status.value,
            **self.scores(),
            "missing": list(self.missing),
            "errors": list(self.errors),
        }


# --- change between two administrations -------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ChangeRule:
    """How two scores of one instrument are compared.

    Scores are integers in ``score_min``..``score_max`` that are multiples of ``step`` (4 for the
    WHO-5 percentage scale). ``significant_at``: an absolute change at least this large is
    significant (``None`` when no verified threshold exists, then ``significant`` is ``None``).
    ``meaningful_at``: PCL-5 clinically meaningful change; when ``None`` the key is omitted.
    """

    scale: str
    score_min: int
    score_max: int
    step: int
    higher_is_better: bool
    significant_at: int | None
    meaningful_at: int | None = None


@dataclass(frozen=True, kw_only=True)
class ChangeResult:
    """Change from a baseline score to a follow-up score (``change`` = follow-up - baseline)."""

    instrument: str
    rule: ChangeRule
    status: Status
    baseline: int | None
    follow_up: int | None
    change: int | None
    direction: Direction | None
    significant: bool | None
    clinically_meaningful: bool | None
    errors: tuple[str, ...]

    def as_dict(self) -> JsonDict:
        """JSON document printed by ``jisr score INSTRUMENT --change BASELINE,FOLLOW_UP``."""
        doc: JsonDict = {
            "instrument": self.instrument,
            "status": self.status.value,
            "scale": self.rule.scale,
            "baseline": self.baseline,
            "follow_up": self.follow_up,
            "change": self.change,
            "direction": None if self.direction is None else self.direction.value,
            "significant": self.significant,
        }
        if self.rule.meaningful_at is not None:
            doc["clinically_meaningful"] = self.clinically_meaningful
        doc["errors"] = list(self.errors)
        return doc


def compute_change(
    instrument: str, rule: ChangeRule, baseline: int | None, follow_up: int | None
) -> ChangeResult:
    """Compare ``baseline`` and ``follow_up`` under ``rule``.

    ``direction`` follows the sign of the change and the instrument's polarity (``none`` when the
    change is 0); significance is judged on the absolute change, so a significant deterioration
    is reported as such. A missing score (``None``) gives ``INCOMPLETE``, a score off the scale
    gives ``VALIDATION_ERROR``; in both cases no change is computed.
    """
    errors: list[str] = []
    for label, score in (("baseline", baseline), ("follow-up", follow_up)):
        if score is None:
            continue
        if isinstance(score, bool) or not isinstance(score, int):
            errors.append(f"{label}: {score!r} is not an integer score")
        elif not rule.score_min <= score <= rule.score_max:
            errors.append(f"{label}: {score} is outside {rule.score_min}-{rule.score_max} ({rule.scale})")
        elif (score - rule.score_min) % rule.step:
            errors.append(f"{label}: {score} is not a multiple of {rule.step} ({rule.scale})")
    if errors or baseline is None or follow_up is None:
        return ChangeResult(
            instrument=instrument,
            rule=rule,
            status=Status.VALIDATION_ERROR if errors else Status.INCOMPLETE,
            baseline=baseline,
            follow_up=follow_up,
            change=None,
            direction=None,
            significant=None,
            clinically_meaningful=None,
            errors=tuple(errors),
        )
    change = follow_up - baseline
    if change == 0:
        direction = Direction.NONE
    elif (change > 0) == rule.higher_is_better:
        direction = Direction.IMPROVEMENT
    else:
        direction = Direction.DETERIORATION
    return ChangeResult(
        instrument=instrument,
        rule=rule,
        status=Status.COMPLETE,
        baseline=baseline,
        follow_up=follow_up,
        change=change,
        direction=direction,
        significant=None if rule.significant_at is None else abs(change) >= rule.significant_at,
        clinically_meaningful=(None if rule.meaningful_at is None else abs(change) >= rule.meaningful_at),
        errors=(),
    )
