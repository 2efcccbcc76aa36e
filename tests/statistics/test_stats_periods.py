"""Analysts get figures for whole calendar quarters that are over, never for days they choose: two answers
for periods one day apart would differ by the one case opened that day (her stage, sex, age band,
nationality — or her whole microdata record), however well each answer is suppressed on its own. Every
analyst product (dashboard, API, exported tables, donor report, microdata, DP tables) refuses other
bounds; coordinators keep their free dates. DP tables list every category in a fixed order, whatever
the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from stats_periods import last_quarter_day, last_quarter_query
from test_stats_analyst_suppression import N, small_cells  # noqa: F401 — the tester's caseload, as a fixture

from jisr.audit.models import AuditEvent
from jisr.cases.models import Case
from jisr.statistics import selectors as sel
from jisr.statistics import services
from jisr.statistics.core.periods import Quarter, completed_quarters, overlap
from jisr.statistics.models import MicrodataRelease, PrivacyLedgerEntry

pytestmark = pytest.mark.django_db



def _case(cast, sex: str, stage: str, nationality: str, age: int, opened: dt.date) -> Case:  # type: ignore[no-untyped-def]
    """One more generated person (no name: straight from the model) with an open case."""
    from jisr.crypto.models import DataKey
    from jisr.survivors.models import Person

    key = DataKey.objects.create(purpose="person", wrapped=b"x" * 60, kek_id="test")
    person = Person.objects.create(organisation=cast.ma, code=f"MA-PER-{nationality}", data_key=key, sex=sex,
                                   nationality=nationality, estimated_age=age, age_estimated_on=opened,
                                   has_case=True)
    return Case.objects.create(organisation=cast.ma, person=person, number=1, trm_stage=stage, opened_on=opened)


@pytest.fixture
def caseload(request):  # type: ignore[no-untyped-def]
    """The tester's caseload (`small_cells`: 46 cases with small cells everywhere, one opened every 5 days
    up to the last day of the last quarter that is over) and the days they were opened, newest first."""
    cast = request.getfixturevalue("small_cells")
    last = last_quarter_day(cast.ma)
    return cast, [last - dt.timedelta(days=5 * i) for i in range(N)]


def _client(user, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": language})
    return client


def _dashboard(client: Client, params: dict[str, str]) -> dict[str, object]:
    response = client.get(reverse("statistics:dashboard"), params)
    assert response.status_code == 200
    return {
        "query": response.context["query"],
        "sections": [(dim, rows, cases) for dim, _title, rows, cases, _chart in response.context["sections"]],
        "months": response.context["over_time"]["rows"],
    }


# --- The quarters ---------------------------------------------------------------------------------------


def test_quarters_are_whole_calendar_quarters_that_are_over_and_never_overlap() -> None:
    quarters = completed_quarters(dt.date(2026, 4, 1), 8)
    assert quarters[0] == Quarter(2026, 1) and quarters[-1] == Quarter(2024, 2)  # 1 April: Q1 is over
    assert completed_quarters(dt.date(2026, 3, 31), 1) == [Quarter(2025, 4)]  # its last day: not yet
    assert [(q.start, q.last_day) for q in quarters[:2]] == [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ]
    for a, b in itertools.pairwise(quarters):
        assert b.end == a.start  # one after the other, no gap
    for a, b in itertools.combinations(quarters, 2):
        assert not overlap((a.start, a.end), (b.start, b.end))
    assert Quarter.parse("2025-Q4") == Quarter(2025, 4) and Quarter(2025, 4).code == "2025-Q4"
    for bad in ("2025-Q5", "2025-Q0", "2025-q1", "2025-01-01", "", "Q1 2025"):
        with pytest.raises(ValueError):
            Quarter.parse(bad)


def test_the_analyst_chooses_a_quarter_from_a_list_not_days(caseload) -> None:  # type: ignore[no-untyped-def]
    cast, _opened = caseload
    response = _client(cast.ma_analyst).get(reverse("statistics:dashboard"))
    html = response.content.decode()
    assert '<select name="period"' in html and 'name="start"' not in html and 'name="to"' not in html
    quarters = sel.analyst_periods(cast.ma)
    assert response.context["query"] == sel.CaseloadQuery.of_quarter(cast.ma, quarters[0])  # the last one over
    assert f'value="{quarters[0].code}" selected' in html
    # another quarter from the list
    chosen = quarters[1]
    got = _dashboard(_client(cast.ma_analyst), {"period": chosen.code})
    assert got["query"] == sel.CaseloadQuery.of_quarter(cast.ma, chosen)
    assert [m for m, _v, _t in got["months"]] == [  # the months of the quarter, inside it
        f"{d.month:02d}/{d.year}" for d in (chosen.start, (chosen.start + dt.timedelta(days=40)).replace(day=1),
                                            (chosen.last_day).replace(day=1))
    ]


def test_the_coordinator_keeps_free_dates(caseload) -> None:  # type: ignore[no-untyped-def]
    cast, opened = caseload
    start, last = opened[30], opened[20]
    response = _client(cast.ma_coordinator).get(
        reverse("statistics:dashboard"), {"start": start.isoformat(), "to": last.isoformat()}
    )
    assert response.context["query"] == sel.CaseloadQuery(cast.ma.pk, start, last + dt.timedelta(days=1))
    assert 'name="start"' in response.content.decode()


# --- The tester's attack: two periods one day apart -------------------------------------------------------


def test_one_day_apart_gives_the_analyst_the_same_answer_not_the_case_of_that_day(caseload) -> None:  # type: ignore[no-untyped-def]
    """Before: the two dashboards differed by exactly one case, whose form of exploitation and age band
    could be read from the difference. Now both requests are refused and show the same quarter."""
    cast, opened = caseload
    client = _client(cast.ma_analyst)
    start = opened[0] - dt.timedelta(days=365)
    day = opened[20]
    for key in ("end", "to"):
        before = _dashboard(client, {"start": start.isoformat(), key: day.isoformat()})
        after = _dashboard(client, {"start": start.isoformat(), key: (day + dt.timedelta(days=1)).isoformat()})
        assert before == after
        assert before["query"] == last_quarter_query(cast.ma)
    response = client.get(reverse("statistics:dashboard"), {"start": start.isoformat(), "end": day.isoformat()})
    assert response.context["period_form"].errors
    assert "not offered" in response.content.decode()  # the page says these are not the days asked for


def test_sliding_the_end_a_day_at_a_time_gives_one_answer(caseload) -> None:  # type: ignore[no-untyped-def]
    """The tester's sliding attack, shortened: whatever the days, one answer (the last quarter)."""
    cast, opened = caseload
    client = _client(cast.ma_analyst)
    start = opened[-1] - dt.timedelta(days=1)
    answers = {
        str(_dashboard(client, {"start": start.isoformat(), "end": (opened[k] + dt.timedelta(days=1)).isoformat()}))
        for k in range(0, N, 3)
    }
    assert len(answers) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2025-01-01", "end": "2025-04-01"},  # a quarter's own bounds, as days: still days
        {"start": "2025-01-01"},
        {"to": "2025-03-31"},
        {"period": "2025-Q1", "end": "2025-03-15"},
        {"period": "2099-Q1"},  # not over
        {"period": "1900-Q1"},  # not offered (ten years back at most)
        {"period": "2025-01-01/2025-02-01"},
    ],
)
def test_every_analyst_product_refuses_other_bounds(caseload, params) -> None:  # type: ignore[no-untyped-def]
    cast, _opened = caseload
    client = _client(cast.ma_analyst)
    ledger, micro = PrivacyLedgerEntry.objects.count(), MicrodataRelease.objects.count()
    events = AuditEvent.objects.filter(action__startswith="statistics.").count()
    qs = "&".join(f"{k}={v}" for k, v in params.items())
    for table in services.TABLES:
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse("statistics:export_aggregate", args=[table, fmt]) + "?" + qs)
            assert response.status_code == 400, (table, fmt)
    assert client.get(reverse("statistics:donor_report") + "?" + qs).status_code == 400
    response = client.post(reverse("statistics:export_microdata") + "?" + qs, {"k": "11"})
    assert response.status_code == 400 and "whole calendar quarters" in response.content.decode()
    response = client.post(reverse("statistics:dp_release") + "?" + qs, {"dimension": "sex", "epsilon": "0.5"})
    assert response.status_code == 400 and "whole calendar quarters" in response.content.decode()
    assert client.get(reverse("statistics-api:caseload"), params).status_code == 400
    assert client.get(reverse("statistics:drilldown") + "?" + qs).status_code == 404  # analysts have none
    # nothing computed, nothing written
    assert PrivacyLedgerEntry.objects.count() == ledger and MicrodataRelease.objects.count() == micro
    assert AuditEvent.objects.filter(action__startswith="statistics.").count() == events


