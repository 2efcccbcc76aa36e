"""Cancelling a follow-up still to do (scheduled by mistake, no longer needed, replaced): it leaves the
lists of follow-ups to do and overdue, and stays on the plan with its reason and date; audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jisr.audit.models import AuditEvent
from jisr.care import services as svc
from jisr.care.selectors import followups_dashboard
from jisr.common.errors import StateError

TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db


def _overdue(cast, case):  # type: ignore[no-untyped-def]
    return svc.followup_schedule(actor=cast.ma_case_worker, case=case, kind="call",
                                 due_on=TODAY - dt.timedelta(days=3), notes="call her back")


def test_a_cancelled_follow_up_leaves_the_overdue_lists_and_stays_on_the_plan(cast, fatima_case, login_as) -> None:
    fu = _overdue(cast, fatima_case)
    assert fu in followups_dashboard(cast.ma_case_worker).overdue_mine
    client = login_as(cast.ma_case_worker, "ar")
    url = reverse("care:followup_cancel", args=[fatima_case.pk, fu.pk])
    response = client.post(url, {"reason": "mistake"})
    assert response.status_code == 303 and response["Location"].endswith("?tab=followups")
    fu.refresh_from_db()
    assert (fu.cancelled_on, fu.cancel_reason, fu.done_on) == (TODAY, "mistake", None)
    assert fu not in followups_dashboard(cast.ma_case_worker).overdue_mine
    event = AuditEvent.objects.get(action="care.followup_cancel")
    assert event.details == {"follow_up": str(fu.pk), "reason": "mistake"}
    html = client.get(reverse("care:case_care", args=[fatima_case.pk]), {"tab": "followups"}).content.decode()
    assert "data-cancelled" in html and "بُرمجت خطأً" in html  # on the plan, with its reason
    assert url not in html and "border-danger" not in html  # no more forms, no longer overdue


def test_cancelling_twice_or_a_done_follow_up_is_refused_and_changes_nothing(cast, fatima_case, login_as) -> None:
    fu = _overdue(cast, fatima_case)
    svc.followup_cancel(actor=cast.ma_case_worker, follow_up=fu, reason="not_needed")
    with pytest.raises(StateError):
        svc.followup_cancel(actor=cast.ma_case_worker, follow_up=fu, reason="mistake")
    with pytest.raises(StateError):  # a cancelled follow-up cannot be marked done either
        svc.followup_complete(actor=cast.ma_case_worker, follow_up=fu, done_on=TODAY)
    done = _overdue(cast, fatima_case)
    svc.followup_complete(actor=cast.ma_case_worker, follow_up=done, done_on=TODAY)
    response = login_as(cast.ma_case_worker).post(
        reverse("care:followup_cancel", args=[fatima_case.pk, done.pk]), {"reason": "mistake"}
    )
    assert response.status_code == 409
    done.refresh_from_db()
    fu.refresh_from_db()
    assert done.cancelled_on is None and fu.cancel_reason == "not_needed"
    assert AuditEvent.objects.filter(action="care.followup_cancel").count() == 1


def test_an_unknown_reason_is_refused(cast, fatima_case, login_as) -> None:
    fu = _overdue(cast, fatima_case)
    response = login_as(cast.ma_case_worker).post(
        reverse("care:followup_cancel", args=[fatima_case.pk, fu.pk]), {"reason": "because"}
    )
    assert response.status_code == 400
    fu.refresh_from_db()
    assert fu.cancelled_on is None
    with pytest.raises(ValueError):
        svc.followup_cancel(actor=cast.ma_case_worker, follow_up=fu, reason="because")


def test_another_organisation_cannot_cancel(cast, fatima_case, login_as) -> None:
    fu = _overdue(cast, fatima_case)
    response = login_as(cast.es_case_worker).post(
        reverse("care:followup_cancel", args=[fatima_case.pk, fu.pk]), {"reason": "mistake"}
    )
    assert response.status_code == 404
    fu.refresh_from_db()
    assert fu.cancelled_on is None


def test_the_case_timeline_names_the_cancellation(cast, fatima_case, login_as) -> None:
    svc.followup_cancel(actor=cast.ma_case_worker, follow_up=_overdue(cast, fatima_case), reason="replaced")
    html = login_as(cast.ma_case_worker, "fr").get(reverse("web:case_timeline", args=[fatima_case.pk])).content
    assert "Suivi annulé" in html.decode()


def test_no_reason_is_preselected(cast, fatima_case, login_as) -> None:
    fu = _overdue(cast, fatima_case)
    html = login_as(cast.ma_case_worker).get(
        reverse("care:case_care", args=[fatima_case.pk]), {"tab": "followups"}
    ).content.decode()
    box = html.split(reverse("care:followup_cancel", args=[fatima_case.pk, fu.pk]), 1)[1].split("</select>", 1)[0]
    options = box.split("<select", 1)[1]
    assert '<option value="">' in options and "selected" not in options  # the empty choice first, none taken
    response = login_as(cast.ma_case_worker).post(reverse("care:followup_cancel", args=[fatima_case.pk, fu.pk]), {})
    assert response.status_code == 400
    fu.refresh_from_db()
    assert fu.cancelled_on is None
