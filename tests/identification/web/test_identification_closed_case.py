"""A closed case offers no screening form: no "New screening" button on the case page, the form's URL
shows a notice instead of a form (in Arabic, French and Spanish), and a POST sent anyway is refused and
stores nothing (the service refuses it too)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from jisr.cases.services import case_close
from jisr.common.errors import StateError
from jisr.identification.models import Screening
from jisr.identification.services import screening_record

POST = {"age_at_act": "25", "acts": ["recruitment"], "means": ["deception"], "purposes": ["forced_labour"],
        "rulesets": ["palermo-2000"]}
NOTICE = {
    "ar": "هذه الحالة مغلقة: لا يمكن تسجيل أي فحص فيها.",
    "fr": "Ce dossier est clos : aucun repérage ne peut y être enregistré.",
    "es": "Este caso está cerrado: no se puede registrar ninguna detección en él.",
}


def _client(user: Any, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _close(cast: Any, case: Any) -> None:
    case_close(actor=cast.ma_supervisor, case=case, reason="lost_contact")
    case.refresh_from_db()


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_the_form_of_a_closed_case_is_a_notice_not_a_form(cast: Any, fatima_case: Any, language: str) -> None:
    _close(cast, fatima_case)
    page = _client(cast.ma_case_worker, language).get(
        reverse("identification:screening_new", args=[fatima_case.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-closed-notice" in html and NOTICE[language] in html
    main = html.split("<main", 1)[1]
    assert "<form" not in main and 'name="rulesets"' not in main
    assert reverse("web:case_detail", args=[fatima_case.pk]) in main  # the way back to the case (and reopening)


def test_a_post_on_a_closed_case_is_refused_and_stores_nothing(cast: Any, fatima_case: Any) -> None:
    _close(cast, fatima_case)
    response = _client(cast.ma_case_worker, "ar").post(
        reverse("identification:screening_new", args=[fatima_case.pk]), POST)
    assert response.status_code == 409 and "data-closed-notice" in response.content.decode()
    assert not Screening.objects.exists()
    with pytest.raises(StateError):  # the service refuses on its own, whatever the screen does
        screening_record(actor=cast.ma_case_worker, case=fatima_case, observation={"age_at_act": 25},
                         rulesets=["palermo-2000"])
    assert not Screening.objects.exists()


def test_the_case_page_offers_no_screening_on_a_closed_case(cast: Any, fatima_case: Any) -> None:
    url = reverse("identification:screening_new", args=[fatima_case.pk])
    request = RequestFactory().get("/")
    request.user = cast.ma_case_worker
    context = {"case": fatima_case, "caps": cast.ma_case_worker.capabilities}
    assert url in render_to_string("identification/_case_summary.html", context, request=request)
    _close(cast, fatima_case)
    assert url not in render_to_string("identification/_case_summary.html", context, request=request)
    page = _client(cast.ma_case_worker, "fr").get(reverse("web:case_detail", args=[fatima_case.pk]))
    assert page.status_code == 200 and url not in page.content.decode()


def test_an_erased_persons_closed_case_says_erased(cast: Any, fatima_case: Any) -> None:
    from jisr.survivors.services import person_erase

    _close(cast, fatima_case)
    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="asked by the person")
    page = _client(cast.ma_case_worker, "es").get(reverse("identification:screening_new", args=[fatima_case.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "data-erased-notice" in html and "data-closed-notice" not in html
    assert "<form" not in html.split("<main", 1)[1]
