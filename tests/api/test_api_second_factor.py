"""The second factor on the API (issue 8; OWASP ASVS V2.8): a token carries none, so it is refused for
roles that need one; revealing a masked field needs a second factor passed less than 10 minutes ago, as
on the web. With JISR_REQUIRE_MFA off, tokens and reveals work as before (tests/api/test_api.py)."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jisr.accounts.mfa import SESSION_KEY
from jisr.audit.models import AuditEvent
from personas import PASSWORD


@pytest.fixture
def mfa_on(settings):  # type: ignore[no-untyped-def]
    settings.JISR_REQUIRE_MFA = True


def _token_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _session(username: str, verified_seconds_ago: float | None) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    if verified_seconds_ago is not None:
        session = client.session
        session[SESSION_KEY] = time.time() - verified_seconds_ago
        session.save()
    return client


def test_a_token_is_refused_for_a_role_that_needs_the_second_factor(cast, fatima_case, mfa_on) -> None:
    client = _token_client(cast.ma_case_worker)
    for url in ("/api/v1/persons/", "/api/v1/cases/", f"/api/v1/cases/{fatima_case.pk}/",
                "/api/v1/referrals/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "second factor" in response.json()["detail"]
    before = AuditEvent.objects.count()
    reveal = client.post(f"/api/v1/persons/{fatima_case.person.pk}/reveal/",
                         {"field": "phone", "reason": "checking the contact"}, format="json")
    assert reveal.status_code == 403 and "value" not in reveal.json()
    assert AuditEvent.objects.count() == before  # nothing read, nothing recorded


def test_a_token_still_works_when_the_second_factor_is_off(cast, fatima_case, settings) -> None:
    settings.JISR_REQUIRE_MFA = False
    response = _token_client(cast.ma_case_worker).get("/api/v1/cases/")
    assert response.status_code == 200 and response.json()["count"] == 1


def test_an_unknown_token_is_still_refused_as_invalid(db, mfa_on) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/v1/cases/")
    # 403 rather than 401: the session authenticator comes first and sends no WWW-Authenticate (DRF).
    assert response.status_code in (401, 403) and "results" not in response.json()


def test_the_api_reveal_needs_a_recent_second_factor(cast, fatima_case, mfa_on) -> None:
    url = f"/api/v1/persons/{fatima_case.person.pk}/reveal/"
    body = {"field": "phone", "reason": "checking the contact"}
    stale = _session("ma-sup", verified_seconds_ago=3600)  # passed the factor an hour ago: may read lists
    assert stale.get("/api/v1/persons/").status_code == 200
    response = stale.post(url, body, content_type="application/json")
    assert response.status_code == 403 and "value" not in response.json()
    assert not AuditEvent.objects.filter(action="person.reveal").exists()
    fresh = _session("ma-sup", verified_seconds_ago=60)
    response = fresh.post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["value"]
    assert AuditEvent.objects.filter(action="person.reveal").count() == 1
