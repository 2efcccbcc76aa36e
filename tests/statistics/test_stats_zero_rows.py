"""A row (or column) whose published total is 0 has cells of 0, which everyone reads from that total: they
are shown as 0, never as "withheld", in every product. Before, beside a withheld column total they were
withheld like any zero ("Transgender woman: suppressed, suppressed, 0" in sex_by_stage.csv), which says
something is hidden where nothing is."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from stats_periods import last_quarter_day, last_quarter_query
from test_stats_releases import _cases, _client, _coordinator

from jisr.statistics import selectors as sel
from jisr.statistics import services
from jisr.statistics.core import disclosure

# Women at two stages, and a few men at one: the stage columns' totals are withheld, most sexes have no case.
ROWS = [("Feminine", "identification")] * 30 + [("Feminine", "first_assistance")] * 12 + [
    ("Masculine", "identification")
] * 3 + [("Feminine", "long_term_assistance")] * 2


def test_the_cells_of_a_row_whose_total_is_0_are_0() -> None:
    cells = [[30, 12, 2], [5, 0, 1], [0, 0, 0], [0, 0, 0]]
    rows, columns = disclosure.suppress_breakdowns(
        [[sum(r) for r in cells], [sum(r[j] for r in cells) for j in range(3)]], 50
    )
    table = disclosure.suppress_within(cells, rows, columns)
    assert None in table.column_totals  # a withheld column total beside them
    assert table.cells[2:] == [[0, 0, 0], [0, 0, 0]] and table.row_totals[2:] == [0, 0]
    assert disclosure.recoverable(table) == set()


def _zero_rows(rows: list[list[object]]) -> list[list[object]]:
    """The cells of the body's rows whose total is 0."""
    return [row[1:-1] for row in rows[1:-1] if str(row[-1]) == "0"]


@pytest.mark.django_db
def test_exports_show_0_in_rows_whose_total_is_0(cast) -> None:  # type: ignore[no-untyped-def]
    day = last_quarter_day(cast.ma)
    _cases(cast.ma, day.year, ROWS, "MA-ZERO", on=day)
    client = _client(cast.ma_analyst)
    text = client.get(reverse("statistics:export_aggregate", args=["sex_by_stage", "csv"])).content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert "suppressed" in rows[-1]  # some stage totals are withheld, and yet:
    zero = _zero_rows(rows)
    assert len(zero) == 5 and {v for row in zero for v in row} == {"0"}  # the five sexes without a case
    xlsx = client.get(reverse("statistics:export_aggregate", args=["sex_by_stage", "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert {v for row in _zero_rows(sheet) for v in row} == {0}
    # the screen and the donor report show the same 0 for those sexes (never the marker)
    shown = sel.shown_breakdowns(last_quarter_query(cast.ma), ["sex"], services.suppression_threshold())["sex"]
    assert [n for code, _l, n in shown.rows if code not in ("Feminine", "Masculine")] == [0] * 5
    donor = services.donor_indicators(cast.ma, last_quarter_query(cast.ma))
    assert [n for _label, n in list(donor["sections"].values())[1]][2:] == [0] * 5


@pytest.mark.django_db
def test_a_shared_release_shows_0_in_rows_whose_total_is_0(cast) -> None:  # type: ignore[no-untyped-def]
    year = services.last_completed_year([cast.ma, cast.es])
    _cases(cast.ma, year, ROWS, "MA-ZREL")
    _cases(cast.es, year, [("Feminine", "identification")] * 20, "ES-ZREL")
    release = services.release_request(actor=cast.ma_analyst, table="sex_by_stage", year=year,
                                       contributors=[cast.ma, cast.es])
    services.release_approve(actor=cast.ma_coordinator, release=release)
    release = services.release_approve(actor=_coordinator(cast.es, "es-coord-zero"), release=release)
    data = services.release_file(actor=cast.ma_analyst, release=release)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    zero = _zero_rows(rows)
    assert len(zero) == 5 and {v for row in zero for v in row} == {"0"}
