"""Small-cell suppression of counts, with secondary suppression. Pure.

Primary suppression: a count (cell or margin) with 0 < count < `threshold` is withheld. The default
threshold, 11, is CTDC's k (no published query may return fewer than 10 records; CTDC data dictionary
2017). A zero is published where it says nothing about a person — but not beside a withheld count of
a line whose total is withheld too (see "Zeros" below).

Secondary (complementary) suppression: what is published is read as a set of linear equations — in a
table each row and each column, margins included, is one equation "cells sum to the total"; between
breakdowns of the same cases, "these cells and those cells count the same cases" (age 0–17 in two band
schemes). A withheld count alone in its equation could be recomputed by subtraction; so while some
equation holds exactly one withheld member, another member of that equation is withheld too (the
smallest non-zero cell, else a zero cell, else a margin). Withheld members that together sit on one
side of an equation whose other side is published have a known sum; while that sum is small, another
non-zero member is withheld (two withheld cells of 2 and 1 beside a published total would still say
"3 cases"). At the end every equation has zero or at least two withheld members, none with a small
known sum, so no withheld value follows by subtraction from what is published (`recoverable` checks this
by repeated substitution, the attack a spreadsheet user can do).

Zeros: in a line whose two sides both have a withheld member — in a table, a row or column whose
total is withheld — the zeros are withheld too. Published, they would pin the withheld group to the
categories left (attribute disclosure): Cameroon's row "male: withheld, female: 0, unknown: 0" tells
everyone that the Cameroonian cases, however few, are all men; a male column "25–34: withheld, every
other band 0" that all the men are 25–34. A withheld zero is then a withheld member like any other: alone
in a line it gets a complement, and withheld members of known sum below the threshold — a known sum of
0 included, which would show them all to be zeros — get a non-zero complement when the line has one.
(A category published as 0 for the whole caseload shows its cells to be 0 whatever is withheld: that
is a fact about everyone, not about a small group; such structural zeros — the cells of a row or column
whose published total is 0 — are published as 0, never withheld, and never count as protection.)

Beyond subtraction: counts are never negative, so bounds follow too (a withheld zero in a row whose
other cells account for its published total is a zero). After the rules above, `bounds_system`
propagates bounds along every equation — what an attacker with a spreadsheet and patience gets — and
the result is audited: withheld zeros shown to be zeros count as published (and the rules run again),
and while a small (or elsewhere withheld) count is worked out exactly, or a line whose total is withheld
is pinned to a single category although several are possible, one more count is withheld (the first
published count that reduces what is exposed: zeros first, in lines that hold withheld counts). This is
a heuristic, not an optimal suppression pattern; it errs towards withholding more.

One figure released in several products (a breakdown on the dashboard, the same counts as the margin of
an exported cross-table, the number of cases under every breakdown) must be withheld in all of them or
in none: otherwise one product fills the gap of the other. `fixed` pins such figures to the status they
have elsewhere; they are never chosen as complements (`suppress_within`, `suppress_breakdowns`).

Pooled tables (several organisations' caseloads added up): every contributor knows its own counts
exactly, and subtracting them from a pooled count gives what the others add up to — a pooled 15 of
which an organisation has 12 tells it that the others have 3. So with `own` (each contributor's counts
at every position) a count is also withheld when, for some contributor, the count minus its own is
small (0 < count − own < `threshold`), and each contributor's view (the counts minus its own, which it
can compute for everything published) is audited like the counts themselves: no count small in that
view is worked out exactly, no withheld members of a line have a small known sum in it, and no line
whose total is withheld is pinned to a single category in it. This is the contributor-subtraction
attack that the sensitivity rules for tables of magnitudes guard against — the (n, k)-dominance rule and
the p% rule, where the second-largest contributor subtracts its own value from a cell to estimate the
largest one's (Hundepool et al., "Statistical Disclosure Control", Wiley 2012, chapter on magnitude
tabular data; the same idea as "holdings" in τ-ARGUS). Here a contributor is an organisation and its
"value" its own count of cases, and since counts are exact the threshold rule applies to the
remainder itself. (Not covered by /work/shared/reference, which records CTDC's k = 11 only.) Only one
contributor at a time is assumed to subtract: two contributors pooling what they know against a third
are not modelled.

A breakdown in which one case can count in several categories (forms of exploitation) does not sum to
the number of cases, only to at least it. Its complements are chosen as if it did (the worst case: every
case has one form, and then the equation holds): they then also protect against anyone who knows or
guesses that. The bounds an attacker propagates are worked out from what truly holds (`Relations`): such
a line's members add up to at least its total and none exceeds it; one that holds exactly is an equation
there too. (Propagated as equations, lines that do not hold made the bounds cross: every withheld count
looked exposed, and the search withheld cell after cell for minutes before giving up.) Its sum (the
number of mentions) is not released: beside the number of cases it would give away how many cases have
several forms, itself a count about people.

When the search finds no safe pattern, more is withheld, never something unsafe released: a whole
breakdown (`suppress_breakdowns`), every cell of a cross-table with its margins as released elsewhere,
at worst the whole table (`suppress_within`) — each checked by the same rules, and flagged (`fallback`)
so that the product says so.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

DEFAULT_THRESHOLD = 11

Equation = tuple[tuple[int, ...], tuple[int, ...]]
"""Positions whose counts sum to the same: sum(left) == sum(right)."""


class SuppressionError(ValueError):
    """A withheld count would be recoverable and every other member of its equation is pinned as
    published elsewhere: nothing is released rather than a recoverable count."""


@dataclass(frozen=True)
class SuppressedTable:
    """Counts with margins; `None` marks a withheld value.

    `cells[i][j]`, `row_totals[i]`, `column_totals[j]`, `total`; `primary`/`secondary` give the
    positions withheld by each rule as (i, j) with j == -1 for row totals, i == -1 for column totals
    and (-1, -1) for the grand total.
    """

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None
    primary: frozenset[tuple[int, int]]
    secondary: frozenset[tuple[int, int]]
    fallback: str = ""
    """"" when the cells were suppressed one by one; "cells" when no pattern of some cells withheld was
    found safe and every cell is withheld (the margins as released elsewhere); "table" when even that
    was not safe and nothing is published (see `suppress_within`)."""


@dataclass(frozen=True)
class SuppressedSeries:
    """A one-way breakdown as released: the exact `counts` and `total` (kept to link other products to
    it; never shown where suppression applies) and `values`/`shown_total` with `None` where withheld.
    `fallback`: every count withheld because no safe pattern of some withheld was found (see
    `suppress_breakdowns`)."""

    counts: tuple[int, ...]
    total: int
    values: tuple[int | None, ...]
    shown_total: int | None
    fallback: bool = False


@dataclass(frozen=True)
class SuppressedSystem:
    values: list[int | None]
    primary: frozenset[int]
    secondary: frozenset[int]


def is_small(value: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Withheld by the primary rule: 0 < value < threshold."""
    return 0 < value < threshold