def test_the_services_refuse_an_analyst_s_other_bounds_too(caseload) -> None:  # type: ignore[no-untyped-def]
    cast, opened = caseload
    org = cast.ma
    days = sel.CaseloadQuery(org.pk, opened[-1], opened[20])
    for call in (
        lambda q: services.export_aggregate(actor=cast.ma_analyst, organisation=org, table="sex_by_stage",
                                            fmt="csv", query=q),
        lambda q: services.donor_report(actor=cast.ma_analyst, organisation=org, query=q, language="en"),
        lambda q: services.export_microdata(actor=cast.ma_analyst, organisation=org, query=q, k=11),
        lambda q: services.dp_release(actor=cast.ma_analyst, organisation=org, dimension="sex", query=q,
                                      epsilon=Decimal("0.1")),
    ):
        with pytest.raises(sel.PeriodNotOfferedError):
            call(days)
    assert not PrivacyLedgerEntry.objects.exists() and not MicrodataRelease.objects.exists()
    # the coordinator's own days are hers (she sees the exact counts anyway)
    services.export_aggregate(actor=cast.ma_coordinator, organisation=org, table="sex_by_stage", fmt="csv",
                              query=days)
    assert AuditEvent.objects.filter(action="statistics.export").count() == 1


def test_an_analyst_never_obtains_two_overlapping_periods(caseload) -> None:  # type: ignore[no-untyped-def]
    """Every period an analyst's request is answered for, whatever she asks, is one of the quarters."""
    cast, opened = caseload
    client = _client(cast.ma_analyst)
    quarters = sel.analyst_periods(cast.ma)
    asked = [{}, {"period": quarters[0].code}, {"period": quarters[3].code}, {"period": quarters[-1].code},
             {"start": opened[40].isoformat(), "to": opened[2].isoformat()}, {"period": Quarter.of(opened[0]).code}]
    answered = set()
    for params in asked:
        query = client.get(reverse("statistics:dashboard"), params).context["query"]
        answered.add((query.start, query.end))
        response = client.get(reverse("statistics-api:caseload"), params)
        if response.status_code == 200:
            body = response.json()
            answered.add((dt.date.fromisoformat(body["start"]), dt.date.fromisoformat(body["end"])))
    offered = {(q.start, q.end) for q in quarters}
    assert answered <= offered and len(answered) >= 3
    for a, b in itertools.combinations(answered, 2):
        assert not overlap(a, b)


