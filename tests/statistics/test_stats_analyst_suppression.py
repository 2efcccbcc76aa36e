"""An analyst sees only aggregates that protect survivors: on the dashboard (tables, totals, the charts'
JSON, the months), in the API, the exported tables and the donor report every count below the threshold
is withheld, with the counts that would give it away, and shown as a translated marker; the same figure
is withheld in every product. Coordinators keep the exact counts and the drill-downs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from stats_periods import last_quarter_day, last_quarter_query

from jisr.cases.models import Case
from jisr.statistics import selectors as sel
from jisr.statistics import services
from jisr.statistics.core import agebands, disclosure

pytestmark = pytest.mark.django_db

T = disclosure.DEFAULT_THRESHOLD
N = 46

# 46 generated cases with small cells in every breakdown (no names: persons straight from the model).
SEXES = ["Feminine"] * 35 + ["Masculine"] * 8 + ["NonSpecifiedUnknown"] * 3
STAGES = ["identification"] * 20 + ["first_assistance"] * 14 + ["long_term_assistance"] * 7 + ["proceedings"] * 5
NATIONALITIES = ["MA"] * 30 + ["NG"] * 12 + ["ES"] * 4
# 12 aged 10 and 3 aged 13: CTDC's 9–17 holds 15, Jisr's 0–11 holds 12 — the 3 in 12–14 must not follow
AGES = [10] * 12 + [13] * 3 + [20] * 11 + [30] * 20
# 30 sexual exploitation, 13 forced labour, 3 none; two of the first also servitude (48 mentions, 46 cases)
FORMS = [["SexualExploitation"]] * 30 + [["ForcedLabour"]] * 13 + [[]] * 3
FORMS = [["SexualExploitation", "Servitude"]] * 2 + FORMS[2:]
EXACT_SMALL = {"sex": {"Masculine": 8, "NonSpecifiedUnknown": 3}, "trm_stage": {"long_term_assistance": 7}}


@pytest.fixture
def small_cells(cast):  # type: ignore[no-untyped-def]
    from jisr.crypto.models import DataKey
    from jisr.survivors.models import Person

    today = last_quarter_day(cast.ma)  # the analyst's default period: the last quarter that is over
    rng = random.Random(6)
    columns = [SEXES[:], STAGES[:], NATIONALITIES[:], AGES[:], FORMS[:]]
    for column in columns:
        rng.shuffle(column)
    keys = DataKey.objects.bulk_create([DataKey(purpose="person", wrapped=b"x" * 60, kek_id="test") for _ in range(N)])
    rows = list(zip(*columns, strict=True))
    persons = Person.objects.bulk_create(
        [
            Person(
                organisation=cast.ma,
                code=f"MA-SUP-{i:04d}",
                data_key=keys[i],
                sex=sex,
                nationality=nat,
                estimated_age=age,
                age_estimated_on=today,
            )
            for i, (sex, _stage, nat, age, _forms) in enumerate(rows)
        ]
    )
    Case.objects.bulk_create(
        [
            Case(
                organisation=cast.ma,
                person=p,
                number=1,
                trm_stage=stage,
                opened_on=today - dt.timedelta(days=5 * i),  # spread over 8 months
                exploitation_types=list(forms),
            )
            for i, (p, (_sex, stage, _nat, _age, forms)) in enumerate(zip(persons, rows, strict=True))
        ]
    )
    return cast


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts, with the cell's tag (td/th)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, str]]]] = []
        self._cell: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = (tag, [])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append((self._cell[0], "".join(self._cell[1]).strip()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1].append(data)


def _tables(html: str) -> list[list[list[tuple[str, str]]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _charts(html: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(r'<script id="(chart-[^"]+)" type="application/json">(.*?)</script>', html, re.S)
    }


def _count(text: str, marker: str) -> int | None:
    if text == marker:
        return None
    assert re.fullmatch(r"\d+", text), f"not a count nor the marker: {text!r}"
    return int(text)


def _page(cast, user, language: str = "en") -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": language})
    response = client.get(reverse("statistics:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def _breakdown_tables(html: str, marker: str) -> dict[str, tuple[list[int | None], int | None]]:
    """The five breakdown tables, in the dashboard's order: (counts, "All cases")."""
    out = {}
    tables = [t for t in _tables(html) if t and [c for _tag, c in t[0]] == ["Category", "Cases"]]
    for dim, table in zip(("trm_stage", "exploitation", "sex", "age_band", "nationality"), tables, strict=False):
        counts = [_count(cells[1][1], marker) for cells in table[1:-1]]
        out[dim] = (counts, _count(table[-1][1][1], marker))
    assert len(out) == 5
    return out