def suppress_system(
    values: Sequence[int],
    equations: Sequence[Equation],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    margins: frozenset[int] = frozenset(),
    fixed: Mapping[int, bool] | None = None,
    own: Sequence[Sequence[int]] = (),
    withheld: Collection[int] = (),
) -> SuppressedSystem:
    """Withhold small counts among `values` and, as complements, enough others that no equation has a
    single withheld member or withheld members of known sum below the threshold, and no equation with a
    withheld member on each side publishes a zero. `margins`: positions that are totals (chosen as
    complements last). `fixed`: position → withheld (True) or published (False) as decided by another
    release; a published one is never chosen as a complement. `own`: for a pooled table, each
    contributor's own counts at every position (see the module's notes): a count whose remainder after
    one contributor's own is small is withheld too, and every contributor's view is protected as the
    counts are. `withheld`: positions withheld from the start (a fallback that withholds a whole
    breakdown), protected only if small. Raises ValueError for a negative count, a threshold below 1 or
    an `own` that does not fit the counts, and SuppressionError when a fixed published count is small
    (for anyone) or an equation can only be fixed by withholding a count pinned as published."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if any(v < 0 for v in values):
        raise ValueError("counts cannot be negative")
    views = _views(values, own)
    fixed = fixed or {}
    primary = {p for p, v in enumerate(values) if is_small(v, threshold)}
    primary |= {p for view in views for p, v in enumerate(view) if is_small(v, threshold)}
    locked = {p for p, withhold in fixed.items() if not withhold}
    if primary & locked:
        raise SuppressionError("a small count is pinned as published")
    hidden = primary | {p for p, withhold in fixed.items() if withhold}
    sensitive = frozenset(hidden)  # small counts, and counts another release withholds
    preset = frozenset(set(withheld) - locked - sensitive)
    hidden |= preset
    truth = relations(values, equations)
    problem = _Problem(
        values=values,
        equations=equations,
        threshold=threshold,
        margins=margins,
        locked=frozenset(locked),
        sensitive=sensitive,
        structural=_structural_zeros(values, truth, locked),
        views=views,
        truth=truth,
        view_truths=tuple(relations(view, equations) for view in views),
        preset=preset,
    )
    dead: set[int] = set()
    # Each round either learns which withheld zeros are worked out anyway (a function of what is
    # withheld, so it settles at once) or withholds one more count: this many rounds always suffice.
    for _round in range(2 * len(values) + 2):
        problem.complete(hidden, dead)
        # Withheld zeros an attacker can still show to be zeros (beside a category published as 0 for
        # everyone, or worked out from the totals) protect nothing: they count as published, and the
        # lines they were meant to protect get other complements.
        lo, hi = _bounds(_shown(values, hidden), truth)
        found = {p for p in hidden if values[p] == 0 and hi[p] == 0}
        if found != dead:
            dead = found
            continue
        exposed = problem.exposed(hidden, lo, hi) + problem.exposed_in_views(hidden)
        if not exposed:
            break
        problem.widen(hidden, dead, len(exposed))
    else:  # pragma: no cover - see the bound above
        raise SuppressionError("the withheld counts could not be protected")
    return SuppressedSystem(
        values=[None if p in hidden else v for p, v in enumerate(values)],
        primary=frozenset(primary),
        secondary=frozenset(hidden - primary),
    )


def _views(values: Sequence[int], own: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """What each contributor learns the others add up to at every position: the counts minus its own."""
    views = []
    for counts in own:
        if len(counts) != len(values) or any(not 0 <= c <= v for c, v in zip(counts, values, strict=True)):
            raise ValueError("a contributor's own counts must fit the pooled counts")
        views.append(tuple(v - c for v, c in zip(values, counts, strict=True)))
    return tuple(views)


def _shown(values: Sequence[int], hidden: set[int]) -> list[int | None]:
    return [None if p in hidden else v for p, v in enumerate(values)]


def _structural_zeros(values: Sequence[int], truth: Relations, locked: set[int]) -> frozenset[int]:
    """Positions that are zeros whatever is withheld: pinned as published elsewhere to a total of 0."""
    _lo, hi = _bounds([values[p] if p in locked else None for p in range(len(values))], truth)
    return frozenset(p for p in range(len(values)) if hi[p] == 0)


@dataclass(frozen=True)
class Relations:
    """What the lines of a system say of some counts, as an attacker who knows how they were counted can
    use them. A line whose two sides sum to the same is an equation. A line that does not hold is a
    breakdown in which a case can count in several categories (forms of exploitation): its members sum to
    at least its total — never to exactly it — and, when no member exceeds the total, none counts more
    cases than the total. `lines` are the equations with such a line's larger side first; `covers` the
    indexes of those lines (sum(left) ≥ sum(right)), `capped` those of them whose left members are each
    at most sum(right).

    Reading such a line as an equation, as `complete` does (the worst case for substitution: every case
    has one form), is right for its rules of thumb but not for propagating bounds: the true counts do not
    satisfy it, the bounds cross (a lower bound above the upper one), every withheld count looks exposed
    and the search withholds until nothing is left. The bounds are therefore propagated over what truly
    holds; a line that holds exactly (no case in it with two forms) is an equation there too."""

    lines: tuple[Equation, ...]
    covers: frozenset[int] = frozenset()
    capped: frozenset[int] = frozenset()


def relations(values: Sequence[int], equations: Sequence[Equation]) -> Relations:
    """The relations `equations` state of `values` (see `Relations`)."""
    lines: list[Equation] = []
    covers: set[int] = set()
    capped: set[int] = set()
    for i, (left, right) in enumerate(equations):
        sum_left, sum_right = sum(values[p] for p in left), sum(values[p] for p in right)
        if sum_left == sum_right:
            lines.append((left, right))
            continue
        members, total = (left, right) if sum_left > sum_right else (right, left)
        lines.append((members, total))
        covers.add(i)
        if all(values[p] <= min(sum_left, sum_right) for p in members):
            capped.add(i)
    return Relations(tuple(lines), frozenset(covers), frozenset(capped))


@dataclass(frozen=True)
class _Problem:
    """One suppression: the counts and their equations, and what `suppress_system` derived from its
    arguments — `locked` (published elsewhere: never withheld), `sensitive` (small, or withheld
    elsewhere: must never be worked out), `structural` (zeros whatever is withheld), `views` (for a
    pooled table, the counts minus each contributor's own: what that contributor works out the others
    have)."""

    values: Sequence[int]
    equations: Sequence[Equation]
    threshold: int
    margins: frozenset[int]
    locked: frozenset[int]
    sensitive: frozenset[int]
    structural: frozenset[int]
    views: tuple[tuple[int, ...], ...] = ()
    truth: Relations | None = None  # what the lines say of the counts (None: every line holds)
    view_truths: tuple[Relations, ...] = ()  # the same of each view
    preset: frozenset[int] = frozenset()  # withheld from the start, not small: worked out, they tell no small count

    def bounds(self, hidden: set[int]) -> tuple[list[float], list[float]]:
        """What an attacker propagating bounds learns of the counts with `hidden` withheld."""
        return _bounds(_shown(self.values, hidden), self.truth or Relations(tuple(self.equations)))

    def _small_view_sum(
        self, withheld: list[int], left: tuple[int, ...], right: tuple[int, ...]
    ) -> tuple[int, ...] | None:
        """The first contributor's view in which the withheld members of a line, all on one side, have a
        small (non-zero) known sum: "the others have 3 cases among these"."""
        if not (all(p in left for p in withheld) or all(p in right for p in withheld)):
            return None
        for view in self.views:
            if is_small(sum(view[p] for p in withheld), self.threshold):
                return view
        return None

    def complete(self, hidden: set[int], dead: set[int]) -> None:
        """Add to `hidden` until every equation holds the rules of `suppress_system`. Members in `dead`
        (withheld zeros that can be worked out) and structural zeros count as published and are never
        chosen as complements. A withheld count alone in its line with nothing left to add is an error
        if it is sensitive; otherwise it is a complement (or a zero) that turned out not to protect
        anything there: worked out, but not small."""
        values, threshold, margins, locked = self.values, self.threshold, self.margins, self.locked
        known = dead | self.structural
        changed = True
        while changed:
            changed = False
            for left, right in self.equations:
                line = (*left, *right)
                withheld = [p for p in line if p in hidden and p not in known]
                if not withheld:
                    continue
                if any(p in withheld for p in left) and any(p in withheld for p in right):
                    # a total withheld beside withheld counts: its zeros would pin them to the other
                    # categories — not a structural zero (a row or column whose published total is 0):
                    # everyone reads that it is 0, and withheld it would only say "withheld" of nothing
                    zeros = [
                        p
                        for p in line
                        if values[p] == 0 and p not in hidden and p not in locked and p not in self.structural
                    ]
                    if zeros:
                        hidden.update(zeros)
                        changed = True
                    continue
                free = [p for p in line if p not in hidden and p not in locked and p not in known]
                inner = [p for p in free if p not in margins]
                nonzero = sorted((p for p in inner if values[p] > 0), key=lambda p: values[p])
                if len(withheld) == 1 and withheld[0] in self.preset:
                    continue  # not small, never meant to be shown: what follows from it is audited below
                if len(withheld) == 1:  # recoverable by subtraction
                    pool = nonzero or [p for p in inner if values[p] == 0] or [p for p in free if p in margins]
                elif _known_sum_below(withheld, left, right, values, threshold):  # a small (or zero) known sum
                    pool = nonzero or [p for p in free if p in margins and values[p] > 0]
                    if not pool and sum(values[p] for p in withheld) == 0:
                        continue  # the line is all zeros as published: nothing to protect, nothing to add
                elif (view := self._small_view_sum(withheld, left, right)) is not None:
                    # small for a contributor who subtracts its own: a member the others have cases in
                    pool = sorted((p for p in inner if view[p] > 0), key=lambda p: values[p])
                    pool = pool or [p for p in free if p in margins and view[p] > 0]
                else:
                    continue
                if not pool:
                    if len(withheld) == 1 and withheld[0] not in self.sensitive:
                        continue
                    raise SuppressionError("a withheld count would be recoverable from counts published elsewhere")
                hidden.add(pool[0])
                changed = True

    def exposed(
        self,
        hidden: set[int],
        lo: list[float],
        hi: list[float],
        sensitive: frozenset[int] | None = None,
        view: Sequence[int] | None = None,
        structural: frozenset[int] | None = None,
    ) -> list[tuple[int, ...]]:
        """What an attacker propagating bounds (`bounds_system`: `lo`, `hi`) still learns: a sensitive
        count (`sensitive`, default the problem's) worked out exactly, or a line whose total is withheld
        pinned to a single category (every other member bounded to 0) although more than one is possible
        (not a structural zero). In a contributor's `view` (with its own `structural` zeros: what the
        counts published elsewhere show the others not to have), a line whose total there is 0 pins
        nobody: the others have no case in it."""
        sensitive = self.sensitive if sensitive is None else sensitive
        structural = self.structural if structural is None else structural
        found: list[tuple[int, ...]] = [(p,) for p in sorted(sensitive) if p in hidden and lo[p] == hi[p]]
        for left, right in self.equations:
            for members, total in ((left, right), (right, left)):
                if len(members) < 2 or not any(q in hidden for q in total):
                    continue
                if view is not None and sum(view[q] for q in total) == 0:
                    continue
                if sum(1 for q in members if q not in structural) < 2:
                    continue
                if sum(1 for q in members if hi[q] > 0) < 2:
                    found.append(members)
        return found

    def exposed_in_views(self, hidden: set[int]) -> list[tuple[int, ...]]:
        """`exposed` in every contributor's view: what it learns of the others by propagating bounds
        from the published counts minus its own (a count small in that view is the sensitive one)."""
        found: list[tuple[int, ...]] = []
        for i, view in enumerate(self.views):
            truth = self.view_truths[i] if self.view_truths else Relations(tuple(self.equations))
            lo, hi = _bounds(_shown(view, hidden), truth)
            small = frozenset(p for p, v in enumerate(view) if is_small(v, self.threshold))
            zeros = _structural_zeros(view, truth, set(self.locked))
            found += self.exposed(hidden, lo, hi, small, view, zeros)
        return found

    def widen(self, hidden: set[int], dead: set[int], exposed: int) -> None:
        """Withhold one more count so that less is exposed: the first that helps among the published
        counts of lines holding a withheld one (zeros first: they cost the reader least, then the
        smallest), else the first that can be withheld. SuppressionError when nothing is left."""
        values = self.values
        touching = {
            p
            for left, right in self.equations
            if any(q in hidden and q not in dead for q in (*left, *right))
            for p in (*left, *right)
        }
        free = [p for p in range(len(values)) if p not in hidden and p not in self.locked and p not in self.structural]
        free.sort(key=lambda p: (p not in touching, p in self.margins, values[p]))
        first: set[int] | None = None
        for p in free:
            trial = {*hidden, p}
            try:
                self.complete(trial, dead)
            except SuppressionError:
                continue
            lo, hi = self.bounds(trial)
            if len(self.exposed(trial, lo, hi)) + len(self.exposed_in_views(trial)) < exposed:
                hidden.update(trial)
                return
            if first is None:
                first = trial
        if first is None:
            raise SuppressionError("a withheld count would be exposed and nothing is left to withhold")
        hidden.update(first)


def bounds_system(
    shown: Sequence[int | None],
    equations: Sequence[Equation],
    max_passes: int = 1000,
    *,
    covers: Collection[int] = frozenset(),
    capped: Collection[int] = frozenset(),
) -> tuple[list[float], list[float]]:
    """What can be said of each position from what is published (`shown`, None = withheld): lower and
    upper bounds, knowing that counts are never negative and that each equation holds, propagated until
    nothing moves (interval constraint propagation; at most `max_passes` passes over the equations).
    The equations whose indexes are in `covers` say only sum(left) ≥ sum(right), and those in `capped`
    too that each member of the left side is at most sum(right) (see `Relations`). A withheld position
    with equal bounds can be worked out."""
    return _bounds(shown, Relations(tuple(equations), frozenset(covers), frozenset(capped)), max_passes)


def _bounds(shown: Sequence[int | None], truth: Relations, max_passes: int = 1000) -> tuple[list[float], list[float]]:
    inf = float("inf")
    lo = [0.0 if v is None else float(v) for v in shown]
    hi = [inf if v is None else float(v) for v in shown]
    if all(v is not None for v in shown):
        return lo, hi
    lines = [
        (i, left, right)
        for i, (left, right) in enumerate(truth.lines)
        if any(shown[q] is None for q in (*left, *right))
    ]
    for _ in range(max_passes):
        moved = False
        for i, left, right in lines:
            if i in truth.covers:
                moved |= _propagate_cover(lo, hi, left, right, i in truth.capped)
                continue
            for side, other in ((left, right), (right, left)):
                other_lo, other_hi = sum(lo[q] for q in other), sum(hi[q] for q in other)
                side_lo = sum(lo[q] for q in side)
                side_inf = sum(1 for q in side if hi[q] == inf)
                side_hi = sum(hi[q] for q in side if hi[q] != inf)
                for p in side:
                    rest_lo = side_lo - lo[p]
                    rest_hi = inf if side_inf - (hi[p] == inf) else side_hi - (hi[p] if hi[p] != inf else 0.0)
                    new_hi = min(hi[p], other_hi - rest_lo)
                    new_lo = max(lo[p], other_lo - rest_hi)
                    if new_hi < hi[p] or new_lo > lo[p]:
                        side_lo += new_lo - lo[p]
                        if hi[p] == inf and new_hi != inf:
                            side_inf -= 1
                            side_hi += new_hi
                        elif hi[p] != inf:
                            side_hi += new_hi - hi[p]
                        lo[p], hi[p], moved = new_lo, new_hi, True
        if not moved:
            break
    return lo, hi


def _propagate_cover(
    lo: list[float], hi: list[float], members: tuple[int, ...], total: tuple[int, ...], capped: bool
) -> bool:
    """One pass of sum(members) ≥ sum(total) (and, `capped`, each member ≤ sum(total)) over the bounds;
    True if a bound moved. Sums are taken once per pass: a bound moved here is used at the next pass."""
    inf = float("inf")
    moved = False
    total_lo = sum(lo[q] for q in total)
    total_hi = sum(hi[q] for q in total)
    members_inf = sum(1 for q in members if hi[q] == inf)
    members_hi = sum(hi[q] for q in members if hi[q] != inf)
    for p in members:  # the others cannot cover the total alone
        rest_hi = inf if members_inf - (hi[p] == inf) else members_hi - (hi[p] if hi[p] != inf else 0.0)
        new_lo = max(lo[p], total_lo - rest_hi)
        new_hi = min(hi[p], total_hi) if capped else hi[p]
        if new_lo > lo[p] or new_hi < hi[p]:
            lo[p], hi[p], moved = new_lo, new_hi, True
    all_hi = inf if members_inf else members_hi
    top_lo = max((lo[q] for q in members), default=0.0)
    total_inf = sum(1 for q in total if hi[q] == inf)
    total_hi_finite = sum(hi[q] for q in total if hi[q] != inf)
    for t in total:  # the total is at most what the members count, at least (capped) the largest of them
        rest_lo = total_lo - lo[t]
        rest_hi = inf if total_inf - (hi[t] == inf) else total_hi_finite - (hi[t] if hi[t] != inf else 0.0)
        new_hi = min(hi[t], all_hi - rest_lo)
        new_lo = max(lo[t], top_lo - rest_hi) if capped else lo[t]
        if new_lo > lo[t] or new_hi < hi[t]:
            lo[t], hi[t], moved = new_lo, new_hi, True
    return moved


def _known_sum_below(
    withheld: list[int], left: tuple[int, ...], right: tuple[int, ...], values: Sequence[int], threshold: int
) -> bool:
    """The withheld members all on one side of an equation whose other side is published: their sum
    follows by subtraction, and a small sum discloses a small group (a man and a person of unknown sex
    withheld beside a published total: "2 cases are not women"), a zero sum that every one of them is
    a zero (withheld zeros beside a published total)."""
    if not (all(p in left for p in withheld) or all(p in right for p in withheld)):
        return False
    return sum(values[p] for p in withheld) < threshold


def recoverable_system(shown: Sequence[int | None], equations: Sequence[Equation]) -> set[int]:
    """Withheld positions (None) an attacker can recompute by repeated substitution in `equations`."""
    known = {p: v for p, v in enumerate(shown) if v is not None}
    start = {p for p, v in enumerate(shown) if v is None}
    changed = True
    while changed:
        changed = False
        for left, right in equations:
            missing = [p for p in (*left, *right) if p not in known]
            if len(missing) != 1:
                continue
            p = missing[0]
            sum_left = sum(known[q] for q in left if q in known)
            sum_right = sum(known[q] for q in right if q in known)
            known[p] = sum_right - sum_left if p in left else sum_left - sum_right
            changed = True
    return {p for p in start if p in known}


# --- Two-way tables ---------------------------------------------------------------------------------


def grid_equations(n_rows: int, n_cols: int) -> list[Equation]:
    """The equations of a table with margins, positions numbered row by row over the augmented grid
    ((n_rows + 1) × (n_cols + 1): index n_rows is the column-totals row, n_cols the row-totals column):
    every row, then every column, margins' own lines included."""

    def at(i: int, j: int) -> int:
        return i * (n_cols + 1) + j

    rows: list[Equation] = [(tuple(at(i, j) for j in range(n_cols)), (at(i, n_cols),)) for i in range(n_rows + 1)]
    cols: list[Equation] = [(tuple(at(i, j) for i in range(n_rows)), (at(n_rows, j),)) for j in range(n_cols + 1)]
    return rows + cols


