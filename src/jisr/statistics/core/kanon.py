"""k-anonymisation by full-domain generalisation and record suppression. Pure (numpy, no Django).

Each quasi-identifier (QI) has a generalisation hierarchy: level 0 is the value itself, each higher
level a coarser label (age 27 → "25-34" → "18+" → "*"), the top level "*". A solution is one level per
QI (full-domain recoding, as in ARX and CTDC's release); records left in equivalence classes smaller
than k are suppressed (dropped), at most `max_suppression` of them.

Search: greedy bottom-up over the lattice (a Datafly-style heuristic, but each step picks the QI whose
next level removes most records from small classes per unit of information loss, instead of the QI
with most distinct values). Class sizes are counted with one `np.bincount` (or `np.unique` for a very
large key space) over a mixed-radix key, so a step over 1,000,000 rows costs a few tens of ms.

Information loss (reported): the mean over QIs of level / top level (Sweeney's precision loss,
0 = untouched, 1 = every QI fully suppressed), and the share of records suppressed.

Independent check: callers confirm the result with pycanon before writing any file (statistics.services).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


class KAnonymityError(ValueError):
    """k-anonymity cannot be reached within the suppression limit (e.g. fewer than k records).

    `reason` says why, for a translated message (the text is English, for developers): "too_few" (then
    `records` < `k`), "suppression" (more than `max_suppression` of the records would go even with
    every value fully generalised), "check" (an independent check measured `measured` < `k`)."""

    def __init__(
        self,
        message: str,
        *,
        reason: str = "",
        k: int = 0,
        records: int = 0,
        measured: int = 0,
        max_suppression: float = 0.0,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.k = k
        self.records = records
        self.measured = measured
        self.max_suppression = max_suppression


@dataclass(frozen=True)
class Hierarchy:
    """`levels[l][v]` = label of original value `v` at level `l`; level 0 must be the identity."""

    levels: tuple[dict[str, str], ...]

    @classmethod
    def from_function(cls, values: list[str], *functions: object) -> Hierarchy:
        levels: list[dict[str, str]] = [{v: v for v in values}]
        for fn in functions:
            levels.append({v: str(fn(v)) if callable(fn) else str(fn) for v in values})
        if levels[-1] and len(set(levels[-1].values())) > 1:
            levels.append({v: "*" for v in values})
        return cls(tuple(levels))

    @property
    def top(self) -> int:
        return len(self.levels) - 1


@dataclass(frozen=True)
class KAnonResult:
    levels: dict[str, int]
    columns: dict[str, list[str]]  # generalised QI values of the kept records
    kept: npt.NDArray[np.bool_]  # mask over the input records
    suppressed: int
    min_class_size: int
    precision_loss: float
    steps: int

    @property
    def suppression_share(self) -> float:
        n = len(self.kept)
        return self.suppressed / n if n else 0.0


class _Encoded:
    """One QI's values as integer codes, with per-level code maps."""

    def __init__(self, values: list[str] | npt.NDArray[np.str_], hierarchy: Hierarchy):
        uniques, inverse = np.unique(np.asarray(values, dtype=str), return_inverse=True)
        self.codes: IntArray = inverse.astype(np.int64)
        self.maps: list[IntArray] = []
        self.labels: list[list[str]] = []
        for level in hierarchy.levels:
            missing = [u for u in uniques.tolist() if u not in level]
            if missing:
                raise ValueError(f"hierarchy has no entry for {missing[:3]}")
            generalised = [level[u] for u in uniques.tolist()]
            labels, level_codes = np.unique(np.asarray(generalised, dtype=str), return_inverse=True)
            self.maps.append(level_codes.astype(np.int64))
            self.labels.append([str(x) for x in labels.tolist()])

    def at(self, level: int) -> tuple[IntArray, int]:
        return self.maps[level][self.codes], len(self.labels[level])


def _class_sizes(encoded: list[_Encoded], levels: list[int]) -> IntArray:
    """Size of each record's equivalence class at `levels`."""
    key = np.zeros(len(encoded[0].codes), dtype=np.int64)
    space = 1
    for enc, level in zip(encoded, levels, strict=True):
        codes, cardinality = enc.at(level)
        if space * cardinality < 2**62:
            key = key * cardinality + codes
            space *= cardinality
        else:  # re-densify the key before it overflows
            _, key = np.unique(key, return_inverse=True)
            space = int(key.max()) + 1
            key = key * cardinality + codes
            space *= cardinality
    if space <= 50_000_000:
        counts = np.bincount(key, minlength=space)
        return counts[key].astype(np.int64)
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse].astype(np.int64)


def anonymise(
    columns: dict[str, list[str] | npt.NDArray[np.str_]],
    hierarchies: dict[str, Hierarchy],
    *,
    k: int = 11,
    max_suppression: float = 0.05,
) -> KAnonResult:
    """Generalise and suppress `columns` (QI name → values, all the same length) to k-anonymity.

    Raises KAnonymityError when fewer than k records are given or no lattice node meets k within
    `max_suppression` (share of records); ValueError when a value has no hierarchy entry.
    """
    names = list(columns)
    n = len(columns[names[0]]) if names else 0
    if n < k:
        raise KAnonymityError(f"{n} records: fewer than k = {k}, no release possible", reason="too_few", k=k, records=n)
    encoded = [_Encoded(columns[name], hierarchies[name]) for name in names]
    tops = [hierarchies[name].top for name in names]
    levels = [0] * len(names)
    limit = int(max_suppression * n)
    sizes = _class_sizes(encoded, levels)
    small = int((sizes < k).sum())
    steps = 0
    while small > limit:
        best: tuple[float, int, IntArray, int] | None = None
        for i, top in enumerate(tops):
            if levels[i] >= top:
                continue
            trial = levels.copy()
            trial[i] += 1
            trial_sizes = _class_sizes(encoded, trial)
            trial_small = int((trial_sizes < k).sum())
            gain = (small - trial_small) / n
            cost = 1.0 / top / len(names)
            score = gain / cost
            if best is None or score > best[0] or (score == best[0] and trial_small < best[3]):
                best = (score, i, trial_sizes, trial_small)
        if best is None:
            raise KAnonymityError(
                f"k = {k} needs more than {max_suppression:.0%} suppression even fully generalised",
                reason="suppression",
                k=k,
                records=n,
                max_suppression=max_suppression,
            )
        _, i, sizes, small = best
        levels[i] += 1
        steps += 1
    kept = sizes >= k
    out: dict[str, list[str]] = {}
    for name, enc, level in zip(names, encoded, levels, strict=True):
        codes, _ = enc.at(level)
        labels = np.asarray(enc.labels[level], dtype=object)
        out[name] = [str(v) for v in labels[codes[kept]].tolist()]
    min_class = int(sizes[kept].min()) if kept.any() else 0
    loss = float(np.mean([lv / top if top else 0.0 for lv, top in zip(levels, tops, strict=True)]))
    return KAnonResult(
        levels=dict(zip(names, levels, strict=True)),
        columns=out,
        kept=kept,
        suppressed=int(n - kept.sum()),
        min_class_size=min_class,
        precision_loss=loss,
        steps=steps,
    )