def test_analyst_dashboard_shows_no_small_count_and_nothing_recomputable(small_cells) -> None:  # type: ignore[no-untyped-def]
    html = _page(small_cells, small_cells.ma_analyst)
    marker = "suppressed"
    assert f'<span class="text-body-secondary fst-italic">{marker}</span>' in html
    assert reverse("statistics:drilldown") not in html, "no drill-down for an analyst"
    # every count in every table: 0, at least the threshold, or the marker
    numbers = [int(text) for table in _tables(html) for row in table for tag, text in row if re.fullmatch(r"\d+", text)]
    assert numbers and all(n == 0 or n >= T for n in numbers), sorted(set(numbers))
    # every count in every chart's JSON, the months included
    charts = _charts(html)
    assert {"chart-over_time", "chart-sex", "chart-exploitation", "chart-services"} <= set(charts)
    data = [v for spec in charts.values() for ds in spec["datasets"] for v in ds["data"]]
    assert None in data and all(v is None or v == 0 or v >= T for v in data)
    assert any(f"({marker})" in label for label in charts["chart-sex"]["labels"])
    # no withheld count follows from the totals shown: one total for all five, never recoverable
    tables = _breakdown_tables(html, marker)
    assert {total for _counts, total in tables.values()} == {N}
    for dim, (counts, total) in tables.items():
        line = [(tuple(range(len(counts))), (len(counts),))]
        # forms of exploitation: read as if the rows added up to the cases (the worst case)
        assert disclosure.recoverable_system([*counts, total], line) == set(), dim
        assert counts.count(None) != 1, dim
    assert tables["sex"][0] == [35, None, None, None, None, None] or tables["sex"][0].count(None) >= 2
    # the months: each a breakdown of its own caseload, nothing recoverable
    month_table = next(t for t in _tables(html) if t and t[0][0][1] == "Month")
    for row in month_table[1:]:
        values = [_count(text, marker) for _tag, text in row[1:]]
        line = [(tuple(range(len(values) - 1)), (len(values) - 1,))]
        assert disclosure.recoverable_system(values, line) == set(), row[0]
    assert any(_count(text, marker) is None for row in month_table[1:] for _tag, text in row[1:])


def test_analyst_dashboard_agrees_with_the_api_and_the_exports(small_cells) -> None:  # type: ignore[no-untyped-def]
    """One figure, one status: the dashboard, the API and the exported tables withhold the same counts
    (otherwise one fills the gap of another)."""
    cast = small_cells
    html = _page(cast, cast.ma_analyst)
    dashboard = _breakdown_tables(html, "suppressed")
    client = Client()
    client.force_login(cast.ma_analyst)
    client.post(reverse("set_language"), {"language": "en"})
    api = client.get(reverse("statistics-api:caseload")).json()["dimensions"]
    for dim, (counts, total) in dashboard.items():
        assert [c["count"] for c in api[dim]["cells"]] == counts, dim
        assert api[dim]["total"] == total == N, dim  # forms of exploitation too: cases, not 48 mentions
    exported = {}
    for table in ("sex_by_stage", "age_by_sex", "exploitation_by_sex", "nationality_by_sex"):
        response = client.get(reverse("statistics:export_aggregate", args=[table, "csv"]))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        body = rows[1:]  # the table alone: no footnote row
        exported[table] = [[_count(v, "suppressed") for v in row[1:]] for row in body]
        for row in exported[table]:
            assert all(v is None or v == 0 or v >= T for v in row), (table, row)
    # margins: rows' totals are the row dimension's breakdown, the last row the column dimension's
    assert [r[-1] for r in exported["sex_by_stage"][:-1]] == dashboard["sex"][0]
    assert [r[-1] for r in exported["age_by_sex"][:-1]] == dashboard["age_band"][0]
    assert [r[-1] for r in exported["exploitation_by_sex"][:-1]] == dashboard["exploitation"][0]
    assert sorted(map(str, (r[-1] for r in exported["nationality_by_sex"][:-1]))) == sorted(
        map(str, dashboard["nationality"][0])
    )
    for table in ("age_by_sex", "exploitation_by_sex", "nationality_by_sex"):
        assert exported[table][-1] == [*dashboard["sex"][0], N], table  # head counts, not mentions
    assert exported["sex_by_stage"][-1][:-1] == dashboard["trm_stage"][0]


def test_api_links_the_two_age_schemes(small_cells) -> None:  # type: ignore[no-untyped-def]
    """Both age schemes count the same people (0–17 in one is 0–17 in the other, adults are adults, unknown
    is unknown): suppressed one by one, one scheme's published cells fill the other's gaps. One scheme a
    response (?ages=), the two responses suppressed together (test_stats_age_schemes: across overlaps)."""
    client = Client()
    client.force_login(small_cells.ma_analyst)
    api = client.get(reverse("statistics-api:caseload")).json()["dimensions"]
    api |= client.get(reverse("statistics-api:caseload"), {"ages": "ctdc"}).json()["dimensions"]
    jisr = {c["code"]: c["count"] for c in api["age_band"]["cells"]}
    ctdc = {c["code"]: c["count"] for c in api["ctdc_age"]["cells"]}
    assert jisr["12-14"] is None
    j_codes, c_codes = list(jisr), list(ctdc)
    links = [
        ([(0, j_codes.index(a)) for a in ga], [(1, c_codes.index(b)) for b in gb])
        for ga, gb in agebands.common_groups(agebands.JISR_BANDS, agebands.CTDC_BANDS)
    ]
    equations, _total_at = disclosure.breakdown_equations([len(jisr), len(ctdc)], links)
    shown = [*jisr.values(), *ctdc.values(), api["age_band"]["total"]]
    assert disclosure.recoverable_system(shown, equations) == set()