def _check_cells(cells: Sequence[Sequence[int]], n_cols: int | None = None) -> tuple[int, int]:
    """(rows, columns) of `cells`; `n_cols` is the number of columns expected (a table without rows —
    no nationality in an empty period — still has its columns)."""
    n_rows = len(cells)
    if n_cols is None:
        n_cols = len(cells[0]) if cells else 0
    if any(len(r) != n_cols for r in cells):
        raise ValueError("every row needs the same number of columns")
    if any(v < 0 for r in cells for v in r):
        raise ValueError("counts cannot be negative")
    return n_rows, n_cols


def _table(
    grid: list[list[int]],
    fixed: Mapping[int, bool] | None,
    threshold: int,
    n_rows: int,
    n_cols: int,
    own: Sequence[list[list[int]]] = (),
    *,
    withheld: Collection[int] = (),
) -> SuppressedTable:
    flat = [v for row in grid for v in row]
    margins = frozenset(i * (n_cols + 1) + j for i in range(n_rows + 1) for j in range(n_cols + 1)) - frozenset(
        i * (n_cols + 1) + j for i in range(n_rows) for j in range(n_cols)
    )
    own_flat = [[v for row in g for v in row] for g in own]
    result = suppress_system(
        flat,
        grid_equations(n_rows, n_cols),
        threshold,
        margins=margins,
        fixed=fixed,
        own=own_flat,
        withheld=withheld,
    )
    shown = [result.values[i * (n_cols + 1) : (i + 1) * (n_cols + 1)] for i in range(n_rows + 1)]

    def pos(p: int) -> tuple[int, int]:
        i, j = divmod(p, n_cols + 1)
        return (-1 if i == n_rows else i, -1 if j == n_cols else j)

    return SuppressedTable(
        cells=[row[:n_cols] for row in shown[:n_rows]],
        row_totals=[row[n_cols] for row in shown[:n_rows]],
        column_totals=shown[n_rows][:n_cols],
        total=shown[n_rows][n_cols],
        primary=frozenset(pos(p) for p in result.primary),
        secondary=frozenset(pos(p) for p in result.secondary),
    )


