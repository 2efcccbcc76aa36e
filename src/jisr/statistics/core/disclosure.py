"""Small-cell suppression of count tables, with secondary suppression. Pure.

Primary suppression: a cell (or margin) with 0 < count < `threshold` is withheld. The default
threshold, 11, is CTDC's k (no published query may return fewer than 10 records; CTDC data dictionary
2017). Zeros are published: an empty cell says nothing about a person.

Secondary (complementary) suppression: the table is read with its margins as a set of linear
equations — each row and each column, margins included, is one equation "cells sum to the total". A
withheld cell alone in its equation could be recomputed by subtraction; so while some equation holds
exactly one withheld member, another member of that equation is withheld too (the smallest non-zero
cell, else a zero cell, else the margin). At the end every equation has zero or at least two withheld
members, so no withheld value follows by subtraction from what is published (`recoverable` checks
this by repeated substitution, the attack a spreadsheet user can do).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_THRESHOLD = 11


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


def _is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def suppress(cells: list[list[int]], threshold: int = DEFAULT_THRESHOLD) -> SuppressedTable:
    """Suppress `cells` (rows × columns of non-negative counts) and its margins. Raises ValueError for a
    ragged table, a negative count or a threshold below 1."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    n_rows = len(cells)
    n_cols = len(cells[0]) if cells else 0
    if any(len(r) != n_cols for r in cells):
        raise ValueError("every row needs the same number of columns")
    if any(v < 0 for r in cells for v in r):
        raise ValueError("counts cannot be negative")
    # Augmented grid: index n_rows is the column-totals row, n_cols the row-totals column.
    grid = [[*r, sum(r)] for r in cells]
    grid.append([sum(cells[i][j] for i in range(n_rows)) for j in range(n_cols)] + [sum(map(sum, cells))])
    primary = {(i, j) for i in range(n_rows + 1) for j in range(n_cols + 1) if _is_small(grid[i][j], threshold)}
    hidden = set(primary)

    def lines() -> list[list[tuple[int, int]]]:
        rows = [[(i, j) for j in range(n_cols + 1)] for i in range(n_rows + 1)]
        cols = [[(i, j) for i in range(n_rows + 1)] for j in range(n_cols + 1)]
        return rows + cols

    all_lines = lines()
    changed = True
    while changed:
        changed = False
        for line in all_lines:
            withheld = [p for p in line if p in hidden]
            if len(withheld) != 1:
                continue
            members = [p for p in line if p not in hidden]
            inner = [p for p in members if p[0] < n_rows and p[1] < n_cols]
            margins = [p for p in members if p not in inner]
            nonzero = sorted((p for p in inner if grid[p[0]][p[1]] > 0), key=lambda p: grid[p[0]][p[1]])
            zeros = [p for p in inner if grid[p[0]][p[1]] == 0]
            choice = (nonzero or zeros or margins)[0]
            hidden.add(choice)
            changed = True

    def pos(i: int, j: int) -> tuple[int, int]:
        return (-1 if i == n_rows else i, -1 if j == n_cols else j)

    def val(i: int, j: int) -> int | None:
        return None if (i, j) in hidden else grid[i][j]

    return SuppressedTable(
        cells=[[val(i, j) for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[val(i, n_cols) for i in range(n_rows)],
        column_totals=[val(n_rows, j) for j in range(n_cols)],
        total=val(n_rows, n_cols),
        primary=frozenset(pos(i, j) for i, j in primary),
        secondary=frozenset(pos(i, j) for i, j in hidden - primary),
    )


def recoverable(table: SuppressedTable) -> set[tuple[int, int]]:
    """Withheld positions an attacker can recompute by repeated subtraction along rows and columns
    (margins included). Empty for a table produced by `suppress`."""
    n_rows, n_cols = len(table.cells), len(table.column_totals)
    grid: list[list[int | None]] = [[*r, t] for r, t in zip(table.cells, table.row_totals, strict=True)]
    grid.append([*table.column_totals, table.total])
    unknown = {(i, j) for i in range(n_rows + 1) for j in range(n_cols + 1) if grid[i][j] is None}
    start = set(unknown)
    changed = True
    while changed:
        changed = False
        for i in range(n_rows + 1):
            row = [(i, j) for j in range(n_cols + 1)]
            changed |= _solve(grid, row, unknown)
        for j in range(n_cols + 1):
            col = [(i, j) for i in range(n_rows + 1)]
            changed |= _solve(grid, col, unknown)
    return {(-1 if i == n_rows else i, -1 if j == n_cols else j) for i, j in start - unknown}


def _solve(grid: list[list[int | None]], line: list[tuple[int, int]], unknown: set[tuple[int, int]]) -> bool:
    missing = [p for p in line if p in unknown]
    if len(missing) != 1:
        return False
    i, j = missing[0]
    total_pos = line[-1]
    known = [grid[a][b] for a, b in line[:-1] if (a, b) not in unknown]
    if total_pos in unknown:
        grid[i][j] = sum(v for v in known if v is not None)
    else:
        total = grid[total_pos[0]][total_pos[1]]
        grid[i][j] = (total or 0) - sum(v for v in known if v is not None)
    unknown.discard((i, j))
    return True


def suppress_series(counts: list[int], threshold: int = DEFAULT_THRESHOLD) -> tuple[list[int | None], int | None]:
    """A one-way breakdown with its total: `(values, total)` with withheld values as None."""
    table = suppress([[c] for c in counts], threshold)
    return [r[0] for r in table.cells], table.total
