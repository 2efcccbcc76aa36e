"""The drill-down (/statistics/drilldown/: the cases behind a number, for coordinators) is a read of those
cases and is on record as the other lists of cases are: one `case.list_view` event in the organisation's
chain naming the cases listed (ids only, and the dimension — never the category, which beside the ids
would say it of each case). Before, it wrote no audit event."""

from __future__ import annotations

import pytest
from django.urls import reverse
from stats_periods import last_quarter_day
from test_stats_releases import _cases, _client

from jisr.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseload(cast):  # type: ignore[no-untyped-def]
    day = last_quarter_day(cast.ma)
    _cases(cast.ma, day.year, [("Feminine", "identification")] * 4 + [("Masculine", "first_assistance")] * 2,
           "MA-DRILL", on=day)
    cast.period = {"start": day.isoformat(), "to": day.isoformat()}
    return cast


def _drill(user, dimension: str, value: str, period: dict[str, str]):  # type: ignore[no-untyped-def]
    return _client(user).get(reverse("statistics:drilldown"), {"dimension": dimension, "value": value, **period})


def test_a_drill_down_is_audited_with_the_cases_it_lists(caseload) -> None:  # type: ignore[no-untyped-def]
    response = _drill(caseload.ma_coordinator, "nationality", "MA", caseload.period)
    assert response.status_code == 200 and response.context["count"] == 6
    event = AuditEvent.objects.get(action="case.list_view")
    assert event.actor == caseload.ma_coordinator and event.chain == str(caseload.ma.pk)
    assert event.details["source"] == "statistics.drilldown" and event.details["dimension"] == "nationality"
    assert sorted(event.details["cases"]) == sorted(str(c.pk) for c in response.context["cases"])
    assert set(event.details) == {"source", "dimension", "cases"}  # nothing of the category, nor of anyone
    assert "MA" not in str(event.details).replace(str(caseload.ma.pk), "")


def test_an_empty_list_and_a_refusal_write_nothing(caseload) -> None:  # type: ignore[no-untyped-def]
    assert _drill(caseload.ma_coordinator, "sex", "NonConforming", caseload.period).context["count"] == 0
    assert _drill(caseload.ma_analyst, "sex", "Feminine", caseload.period).status_code == 404
    assert not AuditEvent.objects.filter(action="case.list_view").exists()
