"""What people read on the statistics screens and in the files: the period typed and shown day first
(Eastern Arabic digits accepted), the last day included while numbers and drill-downs keep the same
half-open bounds; drill-down titles with the dimension's and the country's names; refusals (k-anonymity,
privacy budget, pending release) in the reader's language; exported cross-tables that do not tell the
sex of a small nationality or the age of the few men by their zeros, with notes where a spreadsheet user
looks for them and none where a program reads data; charts with nothing to draw replaced by a sentence."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from stats_periods import last_quarter_day

from jisr.cases.models import Case
from jisr.statistics import selectors as sel
from jisr.statistics import services
from jisr.statistics.core import disclosure
from jisr.statistics.models import PrivacyBudget

pytestmark = pytest.mark.django_db

T = disclosure.DEFAULT_THRESHOLD
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _cases(cast, rows: list[tuple[str, str, int, str]], days_apart: int = 2):  # type: ignore[no-untyped-def]
    """Generated cases (no names: persons straight from the model) of (sex, nationality, age, stage),
    opened `days_apart` days apart up to the last day of the last quarter that is over (the analyst's
    default period)."""
    from jisr.crypto.models import DataKey
    from jisr.survivors.models import Person

    today = last_quarter_day(cast.ma)
    keys = DataKey.objects.bulk_create(
        [DataKey(purpose="person", wrapped=b"x" * 60, kek_id="test") for _ in rows]
    )
    persons = Person.objects.bulk_create(
        [
            Person(organisation=cast.ma, code=f"MA-SCR-{i:04d}", data_key=keys[i], sex=sex, nationality=nat,
                   estimated_age=age, age_estimated_on=today)
            for i, (sex, nat, age, _stage) in enumerate(rows)
        ]
    )
    Case.objects.bulk_create(
        [
            Case(organisation=cast.ma, person=p, number=1, trm_stage=stage,
                 opened_on=today - dt.timedelta(days=days_apart * i), exploitation_types=["ForcedLabour"])
            for i, (p, (_sex, _nat, _age, stage)) in enumerate(zip(persons, rows, strict=True))
        ]
    )
    return today


@pytest.fixture
def cameroon(cast):  # type: ignore[no-untyped-def]
    """46 cases: 30 Moroccan women, 13 Nigerian women, 3 Cameroonian men — the only men, all aged 30."""
    rows = ([("Feminine", "MA", [16, 22, 40][i % 3], "identification") for i in range(30)]
            + [("Feminine", "NG", [22, 40][i % 2], "first_assistance") for i in range(13)]
            + [("Masculine", "CM", 30, "identification") for _ in range(3)])
    _cases(cast, rows)
    return cast


def _client(user, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": language})
    return client


def _csv(client: Client, table: str) -> list[list[str]]:
    response = client.get(reverse("statistics:export_aggregate", args=[table, "csv"]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _zeros_beside_withheld_totals(rows: list[list[str]], marker: str) -> list[str]:
    """Published zeros in a row or a column of an exported table (header, body, totals last) whose total
    is withheld while one of its cells is — except the zeros of a column or row whose own total is
    published as 0: everyone reads those (structural zeros)."""
    body = [row[1:] for row in rows[1:]]
    found = []
    for i, row in enumerate(body):
        if row[-1] == marker and marker in row[:-1]:
            found += [f"row {rows[i + 1][0]}" for j, v in enumerate(row[:-1]) if v == "0" and body[-1][j] != "0"]
    for j in range(len(body[0])):
        column = [row[j] for row in body]
        if column[-1] == marker and marker in column[:-1]:
            found += [f"column {rows[0][j + 1]}" for i, v in enumerate(column[:-1]) if v == "0" and body[i][-1] != "0"]
    return found


# --- Exported cross-tables ---------------------------------------------------------------------------


def test_exported_cross_tables_do_not_tell_a_small_group_s_attributes_by_zeros(cameroon) -> None:  # type: ignore[no-untyped-def]
    client = _client(cameroon.ma_analyst)
    tables = {t: _csv(client, t) for t in services.TABLES}
    for table, rows in tables.items():
        assert rows[0][0] and rows[-1][0] in ("Total", "All cases"), table  # the table alone: no notes row
        assert all(len(row) == len(rows[0]) for row in rows), table
        assert _zeros_beside_withheld_totals(rows, "suppressed") == [], table
        for row in rows[1:]:
            assert all(v == "suppressed" or v == "0" or int(v) >= T for v in row[1:]), (table, row)
    by_nationality = {row[0]: row[1:] for row in tables["nationality_by_sex"][1:]}
    sexes_totals = tables["nationality_by_sex"][-1][1:]
    # not "male: suppressed, female: 0" — a 0 only in the columns of sexes no case has (their total is 0)
    cameroon = [v for v, total in zip(by_nationality["Cameroon"], sexes_totals, strict=True) if total != "0"]
    assert set(cameroon) == {"suppressed"}
    assert {v for v, t in zip(by_nationality["Cameroon"], sexes_totals, strict=True) if t == "0"} == {"0"}
    header = tables["age_by_sex"][0]
    men = [row[header.index("Male")] for row in tables["age_by_sex"][1:] if row[-1] != "0"]
    assert set(men) == {"suppressed"}  # not "25-34: suppressed, every other band: 0" (bands no case is in: 0)


def test_coordinator_keeps_the_exact_counts_on_the_dashboard(cameroon) -> None:  # type: ignore[no-untyped-def]
    response = _client(cameroon.ma_coordinator).get(reverse("statistics:dashboard"))
    rows = {dim: [n for _c, _l, n in r] for dim, _t, r, _n, _s in response.context["sections"]}
    assert rows["sex"] == [43, 3, 0, 0, 0, 0, 0] and rows["nationality"] == [30, 13, 3]
    assert "suppressed" not in response.content.decode()


def test_xlsx_keeps_notes_on_their_own_sheet(cameroon) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    client = _client(cameroon.ma_analyst, "ar")
    response = client.get(reverse("statistics:export_aggregate", args=["nationality_by_sex", "xlsx"]))
    table, notes = load_workbook(io.BytesIO(response.content)).worksheets
    assert table.sheet_view.rightToLeft and "ملاحظات" in notes.title
    data = [row for row in table.iter_rows(values_only=True)]
    assert data[0][0] == "الجنسية" and all(len(row) == len(data[0]) for row in data)
    assert "الكاميرون" in [row[0] for row in data]
    written = " ".join(str(row[0]) for row in notes.iter_rows(values_only=True))
    assert "محجوب" in written and re.search(r"\d\d/\d\d/\d{4}", written)  # the marker, the period day first


# --- Period -----------------------------------------------------------------------------------------


def test_period_typed_day_first_in_eastern_digits_counts_the_last_day(cameroon) -> None:  # type: ignore[no-untyped-def]
    today = sel.local_today(cameroon.ma)
    start, last = today - dt.timedelta(days=20), today - dt.timedelta(days=10)
    client = _client(cameroon.ma_coordinator, "ar")
    response = client.get(reverse("statistics:dashboard"), {"start": f"{start:%d/%m/%Y}".translate(EASTERN),
                                                             "to": f"{last:%d/%m/%Y}".translate(EASTERN)})
    assert response.status_code == 200
    query = response.context["query"]
    assert (query.start, query.end) == (start, last + dt.timedelta(days=1))  # half-open inside
    html = response.content.decode()
    period = re.search(r'<p class="text-muted small" id="period">(.*?)</p>', html, re.S).group(1)
    assert f"{start:%d/%m/%Y}" in period and f"{last:%d/%m/%Y}" in period
    assert not re.search(r"\d{4}-\d\d-\d\d", period)
    # the fields, filled in again, as typed; unbound they show the default day first
    fields = _client(cameroon.ma_coordinator).get(reverse("statistics:dashboard")).content.decode()
    default = sel.CaseloadQuery.last_months(cameroon.ma)
    assert f'value="{default.start:%d/%m/%Y}"' in fields and f'value="{today:%d/%m/%Y}"' in fields
    assert not re.search(r'value="\d{4}-\d\d-\d\d"', fields)


def test_drill_down_links_use_exactly_the_bounds_of_the_numbers(cameroon) -> None:  # type: ignore[no-untyped-def]
    today = sel.local_today(cameroon.ma)
    start, last = today - dt.timedelta(days=40), today - dt.timedelta(days=4)  # 2 days apart: edges count
    client = _client(cameroon.ma_coordinator, "fr")
    response = client.get(reverse("statistics:dashboard"), {"start": f"{start:%d/%m/%Y}", "to": f"{last:%d/%m/%Y}"})
    query = response.context["query"]
    links = re.findall(r'<a href="(/statistics/drilldown/\?[^"]+)">(\d+)</a>', response.content.decode())
    assert links
    for href, shown in links:
        href = href.replace("&amp;", "&")
        drilled = client.get(href)
        assert drilled.status_code == 200
        assert drilled.context["query"] == query, href
        assert drilled.context["count"] == int(shown), href
    params = parse_qs(urlsplit(links[0][0].replace("&amp;", "&")).query)
    assert params["to"] == [last.isoformat()] and params["start"] == [start.isoformat()]


def test_a_last_day_before_the_first_is_explained(cameroon) -> None:  # type: ignore[no-untyped-def]
    response = _client(cameroon.ma_coordinator).get(
        reverse("statistics:dashboard"), {"start": "10/05/2025", "to": "01/05/2025"}
    )
    assert response.status_code == 200 and response.context["period_form"].errors["to"]
    assert response.context["query"] == sel.CaseloadQuery.last_months(cameroon.ma)  # the default, said so
    assert "last 12 months" in response.content.decode()


def test_older_links_with_the_day_after_still_work(cameroon) -> None:  # type: ignore[no-untyped-def]
    query = sel.CaseloadQuery.last_months(cameroon.ma)
    response = _client(cameroon.ma_coordinator).get(
        reverse("statistics:drilldown"),
        {"dimension": "sex", "value": "Masculine", "start": query.start.isoformat(), "end": query.end.isoformat()},
    )
    assert response.context["query"] == query and response.context["count"] == 3


# --- Names, refusals, dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "title"), [("fr", "Nationalité: Cameroun"), ("ar", "الجنسية: الكاميرون")])
def test_drill_down_title_names_the_dimension_and_the_country(cameroon, language, title) -> None:  # type: ignore[no-untyped-def]
    response = _client(cameroon.ma_coordinator, language).get(
        reverse("statistics:drilldown"), {"dimension": "nationality", "value": "CM"}
    )
    html = response.content.decode()
    assert f'<h1 class="h3">{title}</h1>' in html and ">CM: 3<" not in html
    assert not re.search(r"<td>\d{4}-\d\d-\d\d</td>", html)  # opened on: day first
    assert re.search(r"<td>\d\d/\d\d/\d{4}</td>", html)


def test_microdata_refusal_is_in_the_reader_s_language(cast, fatima_case) -> None:  # type: ignore[no-untyped-def]
    response = _client(cast.ma_analyst, "ar").post(reverse("statistics:export_microdata"), {"k": "11"})
    assert response.status_code == 409
    html = response.content.decode()
    message = re.search(r'<div class="alert alert-warning" role="alert">(.*?)</div>', html).group(1)
    assert "records" not in message and "fewer than" not in message
    assert "11" in message and re.search(r"[\u0600-\u06ff]", message)


def test_over_budget_refusal_is_in_the_reader_s_language(cameroon) -> None:  # type: ignore[no-untyped-def]
    PrivacyBudget.objects.create(organisation=cameroon.ma, total_epsilon=Decimal(4))
    client = _client(cameroon.ma_analyst, "fr")
    assert client.post(reverse("statistics:dp_release"), {"dimension": "sex", "epsilon": "1"}).status_code == 200
    response = client.post(reverse("statistics:dp_release"), {"dimension": "sex", "epsilon": "5"})
    assert response.status_code == 409
    message = re.search(r'role="alert">(.*?)</div>', response.content.decode(), re.S).group(1)
    assert "requested" not in message and "left of" not in message and "3.0000" not in message
    assert "ε = 5" in message and " 3 " in message and "ε = 4" in message
    page = client.get(reverse("statistics:exports")).content.decode()
    assert "1.0000" not in page and re.search(r"<td>\d\d/\d\d/\d{4} \d\d:\d\d</td>", page)  # ledger, day first
    rows = list(csv.reader(io.StringIO(client.post(
        reverse("statistics:dp_release"), {"dimension": "sex", "epsilon": "0.5"}).content.decode("utf-8-sig"))))
    assert all(len(row) == len(rows[0]) for row in rows) and rows[0][2] == "ε"  # no footnote row


def test_pending_release_refusal_is_translated(cameroon) -> None:  # type: ignore[no-untyped-def]
    release = services.release_request(actor=cameroon.ma_analyst, table="sex_by_stage", year=2025,
                                       contributors=[cameroon.ma, cameroon.es])
    response = _client(cameroon.ma_analyst, "es").get(reverse("statistics:release_download", args=[release.pk]))
    assert response.status_code == 409
    html = response.content.decode()
    assert "every contributing organisation must approve first" not in html and "organización" in html


def test_exports_page_names_the_trm_one_way_in_arabic(cameroon) -> None:  # type: ignore[no-untyped-def]
    html = _client(cameroon.ma_analyst, "ar").get(reverse("statistics:exports")).content.decode()
    assert "آلية الإحالة عبر الوطنية" in html and "العابرة للحدود" not in html


# --- Charts ------------------------------------------------------------------------------------------


def _charts(html: str) -> dict[str, dict]:  # type: ignore[type-arg]
    import json

    return {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(r'<script id="(chart-[^"]+)" type="application/json">(.*?)</script>', html, re.S)
    }


def test_charts_with_only_withheld_counts_say_so_instead_of_bare_axes(cast) -> None:  # type: ignore[no-untyped-def]
    """Five cases: every count below the threshold, so the analyst's charts have nothing to draw."""
    _cases(cast, [("Feminine", "MA", 22, "identification")] * 5)
    html = _client(cast.ma_analyst).get(reverse("statistics:dashboard")).content.decode()
    charts = _charts(html)
    for chart_id in ("chart-sex", "chart-trm_stage", "chart-nationality", "chart-over_time"):
        assert charts[chart_id]["empty"] == "withheld", chart_id
        assert f'data-chart="{chart_id}"' not in html, chart_id  # no canvas, no bare axes
        assert f'id="{chart_id}-empty"' in html
    assert "All counts in this chart are below 11" in html
    assert charts["chart-services"]["empty"] == "none"  # nothing delivered: said as such
    # the coordinator sees the counts and the charts
    html = _client(cast.ma_coordinator).get(reverse("statistics:dashboard")).content.decode()
    assert 'data-chart="chart-sex"' in html and _charts(html)["chart-sex"]["empty"] == ""


def test_category_charts_are_horizontal_bars(cameroon) -> None:  # type: ignore[no-untyped-def]
    charts = _charts(_client(cameroon.ma_analyst).get(reverse("statistics:dashboard")).content.decode())
    for chart_id in ("chart-exploitation", "chart-sex", "chart-nationality", "chart-services", "chart-outcomes"):
        assert charts[chart_id]["horizontal"] is True, chart_id
    assert "horizontal" not in charts["chart-over_time"]  # months stay on the x axis
    assert all(re.fullmatch(r"\d\d/\d{4}", m) for m in charts["chart-over_time"]["labels"])
