"""A new screening starts from her registered date of birth: prefilled as day/month/year for the case
worker (who reads her identity in clear), audited as a read of her identity, still editable; not for a
supervisor (she sees it masked), and nothing is read when none is stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jisr.audit.models import AuditEvent
from jisr.identification.models import Screening
from jisr.identification.services import screening_observation

pytestmark = pytest.mark.django_db

BORN = dt.date(2007, 3, 5)


def _client(user: Any, language: str = "fr") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def amina_case(cast: Any) -> Any:
    """A generated person registered with a date of birth, with an open case."""
    from jisr.cases.services import case_open
    from jisr.survivors.identity import Identity
    from jisr.survivors.services import person_register

    person = person_register(
        actor=cast.ma_case_worker, organisation=cast.ma,
        identity=Identity(given_name="أمينة", family_name="الإدريسي", given_name_latin="Amina",
                          family_name_latin="Idrissi", date_of_birth=BORN),
        sex="Feminine", nationality="MA")
    return case_open(actor=cast.ma_case_worker, person=person)


def _reads(person: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="person.view", target_id=str(person.pk)))


def test_case_worker_gets_her_date_of_birth_prefilled_and_audited(cast: Any, amina_case: Any) -> None:
    url = reverse("identification:screening_new", args=[amina_case.pk])
    response = _client(cast.ma_case_worker).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    field = html.split('name="date_of_birth"', 1)[1].split(">", 1)[0]
    assert 'value="05/03/2007"' in field and "disabled" not in field and "readonly" not in field
    assert BORN.isoformat() not in html
    assert "Reprise de son enregistrement" in html
    reads = _reads(amina_case.person)
    assert len(reads) == 1 and reads[0].actor_id == cast.ma_case_worker.pk
    assert reads[0].details == {"fields": ["date_of_birth"], "screen": "screening_form"}
    assert AuditEvent.objects.filter(action="case.view", target_id=str(amina_case.pk)).count() == 1


def test_the_prefilled_date_can_be_changed(cast: Any, amina_case: Any) -> None:
    url = reverse("identification:screening_new", args=[amina_case.pk])
    client = _client(cast.ma_case_worker)
    client.get(url)
    response = client.post(url, {"date_of_birth": "06/03/2007", "act_date": "01/01/2024",
                                 "rulesets": ["palermo-2000"]})
    assert response.status_code == 303
    observation = screening_observation(Screening.objects.get())
    assert observation["date_of_birth"] == "2007-03-06"


def test_prefilled_date_in_arabic_keeps_day_month_year(cast: Any, amina_case: Any) -> None:
    html = _client(cast.ma_case_worker, "ar").get(
        reverse("identification:screening_new", args=[amina_case.pk])).content.decode()
    assert 'value="05/03/2007"' in html.split('name="date_of_birth"', 1)[1].split(">", 1)[0]


def test_supervisor_sees_no_prefilled_date_and_nothing_is_decrypted(cast: Any, amina_case: Any) -> None:
    response = _client(cast.ma_supervisor).get(reverse("identification:screening_new", args=[amina_case.pk]))
    assert response.status_code == 200
    field = response.content.decode().split('name="date_of_birth"', 1)[1].split(">", 1)[0]
    assert "value=" not in field
    assert _reads(amina_case.person) == []


def test_no_stored_date_no_prefill_no_read(cast: Any, fatima_case: Any) -> None:
    response = _client(cast.ma_case_worker).get(reverse("identification:screening_new", args=[fatima_case.pk]))
    field = response.content.decode().split('name="date_of_birth"', 1)[1].split(">", 1)[0]
    assert "value=" not in field
    assert _reads(fatima_case.person) == []