def test_coordinator_sees_exact_counts_and_drill_downs(small_cells) -> None:  # type: ignore[no-untyped-def]
    html = _page(small_cells, small_cells.ma_coordinator)
    assert "suppressed" not in html
    tables = _breakdown_tables(html, "suppressed")
    assert tables["sex"] == ([35, 8, 0, 0, 0, 3, 0], N)
    assert tables["exploitation"][1] == N and 2 in tables["exploitation"][0] and 13 in tables["exploitation"][0]
    charts = _charts(html)
    assert charts["chart-sex"]["datasets"][0]["data"] == [35, 8, 0, 0, 0, 3, 0]
    assert None not in [v for spec in charts.values() for ds in spec["datasets"] for v in ds["data"]]
    assert "dimension=sex&amp;value=Masculine" in html and "dimension=sex&amp;value=NonSpecifiedUnknown" in html
    assert "dimension=sex&amp;value=TransgenderFeminine" not in html  # nothing behind a zero


@pytest.mark.parametrize(("language", "marker"), [("ar", "محجوب"), ("fr", "masqué")])
def test_marker_is_translated(small_cells, language: str, marker: str) -> None:  # type: ignore[no-untyped-def]
    html = _page(small_cells, small_cells.ma_analyst, language)
    assert f'<span class="text-body-secondary fst-italic">{marker}</span>' in html
    assert f"“{marker}”" in html or f"« {marker} »" in html or f"«{marker}»" in html  # the note explains it
    assert any(f"({marker})" in label for label in _charts(html)["chart-sex"]["labels"])
    assert "suppressed" not in html
    # no small count in any table, whatever the language
    numbers = [int(t) for table in _tables(html) for row in table for _tag, t in row if re.fullmatch(r"\d+", t)]
    assert all(n == 0 or n >= T for n in numbers)


def test_exports_write_the_translated_marker(small_cells) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    client = Client()
    client.force_login(small_cells.ma_analyst)
    client.post(reverse("set_language"), {"language": "fr"})
    url = reverse("statistics:export_aggregate", args=["exploitation_by_sex", "csv"])
    text = client.get(url).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "masqué" in cells and not any(c.startswith("<") for c in cells)
    assert "Tous les dossiers" in cells  # the bottom row counts cases, not mentions
    assert not any("plusieurs formes" in c for c in cells)  # notes are not data rows
    url = reverse("statistics:export_aggregate", args=["exploitation_by_sex", "xlsx"])
    book = load_workbook(io.BytesIO(client.get(url).content))
    table, notes = book.worksheets
    assert table.title == "exploitation_by_sex" and notes.title == "Notes"
    assert next(c for row in table.iter_rows(values_only=True) for c in row if isinstance(c, str)) == (
        "Forme d'exploitation"  # the first column is named, for programs reading the sheet
    )
    written = [row[0] for row in notes.iter_rows(values_only=True)]
    assert any("plusieurs formes" in n for n in written) and any("« masqué »" in n or "masqué" in n for n in written)


def test_donor_report_withholds_in_the_same_places(small_cells) -> None:  # type: ignore[no-untyped-def]
    org = small_cells.ma
    query = last_quarter_query(org)
    with translation.override("en"):
        indicators = services.donor_indicators(org, query)
    assert indicators["caseload"] == N
    released = sel.suppressed_breakdowns(query, services.DONOR_DIMENSIONS, T)
    for title, rows in indicators["sections"].items():
        assert not any(isinstance(n, int) and 0 < n < T for _label, n in rows), title
    assert "Sex" in indicators["sections"] and "sex" not in indicators["sections"]  # a title, not a code
    sex = [n for _l, n in indicators["sections"]["Sex"]]
    assert [None if n == "suppressed" else n for n in sex] == list(released["sex"].series.values)


def test_over_time_within_one_month_matches_the_stage_breakdown(small_cells) -> None:  # type: ignore[no-untyped-def]
    """A period inside one month: the month's row is the breakdown by stage, withheld in the same places."""
    today = sel.local_today(small_cells.ma)
    query = sel.CaseloadQuery(small_cells.ma.pk, dt.date(today.year, today.month, 1), today + dt.timedelta(days=1))
    over_time = sel.shown_over_time(query, T)
    by_stage = sel.shown_breakdowns(query, ["trm_stage"], T)["trm_stage"]
    ((_month, values, total),) = over_time["rows"]
    assert values == [n for _c, _l, n in by_stage.rows] and total == by_stage.cases
