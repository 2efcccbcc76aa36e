"""Care-plan free text keeps its lines but not hidden characters (issue 8's bad-input catalogue), and a
goal or service status change must say which status the page showed: without it, a change made since by
someone else would be silently overwritten (issue 8: optimistic locking on care plan edits)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jisr.care import services as svc
from jisr.care.models import Goal
from jisr.crypto.services import unseal

pytestmark = pytest.mark.django_db

TYPED = "Find a \u202elanoitacov\u202c course\u200b\u0007\r\nnear her shelter"
KEPT = "Find a lanoitacov course\nnear her shelter"


def _goal(cast, case) -> Goal:  # type: ignore[no-untyped-def]
    return svc.goal_add(actor=cast.ma_case_worker, case=case, domain="education_training", description=TYPED)


def test_care_text_is_sealed_without_hidden_characters(cast, fatima_case) -> None:
    goal = _goal(cast, fatima_case)
    assert unseal(goal, "description", fatima_case.person.data_key) == KEPT
    fu = svc.followup_schedule(actor=cast.ma_case_worker, case=fatima_case, kind="call",
                               due_on=fatima_case.opened_on, notes=TYPED)
    assert unseal(fu, "notes", fatima_case.person.data_key) == KEPT


def test_a_status_change_without_the_status_shown_is_refused_and_changes_nothing(cast, fatima_case, login_as) -> None:
    goal = _goal(cast, fatima_case)
    client = login_as(cast.ma_case_worker)
    url = reverse("care:goal_status", args=[fatima_case.pk, goal.pk])
    before = goal.status
    response = client.post(url, {"status": "achieved"})  # no "current": a forged or stale form
    assert response.status_code == 400
    goal.refresh_from_db()
    assert goal.status == before
    # Someone changed it since the page was drawn: a conflict, nothing changed.
    svc.goal_set_status(actor=cast.ma_case_worker, goal=goal, status="in_progress")
    response = client.post(url, {"status": "achieved", "current": before})
    assert response.status_code == 409
    goal.refresh_from_db()
    assert goal.status == "in_progress"
    response = client.post(url, {"status": "achieved", "current": "in_progress"})
    assert response.status_code in (302, 303)
    goal.refresh_from_db()
    assert goal.status == "achieved"
