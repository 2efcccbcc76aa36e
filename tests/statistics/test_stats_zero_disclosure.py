"""Zeros beside withheld counts (pure): a row "Cameroon: male withheld, female 0, unknown 0" tells everyone
that the Cameroonian cases are men, however few; a column "male: 25–34 withheld, every other band 0" that
all the men are 25–34. In a line whose total is withheld the zeros are withheld too, and no withheld
count can be pinned to a single category by what is published around it — checked on the reported
cases and on random tables against an attacker who propagates bounds (counts are never negative)."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from jisr.statistics.core import disclosure

T = disclosure.DEFAULT_THRESHOLD
INF = float("inf")


def _grid(table: disclosure.SuppressedTable) -> list[list[int | None]]:
    """The table with its margins as one (rows + 1) × (columns + 1) grid."""
    rows = [[*r, t] for r, t in zip(table.cells, table.row_totals, strict=True)]
    return [*rows, [*table.column_totals, table.total]]


def _lines(n_rows: int, n_cols: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Every line of the grid as (its cells, its total): rows and columns, the margins' own lines included."""
    rows = [([(i, j) for j in range(n_cols)], (i, n_cols)) for i in range(n_rows + 1)]
    cols = [([(i, j) for i in range(n_rows)], (n_rows, j)) for j in range(n_cols + 1)]
    return rows + cols


def _bounds(shown: list[list[int | None]]) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], float]]:
    """What an attacker can say of each position from the published grid: lower and upper bounds,
    propagated along every line (cells ≥ 0 and sum to the total) until nothing moves."""
    n_rows, n_cols = len(shown) - 1, len(shown[0]) - 1
    lo: dict[tuple[int, int], float] = {}
    hi: dict[tuple[int, int], float] = {}
    for i, row in enumerate(shown):
        for j, v in enumerate(row):
            lo[(i, j)], hi[(i, j)] = (0.0, INF) if v is None else (float(v), float(v))
    lines = _lines(n_rows, n_cols)
    for _ in range(200):
        moved = False
        for cells, total in lines:
            for p in cells:
                others = [q for q in cells if q != p]
                new_hi = min(hi[p], hi[total] - sum(lo[q] for q in others))
                new_lo = max(lo[p], lo[total] - sum(hi[q] for q in others))
                if new_hi < hi[p] or new_lo > lo[p]:
                    lo[p], hi[p], moved = new_lo, new_hi, True
            new_hi = min(hi[total], sum(hi[q] for q in cells))
            new_lo = max(lo[total], sum(lo[q] for q in cells))
            if new_hi < hi[total] or new_lo > lo[total]:
                lo[total], hi[total], moved = new_lo, new_hi, True
        if not moved:
            break
    return lo, hi


def _zeros_beside_withheld_totals(shown: list[list[int | None]]) -> list[tuple[int, int]]:
    """Published zeros in a line that has a withheld cell while its total is not published — except the
    zeros whose crossing line's total is published as 0 (structural: everyone reads that they are 0)."""
    n_rows, n_cols = len(shown) - 1, len(shown[0]) - 1
    found = []
    for cells, total in _lines(n_rows, n_cols):
        if shown[total[0]][total[1]] is None and any(shown[i][j] is None for i, j in cells):
            crossing = [(n_rows, j) if total[1] == n_cols else (i, n_cols) for i, j in cells]
            found += [
                (i, j) for (i, j), x in zip(cells, crossing, strict=True) if shown[i][j] == 0 and shown[x[0]][x[1]] != 0
            ]
    return found


def _pinned(shown: list[list[int | None]]) -> list[tuple[int, int]]:
    """Totals withheld whose line the attacker can pin to a single category: every other cell of the line
    is bounded to 0. Not counted: a line in which only one category is non-empty for the whole caseload
    (every other crossing total published as 0) — that is published about everyone."""
    n_rows, n_cols = len(shown) - 1, len(shown[0]) - 1
    _lo, hi = _bounds(shown)
    pinned = []
    for cells, total in _lines(n_rows, n_cols):
        if shown[total[0]][total[1]] is not None or len(cells) < 2:
            continue
        crossing = [(n_rows, j) if total[1] == n_cols else (i, n_cols) for i, j in cells]
        open_categories = [c for c, x in zip(cells, crossing, strict=True) if shown[x[0]][x[1]] != 0]
        if len(open_categories) < 2:
            continue
        if sum(hi[c] > 0 for c in cells) < 2:
            pinned.append(total)
    return pinned


def _check(cells: list[list[int]], table: disclosure.SuppressedTable) -> None:
    shown = _grid(table)
    assert disclosure.recoverable(table) == set()
    assert all(v is None or v == 0 or v >= T for row in shown for v in row)
    assert _zeros_beside_withheld_totals(shown) == [], (cells, shown)
    assert _pinned(shown) == [], (cells, shown)
    # no small count can be worked out exactly, by subtraction or by bounds
    exact_grid = [[*r, sum(r)] for r in cells] + [[*(sum(r[j] for r in cells) for j in range(len(cells[0]))),
                                                  sum(map(sum, cells))]]
    lo, hi = _bounds(shown)
    small = [(i, j) for i, row in enumerate(shown) for j, v in enumerate(row)
             if v is None and disclosure.is_small(exact_grid[i][j])]
    assert not [p for p in small if lo[p] == hi[p]], (cells, shown)
    # what is published is exact
    exact = [[*r, sum(r)] for r in cells] + [[*(sum(r[j] for r in cells) for j in range(len(cells[0]))),
                                             sum(map(sum, cells))]]
    assert all(v is None or v == exact[i][j] for i, row in enumerate(shown) for j, v in enumerate(row))


