"""Suppression logic (pure): one-way breakdowns against the number of cases, breakdowns in which a case
counts more than once, linked age schemes, cross-tables that keep the released margins."""

from __future__ import annotations

import random

import pytest

from jisr.statistics.core import agebands, disclosure
from jisr.statistics.core.disclosure import SuppressionError

T = 11


def _lines_ok(values: list[int | None], equations: list[disclosure.Equation]) -> bool:
    """Every equation has no withheld member or at least two."""
    return all(sum(values[p] is None for p in (*left, *right)) != 1 for left, right in equations)


def _sums_ok(exact: list[int], shown: list[int | None], equations: list[disclosure.Equation]) -> bool:
    """No equation tells the sum of withheld counts (all on one side, the other side published) when that
    sum is small."""
    for left, right in equations:
        withheld = [p for p in (*left, *right) if shown[p] is None]
        one_side = all(p in left for p in withheld) or all(p in right for p in withheld)
        if withheld and one_side and 0 < sum(exact[p] for p in withheld) < T:
            return False
    return True


def test_withheld_cells_of_a_line_together_reach_the_threshold() -> None:
    """2 men and 1 person of unknown sex beside 40 women: withholding the 2 and the 1 would still say
    "3 cases are not women"; the 40 goes too (the total stays)."""
    assert disclosure.suppress_series([40, 2, 1]) == ([None, None, None], 43)
    assert disclosure.suppress_series([35, 8, 3]) == ([35, None, None], 46)  # 11 together: enough


def test_series_withholds_a_complement_and_keeps_the_total() -> None:
    values, total = disclosure.suppress_series([45, 33, 3])
    assert values == [45, None, None] and total == 81
    # an attacker with the total: 81 - 45 = 78 for two unknowns, not one
    assert disclosure.recoverable_system([45, None, None, 81], [((0, 1, 2), (3,))]) == set()


def test_series_small_total_is_withheld_with_its_zeros() -> None:
    """9 cases: 7 and 2 withheld, and the 0 beside them too — published, it would say "none of these
    few cases is in the second category"."""
    values, total = disclosure.suppress_series([7, 0, 2])
    assert values == [None, None, None] and total is None
    assert disclosure.suppress_series([7, 0, 0]) == ([None, None, None], None)  # not "all 7 are the first"
    assert disclosure.suppress_series([0, 0, 0]) == ([0, 0, 0], 0)  # no case: nothing to protect
    assert disclosure.suppress_series([45, 0, 12]) == ([45, 0, 12], 57)  # nothing withheld: zeros stay


def test_series_without_secondary_would_be_recoverable() -> None:
    """The dashboard before: 3 shown as 3 — and even with only the 3 hidden, the total gives it away."""
    assert disclosure.recoverable_system([45, 33, None, 81], [((0, 1, 2), (3,))]) == {2}


def test_several_forms_per_case_are_suppressed_against_the_number_of_cases() -> None:
    """40 cases; forms: 30 sexual exploitation, 12 forced labour, 2 servitude (two cases with two forms:
    44 mentions). The 2 is withheld with a complement, so that it cannot be worked out by someone who
    assumes one form per case (sum = 40) nor by someone who knows the mentions (sum = 44); the number
    of cases is the published total, the mentions are not released."""
    counts, cases = [30, 12, 2], 40
    values, total = disclosure.suppress_series(counts, total=cases)
    assert total == 40 and values.count(None) >= 2 and values[2] is None
    for claimed_sum in (40, 44):
        assert disclosure.recoverable_system([*values, claimed_sum], [((0, 1, 2), (3,))]) == set()


def test_several_forms_random_caseloads_are_never_recoverable() -> None:
    rng = random.Random(11)
    forms = 7
    for _ in range(300):
        n = rng.randint(0, 60)
        cases = [rng.sample(range(forms), rng.choice([1, 1, 1, 2, 3])) if rng.random() > 0.1 else [] for _ in range(n)]
        counts = [sum(f in c for c in cases) for f in range(forms)] + [sum(not c for c in cases)]
        values, total = disclosure.suppress_series(counts, total=n)
        assert all(v is None or v == 0 or v >= T for v in values)
        assert total == (None if 0 < n < T else n)
        # worst case: read as a partition of the cases (sum = the published total), or with the number of
        # mentions somehow known (it is not released)
        line = [(tuple(range(len(counts))), (len(counts),))]
        for claimed in (total, sum(counts) if total is not None else None):
            assert _lines_ok([*values, claimed], line)
            assert disclosure.recoverable_system([*values, claimed], line) == set()
        assert _sums_ok([*counts, n], [*values, total], line)


def _ages(ages: list[int | None]) -> tuple[list[int], list[int]]:
    jisr = agebands.labels(agebands.JISR_BANDS)
    ctdc = agebands.labels(agebands.CTDC_BANDS)
    j = [sum(agebands.band_of(a) == lab for a in ages) for lab in jisr]
    c = [sum(agebands.band_of(a, agebands.CTDC_BANDS) == lab for a in ages) for lab in ctdc]
    return j, c


def _age_links() -> list[disclosure.Link]:
    jisr = agebands.labels(agebands.JISR_BANDS)
    ctdc = agebands.labels(agebands.CTDC_BANDS)
    return [
        ([(0, jisr.index(x)) for x in a], [(1, ctdc.index(y)) for y in b])
        for a, b in agebands.common_groups(agebands.JISR_BANDS, agebands.CTDC_BANDS)
    ]


