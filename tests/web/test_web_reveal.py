"""Supervisors reveal a masked field with a reason; the reveal is audited; the value is shown once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jisr.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _reveal_url(case):
    return reverse("web:person_reveal", kwargs={"person_id": case.person_id})


def test_supervisor_sees_masked_identity_and_reveal_form(cast, fatima_case, login_as):
    html = login_as(cast.ma_supervisor, "ar").get(
        reverse("web:person_detail", kwargs={"person_id": fatima_case.person_id})).content.decode()
    assert "+212612345678" not in html and "Benali" not in html
    assert _reveal_url(fatima_case) in html


def test_case_worker_has_no_reveal_form_and_is_refused(cast, fatima_case, login_as):
    client = login_as(cast.ma_case_worker)
    html = client.get(reverse("web:person_detail", kwargs={"person_id": fatima_case.person_id})).content.decode()
    assert _reveal_url(fatima_case) not in html
    assert "+212612345678" in html  # the case worker sees her own case in clear
    response = client.post(_reveal_url(fatima_case), {"field": "phone", "reason": "besoin de l'appeler"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="person.reveal").exists()


def test_reveal_requires_a_reason(cast, fatima_case, login_as):
    client = login_as(cast.ma_supervisor, "fr")
    for reason in ("", "   ", "abc"):
        response = client.post(_reveal_url(fatima_case), {"field": "phone", "reason": reason})
        assert response.status_code == 400
        assert "+212612345678" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="person.reveal").exists()


def test_reveal_with_reason_is_audited_and_shown_once(cast, fatima_case, login_as):
    client = login_as(cast.ma_supervisor, "fr")
    reason = "Vérifier le numéro avant l'appel de suivi"
    response = client.post(_reveal_url(fatima_case), {"field": "phone", "reason": reason})
    assert response.status_code == 200
    html = response.content.decode()
    assert "+212612345678" in html
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="person.reveal")
    assert event.reason == reason
    assert event.details == {"field": "phone"}
    assert event.actor == cast.ma_supervisor
    assert event.target_id == str(fatima_case.person_id)
    assert "+212612345678" not in str(event.details) + event.reason
    # Not kept anywhere: the next page view is masked again, and the session holds no value.
    again = client.get(reverse("web:person_detail", kwargs={"person_id": fatima_case.person_id}))
    assert "+212612345678" not in again.content.decode()
    assert "+212612345678" not in str(dict(client.session.items()))
    # The reveal shows on the case timeline, with its reason.
    timeline = client.get(reverse("web:case_detail", kwargs={"case_id": fatima_case.pk})).content.decode()
    assert "Informations masquées révélées" in timeline and reason.replace("'", "&#x27;") in timeline


def test_reveal_documents_translates_kind(cast, fatima_case, login_as):
    response = login_as(cast.ma_supervisor, "fr").post(
        _reveal_url(fatima_case), {"field": "documents", "reason": "vérification du dossier"})
    html = response.content.decode()
    # The number isolated left to right after its kind (U+2066 … U+2069).
    assert "Carte nationale d&#x27;identité \u2066AB123456\u2069" in html
