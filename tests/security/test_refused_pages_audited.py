"""A refused write answers with the page again (the case, her care tab, her person page): that page shows her
data, so it is a read and is audited as the page's GET would be — one event, by the user, on the record."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jisr.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    return client


def _reads(user, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(actor=user, action=action))


def test_a_refused_follow_up_shows_the_tab_and_logs_the_read(cast, fatima_case) -> None:
    user = cast.ma_case_worker
    url = reverse("care:followup_add", args=[fatima_case.pk]) + "?page=2"
    response = _client(user).post(url, {"kind": "nonsense", "due_on": "not a date"})
    assert response.status_code == 400
    [read] = _reads(user, "case.view")
    assert read.target_id == str(fatima_case.pk)


def test_a_refused_case_change_shows_the_case_and_logs_the_read(cast, fatima_case) -> None:
    user = cast.ma_case_worker
    response = _client(user).post(reverse("web:case_stage", args=[fatima_case.pk]), {"trm_stage": "nonsense"})
    assert response.status_code == 400
    [read] = _reads(user, "case.view")
    assert read.target_id == str(fatima_case.pk)


def test_a_refused_case_opening_shows_her_page_and_logs_the_read(cast, fatima_case) -> None:
    user = cast.ma_case_worker
    response = _client(user).post(reverse("web:case_open", args=[fatima_case.person_id]))
    assert response.status_code == 409  # she already has an open case
    [read] = _reads(user, "person.view")
    assert read.target_id == str(fatima_case.person_id)


def test_a_refused_reveal_shows_her_page_and_logs_the_read(cast, fatima_case) -> None:
    user = cast.ma_supervisor
    response = _client(user).post(reverse("web:person_reveal", args=[fatima_case.person_id]), {"field": "phone"})
    assert response.status_code == 400  # no reason given
    [read] = _reads(user, "person.view")
    assert read.target_id == str(fatima_case.person_id)
    assert not _reads(user, "person.reveal")
