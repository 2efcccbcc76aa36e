"""Half-open age bands [low, high) for statistics. Pure.

Two schemes:

- `JISR_BANDS`: [0,12) [12,15) [15,18) [18,25) [25,35) [35,50) [50,∞) — child bands follow the
  child-protection thresholds used in Morocco and Spain (12, 15, 18); adult bands are the usual
  reporting bands.
- `CTDC_BANDS`: CTDC "Age range 2" (`ageBroad`): 0–8, 9–17, 18–20, 21–23, 24–26, 27–29, 30–38, 39–47,
  48+ (CTDC data dictionary, 2017; codebook v2024). Labels spelt as CTDC spells them (`30--38`).

An age is a whole number of completed years; None (unknown) maps to the label `UNKNOWN`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

UNKNOWN = "Unknown"


@dataclass(frozen=True)
class AgeBand:
    low: int
    high: int | None  # exclusive; None = no upper bound
    label: str

    def contains(self, age: int) -> bool:
        return age >= self.low and (self.high is None or age < self.high)


def _bands(lows: tuple[int, ...], labels: tuple[str, ...]) -> tuple[AgeBand, ...]:
    highs: tuple[int | None, ...] = (*lows[1:], None)
    return tuple(AgeBand(lo, hi, lab) for lo, hi, lab in zip(lows, highs, labels, strict=True))


JISR_BANDS = _bands((0, 12, 15, 18, 25, 35, 50), ("0-11", "12-14", "15-17", "18-24", "25-34", "35-49", "50+"))
CTDC_BANDS = _bands(
    (0, 9, 18, 21, 24, 27, 30, 39, 48),
    ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"),
)


def band_of(age: int | None, bands: tuple[AgeBand, ...] = JISR_BANDS) -> str:
    """The label of the band holding `age`; `UNKNOWN` for None. Raises ValueError for a negative age."""
    if age is None:
        return UNKNOWN
    if age < 0:
        raise ValueError("age cannot be negative")
    index = bisect_right([b.low for b in bands], age) - 1
    return bands[index].label


def labels(bands: tuple[AgeBand, ...] = JISR_BANDS) -> list[str]:
    """Band labels in order, then `UNKNOWN`."""
    return [b.label for b in bands] + [UNKNOWN]


def is_minor(age: int | None) -> bool | None:
    """CTDC `majorityStatus`: True under 18, False from 18, None when unknown."""
    return None if age is None else age < 18


def common_groups(a: tuple[AgeBand, ...], b: tuple[AgeBand, ...]) -> list[tuple[list[str], list[str]]]:
    """The finest groups on which two band schemes agree, as (labels of `a`, labels of `b`) counting the
    same people: the bands between two boundaries both schemes share, and `UNKNOWN` with `UNKNOWN`.
    Jisr's and CTDC's bands share 0 and 18: minors with minors, adults with adults. Breakdowns of the
    same people by both schemes are linked by these equalities (disclosure.suppress_breakdowns)."""
    shared = sorted({band.low for band in a} & {band.low for band in b})
    groups = []
    for k, low in enumerate(shared):
        high = shared[k + 1] if k + 1 < len(shared) else None

        def within(band: AgeBand, low: int = low, high: int | None = high) -> bool:
            return band.low >= low and (high is None or band.low < high)

        groups.append(([x.label for x in a if within(x)], [y.label for y in b if within(y)]))
    groups.append(([UNKNOWN], [UNKNOWN]))
    return groups


def refinement(a: tuple[AgeBand, ...], b: tuple[AgeBand, ...]) -> tuple[AgeBand, ...]:
    """The finest bands of which every band of `a` and of `b` is a union: one band between every two
    consecutive boundaries of either scheme ("24-24": the one year that is in Jisr's 18–24 and CTDC's
    24–26). Their counts are never published: two schemes released for the same people give them by
    subtraction (18–24 − 18–20 − 21–23 = the cases aged 24), so suppression protects them as it protects
    a published count (statistics.selectors, core.disclosure)."""
    lows = sorted({band.low for band in a} | {band.low for band in b})
    highs: list[int | None] = [*lows[1:], None]
    return tuple(
        AgeBand(low, high, f"{low}+" if high is None else f"{low}-{high - 1}")
        for low, high in zip(lows, highs, strict=True)
    )


def parts(band: AgeBand, finer: tuple[AgeBand, ...]) -> list[str]:
    """The labels of the bands of `finer` (a refinement) that make up `band`."""
    return [
        f.label
        for f in finer
        if f.low >= band.low and (band.high is None or (f.high is not None and f.high <= band.high))
    ]
