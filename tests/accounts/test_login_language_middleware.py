"""LoginLanguageMiddleware is its own MIDDLEWARE entry (after the session, locale and authentication
middleware), not something the MFA middleware runs: the login language works with or without MFA."""

from __future__ import annotations

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from personas import PASSWORD

LOGIN_LANGUAGE = "jisr.accounts.middleware.LoginLanguageMiddleware"
MFA = "jisr.accounts.middleware.MfaRequiredMiddleware"


def test_it_has_its_own_entry_after_what_it_needs() -> None:
    middleware = settings.MIDDLEWARE
    assert middleware.count(LOGIN_LANGUAGE) == 1
    position = middleware.index(LOGIN_LANGUAGE)
    for needed in ("django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.locale.LocaleMiddleware",
                   "django.contrib.auth.middleware.AuthenticationMiddleware"):
        assert middleware.index(needed) < position, needed


def test_login_sets_the_language_without_the_mfa_middleware(cast) -> None:  # type: ignore[no-untyped-def]
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != MFA]):
        client = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
        response = client.post(reverse("login"), {"username": cast.es_case_worker.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_the_cookie_is_set_once_with_the_mfa_middleware(cast) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    response = client.post(reverse("login"), {"username": cast.ma_case_worker.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert response.cookies["jisr_language_from_login"].value == "1"