def suppress(cells: list[list[int]], threshold: int = DEFAULT_THRESHOLD) -> SuppressedTable:
    """Suppress `cells` (rows × columns of non-negative counts) and its margins. Raises ValueError for a
    ragged table, a negative count or a threshold below 1."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    n_rows, n_cols = _check_cells(cells)
    grid = [[*r, sum(r)] for r in cells]
    grid.append([sum(cells[i][j] for i in range(n_rows)) for j in range(n_cols)] + [sum(map(sum, cells))])
    return _table(grid, None, threshold, n_rows, n_cols)


OwnTable = tuple[Sequence[Sequence[int]], Sequence[int], Sequence[int], int]
"""One contributor's own part of a pooled cross-table: (cells, row margins, column margins, total)."""


def suppress_within(
    cells: list[list[int]],
    rows: SuppressedSeries,
    columns: SuppressedSeries,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    own: Sequence[OwnTable] = (),
) -> SuppressedTable:
    """A cross-table of two breakdowns that are released on their own too (`rows`, `columns`, as
    `suppress_breakdowns` released them): its margins are those breakdowns, withheld exactly where they
    are withheld there, so that neither product fills a gap of the other; cells are withheld by the
    primary rule and as complements. A margin need not be the sum of its cells (forms of exploitation
    by sex: a column counts women, its cells count women per form): every line is still treated as an
    equation. A pooled table gives each contributor's part (`own`, see the module's notes), its margins
    released by `suppress_breakdowns` with the same parts.

    Never raises for want of a safe pattern: when the search finds none (SuppressionError), every cell is
    withheld and the margins published as elsewhere, checked by the same rules (`fallback` "cells"); if
    even that fails the check, nothing of the table is published (`fallback` "table"). The caller says
    so. Raises ValueError for shapes that do not match."""
    n_rows, n_cols = _check_cells(cells, len(columns.counts))
    if len(rows.counts) != n_rows or len(columns.counts) != n_cols:
        raise ValueError("the margins must match the table's rows and columns")
    if rows.total != columns.total or (rows.shown_total is None) != (columns.shown_total is None):
        raise ValueError("the two breakdowns must count the same cases")
    grid = [[*r, t] for r, t in zip(cells, rows.counts, strict=True)]
    grid.append([*columns.counts, rows.total])
    fixed = {i * (n_cols + 1) + n_cols: v is None for i, v in enumerate(rows.values)}
    fixed |= {n_rows * (n_cols + 1) + j: v is None for j, v in enumerate(columns.values)}
    fixed[n_rows * (n_cols + 1) + n_cols] = rows.shown_total is None
    own_grids = []
    for own_cells, own_rows, own_columns, own_total in own:
        shape = _check_cells(own_cells, n_cols)
        if shape != (n_rows, n_cols) or len(own_rows) != n_rows or len(own_columns) != n_cols:
            raise ValueError("a contributor's part must have the table's shape")
        own_grids.append([*([*r, t] for r, t in zip(own_cells, own_rows, strict=True)), [*own_columns, own_total]])
    try:
        return _table(grid, fixed, threshold, n_rows, n_cols, own_grids)
    except SuppressionError:
        pass
    inner = [i * (n_cols + 1) + j for i in range(n_rows) for j in range(n_cols)]
    try:
        every_cell = _table(grid, fixed, threshold, n_rows, n_cols, own_grids, withheld=inner)
        return replace(every_cell, fallback="cells")
    except SuppressionError:
        pass
    small = {
        (-1 if i == n_rows else i, -1 if j == n_cols else j)
        for i, row in enumerate(grid)
        for j, v in enumerate(row)
        if is_small(v, threshold) or any(is_small(v - g[i][j], threshold) for g in own_grids)
    }
    every = {(-1 if i == n_rows else i, -1 if j == n_cols else j) for i in range(n_rows + 1) for j in range(n_cols + 1)}
    return SuppressedTable(
        cells=[[None] * n_cols for _ in range(n_rows)],
        row_totals=[None] * n_rows,
        column_totals=[None] * n_cols,
        total=None,
        primary=frozenset(small),
        secondary=frozenset(every - small),
        fallback="table",
    )