def _released(cells: list[list[int]]) -> disclosure.SuppressedTable:
    """The table as the exports release it: margins are the one-way breakdowns as released on their own."""
    n_cols = len(cells[0])
    total = sum(map(sum, cells))
    rows, cols = disclosure.suppress_breakdowns(
        [[sum(r) for r in cells], [sum(r[j] for r in cells) for j in range(n_cols)]], total
    )
    return disclosure.suppress_within(cells, rows, cols)


# --- The reported cases ------------------------------------------------------------------------------


def test_nationality_by_sex_does_not_tell_the_sex_of_a_small_group() -> None:
    """Columns female, male, unknown. Cameroon: 3 men. Before: "male: withheld, female: 0, unknown: 0"."""
    cells = [[40, 12, 0], [15, 0, 0], [0, 3, 0]]  # Morocco, Nigeria, Cameroon
    table = _released(cells)
    cameroon = [*table.cells[2], table.row_totals[2]]
    assert cameroon == [None, None, 0, None]  # unknown: 0, as for everyone (the column's total is 0)
    _check(cells, table)
    # the same on its own (margins suppressed with the table)
    _check(cells, disclosure.suppress(cells))


def test_age_by_sex_does_not_tell_the_age_of_the_men() -> None:
    """Rows 0–17, 18–24, 25–34, 35+; columns female, male: the 4 men are all 25–34."""
    cells = [[12, 0], [20, 0], [14, 4], [11, 0]]
    table = _released(cells)
    men = [r[1] for r in table.cells]
    assert table.column_totals[1] is None and 0 not in men and men.count(None) == 4
    _check(cells, table)


def test_a_whole_small_caseload_is_withheld_zeros_included() -> None:
    cells = [[3, 0, 0], [0, 2, 0]]
    table = _released(cells)
    assert all(v is None for row in _grid(table) for v in row)


def test_a_category_empty_for_everyone_stays_zero_in_the_margins() -> None:
    """Nobody of unknown sex in 60 cases: the 0 in the totals row is a fact about everyone and stays."""
    cells = [[40, 12, 0], [5, 3, 0]]
    table = _released(cells)
    assert table.column_totals[2] == 0 and table.total == 60
    _check(cells, table)


def test_withheld_zeros_are_not_given_away_by_a_zero_known_sum() -> None:
    """Female column: 37 published as the total, Morocco's 37 published, Cameroon's and Ghana's zeros
    withheld (their rows' totals are): 37 − 37 = 0 would show them to be zeros; Morocco's 37 goes too."""
    cells = [[37, 20], [0, 3], [0, 4]]
    table = _released(cells)
    assert table.cells[0][0] is None
    _check(cells, table)


def test_exact_counts_are_untouched_when_nothing_is_small() -> None:
    cells = [[40, 0, 12], [15, 0, 11]]
    table = _released(cells)
    assert _grid(table) == [[40, 0, 12, 52], [15, 0, 11, 26], [55, 0, 23, 78]]


# --- Random tables -----------------------------------------------------------------------------------


def _random_cells(rng: random.Random) -> list[list[int]]:
    n_rows, n_cols = rng.randint(1, 7), rng.randint(1, 5)
    sparse = rng.random() < 0.5  # many zeros, as nationality by sex is
    return [
        [0 if sparse and rng.random() < 0.6 else rng.choice([0, rng.randint(1, 5), rng.randint(0, 40)])
         for _ in range(n_cols)]
        for _ in range(n_rows)
    ]


@pytest.mark.parametrize("seed", range(4))
def test_random_released_tables_never_pin_a_withheld_count(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(250):
        cells = _random_cells(rng)
        _check(cells, _released(cells))


@pytest.mark.parametrize("seed", range(2))
def test_random_tables_suppressed_alone_never_pin_a_withheld_count(seed: int) -> None:
    rng = random.Random(100 + seed)
    for _ in range(250):
        cells = _random_cells(rng)
        _check(cells, disclosure.suppress(cells))


def _series_ok(counts: Sequence[int], values: Sequence[int | None], total: int | None) -> None:
    if total is None:
        assert 0 not in values, (counts, values)
        assert sum(v is None for v in values) >= min(2, len(values)), (counts, values)


def test_random_breakdowns_withhold_their_zeros_with_a_small_total() -> None:
    rng = random.Random(7)
    for _ in range(500):
        counts = [rng.choice([0, 0, rng.randint(1, 6), rng.randint(0, 30)]) for _ in range(rng.randint(1, 8))]
        values, total = disclosure.suppress_series(counts)
        _series_ok(counts, values, total)
        assert (total is None) == disclosure.is_small(sum(counts))