def test_common_groups_of_the_two_age_schemes() -> None:
    groups = agebands.common_groups(agebands.JISR_BANDS, agebands.CTDC_BANDS)
    assert groups[0] == (["0-11", "12-14", "15-17"], ["0--8", "9--17"])
    assert groups[-1] == (["Unknown"], ["Unknown"])
    assert groups[1][0][0] == "18-24" and groups[1][1][-1] == "48+"


def test_age_schemes_suppressed_apart_give_a_small_count_away() -> None:
    """12 children aged 10 and 3 aged 13: CTDC's 9–17 (15) and Jisr's 0–11 (12) are published; Jisr's
    12–14 = 15 − 12 − 0 unless both schemes are suppressed together."""
    ages: list[int | None] = [10] * 12 + [13] * 3 + [20] * 11 + [30] * 20
    j, c = _ages(ages)
    n = len(ages)
    equations, total_at = disclosure.breakdown_equations([len(j), len(c)], _age_links())
    apart = disclosure.suppress_series(j)[0] + disclosure.suppress_series(c)[0] + [n]
    assert apart[1] is None and disclosure.recoverable_system(apart, equations) != set()
    together = disclosure.suppress_breakdowns([j, c], n, links=_age_links())
    shown = [*together[0].values, *together[1].values, together[0].shown_total]
    assert shown[1] is None and disclosure.recoverable_system(shown, equations) == set()
    assert _lines_ok(shown, equations) and total_at == len(shown) - 1


def test_age_schemes_random_caseloads_never_recoverable() -> None:
    rng = random.Random(3)
    for _ in range(200):
        ages = [rng.choice([None, rng.randint(0, 70), rng.randint(8, 20)]) for _ in range(rng.randint(0, 80))]
        j, c = _ages(ages)
        together = disclosure.suppress_breakdowns([j, c], len(ages), links=_age_links())
        shown = [*together[0].values, *together[1].values, together[0].shown_total]
        equations, _at = disclosure.breakdown_equations([len(j), len(c)], _age_links())
        assert all(v is None or v == 0 or v >= T for v in shown)
        assert disclosure.recoverable_system(shown, equations) == set()
        assert _sums_ok([*j, *c, len(ages)], shown, equations)


def test_cross_table_alone_would_fill_the_gap_of_the_breakdown() -> None:
    """Age by sex (female, male, unknown): suppressed on its own, the table withholds the female total and
    shows the male one, while the breakdown by sex shows the female count and withholds the male one —
    together: unknown = 81 − 45 − 33 = 3. Keeping the released margins closes it."""
    cells = [[20, 15, 1], [25, 18, 2]]
    alone = disclosure.suppress(cells)
    by_sex = disclosure.suppress_breakdowns([[45, 33, 3]], 81)[0]
    assert alone.column_totals[0] is None and alone.column_totals[1] == 33 and by_sex.values == (45, None, None)
    by_age = disclosure.suppress_breakdowns([[36, 45]], 81)[0]
    kept = disclosure.suppress_within(cells, by_age, by_sex)
    assert kept.column_totals == list(by_sex.values) and kept.row_totals == list(by_age.values)
    assert kept.total == 81 and disclosure.recoverable(kept) == set()


def test_cross_tables_keep_released_margins_random() -> None:
    rng = random.Random(5)
    for _ in range(300):
        n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 6)
        cells = [[rng.choice([0, rng.randint(0, 4), rng.randint(0, 40)]) for _ in range(n_cols)] for _ in range(n_rows)]
        total = sum(map(sum, cells))
        rows, cols = disclosure.suppress_breakdowns(
            [[sum(r) for r in cells], [sum(r[j] for r in cells) for j in range(n_cols)]], total
        )
        table = disclosure.suppress_within(cells, rows, cols)
        assert table.row_totals == list(rows.values) and table.column_totals == list(cols.values)
        assert table.total == rows.shown_total
        assert disclosure.recoverable(table) == set()
        assert all(v is None or v == 0 or v >= T for r in table.cells for v in r)
        exact = [v for r in cells for v in (*r, sum(r))] + [sum(r[j] for r in cells) for j in range(n_cols)] + [total]
        shown = [v for r, t in zip(table.cells, table.row_totals, strict=True) for v in (*r, t)]
        shown += [*table.column_totals, table.total]
        assert _sums_ok(exact, shown, disclosure.grid_equations(n_rows, n_cols))


def test_cross_table_with_several_forms_keeps_head_counts() -> None:
    """Forms by sex: the bottom row counts women and men (head counts), not mentions; lines are treated
    as equations anyway."""
    forms_by_sex = [[22, 7, 1], [5, 6, 1], [2, 0, 0]]  # sexual, forced, servitude × female, male, unknown
    by_form = disclosure.suppress_breakdowns([[30, 12, 2]], 40)[0]
    by_sex = disclosure.suppress_breakdowns([[26, 12, 2]], 40)[0]
    table = disclosure.suppress_within(forms_by_sex, by_form, by_sex)
    assert table.row_totals == [30, None, None] and table.column_totals == [26, None, None] and table.total == 40
    assert all(v is None or v == 0 or v >= T for r in table.cells for v in r)
    grid_values = [v for r, t in zip(table.cells, table.row_totals, strict=True) for v in (*r, t)]
    assert _lines_ok([*grid_values, *table.column_totals, table.total], disclosure.grid_equations(3, 3))


def test_a_small_count_pinned_as_published_is_refused() -> None:
    with pytest.raises(SuppressionError):
        disclosure.suppress_system([3, 20], [((0,), (1,))], fixed={0: False})
    with pytest.raises(ValueError):
        disclosure.suppress_breakdowns([[1, 2]], -1)