def recoverable(table: SuppressedTable) -> set[tuple[int, int]]:
    """Withheld positions an attacker can recompute by repeated subtraction along rows and columns
    (margins included). Empty for a table produced by `suppress`."""
    n_rows, n_cols = len(table.cells), len(table.column_totals)
    shown = [v for r, t in zip(table.cells, table.row_totals, strict=True) for v in (*r, t)]
    shown += [*table.column_totals, table.total]
    found = recoverable_system(shown, grid_equations(n_rows, n_cols))

    def pos(p: int) -> tuple[int, int]:
        i, j = divmod(p, n_cols + 1)
        return (-1 if i == n_rows else i, -1 if j == n_cols else j)

    return {pos(p) for p in found}


# --- One-way breakdowns -----------------------------------------------------------------------------


Link = tuple[Sequence[tuple[int, int]], Sequence[tuple[int, int]]]
"""Two groups of cells, as (breakdown, cell) pairs, that count the same cases."""


def breakdown_equations(sizes: Sequence[int], links: Sequence[Link] = ()) -> tuple[list[Equation], int]:
    """The equations of breakdowns of `sizes` cells released together, positions numbered breakdown by
    breakdown, the shared total last (its position is returned): each breakdown sums to the total, and
    each link equates its two groups."""
    offsets = [sum(sizes[:b]) for b in range(len(sizes))]
    total_at = sum(sizes)
    equations: list[Equation] = [(tuple(range(offsets[b], offsets[b] + n)), (total_at,)) for b, n in enumerate(sizes)]
    for left, right in links:
        equations.append(
            (tuple(offsets[b] + c for b, c in left), tuple(offsets[b] + c for b, c in right)),
        )
    return equations, total_at