# --- The API: fixed quarters, not a rolling 12 months ------------------------------------------------------


def test_the_api_does_not_move_with_the_day(caseload, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The rolling 12 months moved every day (each day's answer differed from the day before's by that
    day's cases); a quarter that is over is the same on every day until the next one is over."""
    cast, _opened = caseload
    client = _client(cast.ma_analyst)
    quarter = sel.analyst_periods(cast.ma)[0].next()  # the quarter in progress now
    answers = []
    for day in (quarter.start, quarter.start + dt.timedelta(days=1), quarter.last_day):
        monkeypatch.setattr(sel, "local_today", lambda organisation, day=day: day)
        body = client.get(reverse("statistics-api:caseload")).json()
        assert body["period"] == quarter.previous().code and body["periods"][0] == body["period"]
        answers.append(body)
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["start"] == quarter.previous().start.isoformat()
    assert answers[0]["end"] == quarter.start.isoformat()  # the day after the last day, as before


# --- Microdata ---------------------------------------------------------------------------------------------


def test_microdata_one_day_apart_is_refused_and_a_quarter_is_recorded(caseload) -> None:  # type: ignore[no-untyped-def]
    """The tester's microdata attack: two exports one day apart differed by one whole record."""
    cast, opened = caseload
    client = _client(cast.ma_analyst)
    start = opened[-1] - dt.timedelta(days=1)
    for end in (opened[20], opened[20] + dt.timedelta(days=1)):
        url = reverse("statistics:export_microdata") + f"?start={start.isoformat()}&end={end.isoformat()}"
        assert client.post(url, {"k": "11"}).status_code == 400
    assert not MicrodataRelease.objects.exists()
    # the quarter itself: released, recorded, audited with its bounds
    quarter = sel.analyst_periods(cast.ma)[0]
    response = client.post(reverse("statistics:export_microdata") + f"?period={quarter.code}", {"k": "11"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == list(services.MICRODATA_QIS)
    entry = MicrodataRelease.objects.get()
    assert (entry.start, entry.end, entry.k, entry.released_by) == (quarter.start, quarter.end, 11, cast.ma_analyst)
    event = AuditEvent.objects.get(action="statistics.microdata_export")
    assert event.details["start"] == quarter.start.isoformat() and event.details["end"] == quarter.end.isoformat()
    # the same quarter again: one file per period (test_stats_microdata)
    again = client.post(reverse("statistics:export_microdata") + f"?period={quarter.code}", {"k": "12"})
    assert again.status_code == 409 and MicrodataRelease.objects.count() == 1


def test_microdata_for_a_period_overlapping_another_released_one_is_refused(caseload) -> None:  # type: ignore[no-untyped-def]
    """Should the periods offered ever change (say to years after quarters were released), a file for a
    period overlapping a different one already released is refused: nothing written, nothing audited."""
    cast, _opened = caseload
    quarter = sel.analyst_periods(cast.ma)[0]
    MicrodataRelease.objects.create(organisation=cast.ma, released_by=cast.ma_analyst, start=quarter.start,
                                    end=quarter.start + dt.timedelta(days=40), k=5, rows=20, file_sha256="0" * 64)
    response = _client(cast.ma_analyst, "fr").post(
        reverse("statistics:export_microdata") + f"?period={quarter.code}", {"k": "11"}
    )
    assert response.status_code == 409 and "chevauche" in response.content.decode()
    with pytest.raises(services.OverlappingReleaseError):
        services.export_microdata(actor=cast.ma_analyst, organisation=cast.ma, query=last_quarter_query(cast.ma), k=11)
    assert MicrodataRelease.objects.count() == 1
    assert not AuditEvent.objects.filter(action="statistics.microdata_export").exists()
    # a quarter that does not overlap it is released
    other = sel.analyst_periods(cast.ma)[1]
    services.export_microdata(
        actor=cast.ma_analyst, organisation=cast.ma, query=sel.CaseloadQuery.of_quarter(cast.ma, other), k=11
    )
    assert MicrodataRelease.objects.count() == 2


# --- The months inside the quarter -------------------------------------------------------------------------


def test_a_month_with_the_quarter_s_cases_is_withheld_like_the_quarter(caseload) -> None:  # type: ignore[no-untyped-def]
    """The months of the quarter are fixed calendar months, each suppressed as a breakdown of its own
    caseload; no case is closed here, so the last month counts the quarter's cases and must withhold
    exactly what the stage table withholds (otherwise one fills the other's gaps)."""
    cast, _opened = caseload
    client = _client(cast.ma_analyst)
    for quarter in sel.analyst_periods(cast.ma)[:3]:
        got = _dashboard(client, {"period": quarter.code})
        stage = next(rows for dim, rows, _cases in got["sections"] if dim == "trm_stage")
        cases = next(cases for dim, _rows, cases in got["sections"] if dim == "trm_stage")
        _month, values, total = got["months"][-1]
        assert values == [n for _c, _l, n in stage] and total == cases, quarter


# --- DP tables: every category, in a fixed order -----------------------------------------------------------


def _dp_rows(client: Client, dimension: str) -> list[str]:
    response = client.post(reverse("statistics:dp_release"), {"dimension": dimension, "epsilon": "0.01"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2] == "ε" and all(len(row) == len(rows[0]) for row in rows)
    return [row[0] for row in rows[1:]]


@pytest.mark.parametrize("dimension", ["nationality", "sex", "trm_stage", "age_band"])
def test_dp_rows_are_the_same_with_or_without_one_case(caseload, dimension) -> None:  # type: ignore[no-untyped-def]
    """Before: the rows followed the true counts and listed only the categories present, so at ε = 0.01
    the order, and the presence of the one Eritrean woman, were exact. Now two datasets that differ by
    her give the same rows in the same order."""
    cast, opened = caseload
    client = _client(cast.ma_analyst)
    without = _dp_rows(client, dimension)
    _case(cast, "Feminine", "return_inclusion", "ER", 70, opened[3])
    with_her = _dp_rows(client, dimension)
    assert with_her == without
    assert without == [label for _code, label in sel.fixed_categories(dimension)]
    assert PrivacyLedgerEntry.objects.count() == 2
    assert AuditEvent.objects.filter(action="statistics.dp_release").count() == 2


def test_dp_nationality_lists_every_country_by_code(caseload) -> None:  # type: ignore[no-untyped-def]
    cast, _opened = caseload
    categories = sel.fixed_categories("nationality")
    codes = [code for code, _label in categories]
    assert codes[-1] == "Unknown" and codes[:-1] == sorted(codes[:-1]) and len(codes) > 240
    assert {"MA", "NG", "ES", "ER", "CM"} <= set(codes)
    rows = _dp_rows(_client(cast.ma_analyst), "nationality")
    assert rows.index("Eritrea") < rows.index("Morocco") < rows.index("Nigeria")  # ER < MA < NG, not by count


def test_the_exports_page_carries_the_chosen_quarter(caseload) -> None:  # type: ignore[no-untyped-def]
    cast, _opened = caseload
    client = _client(cast.ma_analyst)
    quarter = sel.analyst_periods(cast.ma)[2]
    html = client.get(reverse("statistics:exports"), {"period": quarter.code}).content.decode()
    assert '<select name="period"' in html
    csv_url = reverse("statistics:export_aggregate", args=["sex_by_stage", "csv"]) + f"?period={quarter.code}"
    assert f'href="{csv_url}"' in html
    assert f'action="{reverse("statistics:dp_release")}?period={quarter.code}"' in html
    assert client.get(csv_url).status_code == 200
    event = AuditEvent.objects.get(action="statistics.export")
    assert (event.details["start"], event.details["end"]) == (quarter.start.isoformat(), quarter.end.isoformat())
    # unchosen: the links give no period and the files are of the default, the last quarter that is over
    html = client.get(reverse("statistics:exports")).content.decode()
    assert f'href="{reverse("statistics:export_aggregate", args=["sex_by_stage", "csv"])}"' in html