def suppress_breakdowns(
    breakdowns: Sequence[Sequence[int]],
    total: int,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    links: Sequence[Link] = (),
    own: Sequence[tuple[Sequence[Sequence[int]], int]] = (),
    hidden: Collection[int] = (),
) -> list[SuppressedSeries]:
    """Breakdowns of the same `total` cases released together. Each is read as summing to `total`
    (exactly so for a partition; for a breakdown in which a case can count in several categories the
    worst case, see the module's notes), `links` as further equations between them. The total is
    withheld if and only if it is small, as under every other breakdown of the same cases — small for
    anyone: for pooled breakdowns `own` gives each contributor's (breakdowns, total), and the total is
    withheld too when what the others add up to is small (see the module's notes). `hidden`: indexes of
    breakdowns never published, whose small counts must not be worked out from the others all the same
    (the common refinement of two age schemes: each band of either is a sum of its parts, and two
    schemes published give the parts by subtraction)."""
    if total < 0:
        raise ValueError("counts cannot be negative")
    sizes = [len(b) for b in breakdowns]
    equations, total_at = breakdown_equations(sizes, links)
    values = [v for b in breakdowns for v in b] + [total]
    own_values = []
    for own_breakdowns, own_total in own:
        if [len(b) for b in own_breakdowns] != sizes:
            raise ValueError("a contributor's breakdowns must have the same cells")
        own_values.append([v for b in own_breakdowns for v in b] + [own_total])
    small_total = is_small(total, threshold) or any(is_small(total - t, threshold) for _b, t in own)
    offsets = [sum(sizes[:b]) for b in range(len(sizes))]

    def attempt(whole: Sequence[int]) -> list[int | None]:
        """The suppression with the breakdowns `whole` (and `hidden`) withheld entirely from the start."""
        withheld = [offsets[b] + c for b in {*whole, *hidden} for c in range(sizes[b])]
        return suppress_system(
            values,
            equations,
            threshold,
            margins=frozenset({total_at}),
            fixed={total_at: small_total},
            own=own_values,
            withheld=withheld,
        ).values

    # When no safe pattern is found (SuppressionError), more is withheld rather than nothing released
    # or something unsafe: one breakdown entirely (the first with which the rest passes), else all of them,
    # else the total too. Each is checked by the same rules.
    shown_breakdowns = [b for b in range(len(sizes)) if b not in hidden]
    tries: list[list[int]] = [[], *([b] for b in shown_breakdowns), shown_breakdowns]
    shown: list[int | None] = [None] * len(values)
    whole: set[int] = set(range(len(sizes)))
    for whole_try in tries:
        try:
            shown = attempt(whole_try)
        except SuppressionError:
            continue
        whole = set(whole_try)
        break
    out = []
    for b, counts in enumerate(breakdowns):
        start = offsets[b]
        out.append(
            SuppressedSeries(
                counts=tuple(counts),
                total=total,
                values=tuple(shown[start : start + len(counts)]),
                shown_total=shown[total_at],
                fallback=b in whole and b not in hidden,
            )
        )
    return out


def suppress_series(
    counts: list[int], threshold: int = DEFAULT_THRESHOLD, *, total: int | None = None
) -> tuple[list[int | None], int | None]:
    """A one-way breakdown with its total: `(values, total)` with withheld values as None. `total`
    defaults to the sum; give the number of cases for a breakdown in which a case can count more than
    once."""
    series = suppress_breakdowns([counts], sum(counts) if total is None else total, threshold)[0]
    return list(series.values), series.shown_total
