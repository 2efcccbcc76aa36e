"""After logging in, the screens speak the user's language: her preferred language, else her
organisation's first working language — unless she chose a language herself before logging in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from personas import PASSWORD

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _browser_in_english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")


def _log_in(client: Client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def _page_language(client: Client) -> str:
    html = client.get(reverse("web:dashboard")).content.decode()
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_moroccan_user_lands_in_her_organisations_language(cast):  # type: ignore[no-untyped-def]
    client = _browser_in_english()
    assert client.get(reverse("login")).content.decode().startswith("<!doctype html>\n<html lang=\"en\"")
    response = _log_in(client, cast.ma_case_worker.username)
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "ar"  # Test MA works in ["ar", "fr"]
    assert _page_language(client) == "ar"


def test_a_spanish_user_lands_in_spanish(cast):  # type: ignore[no-untyped-def]
    client = _browser_in_english()
    _log_in(client, cast.es_case_worker.username)
    assert _page_language(client) == "es"


def test_her_preferred_language_comes_first(cast):  # type: ignore[no-untyped-def]
    cast.ma_supervisor.preferred_language = "fr"
    cast.ma_supervisor.save(update_fields=["preferred_language"])
    client = _browser_in_english()
    _log_in(client, cast.ma_supervisor.username)
    assert _page_language(client) == "fr"


def test_a_language_chosen_before_logging_in_stands(cast):  # type: ignore[no-untyped-def]
    client = _browser_in_english()
    client.post(reverse("set_language"), {"language": "es", "next": reverse("login")})
    response = _log_in(client, cast.ma_case_worker.username)
    assert COOKIE not in response.cookies  # left as she chose it
    assert _page_language(client) == "es"


def test_the_language_set_at_a_login_is_not_a_choice_for_the_next_login(cast):  # type: ignore[no-untyped-def]
    """A shared computer: the previous user's language, set by her login, does not stick to the next."""
    client = _browser_in_english()
    _log_in(client, cast.ma_case_worker.username)
    assert _page_language(client) == "ar"
    client.post(reverse("logout"))
    _log_in(client, cast.es_case_worker.username)
    assert _page_language(client) == "es"
    # Once she picks a language herself, it is hers again at the next login.
    client.post(reverse("set_language"), {"language": "fr", "next": reverse("web:dashboard")})
    client.post(reverse("logout"))
    _log_in(client, cast.ma_case_worker.username)
    assert _page_language(client) == "fr"


def test_no_language_is_set_by_a_failed_login_or_for_a_user_without_one(cast):  # type: ignore[no-untyped-def]
    client = _browser_in_english()
    response = _log_in(client, cast.ma_case_worker.username, "wrong password")
    assert response.status_code == 200 and COOKIE not in response.cookies
    response = _log_in(client, cast.outsider.username)  # no organisation, no preferred language
    assert response.status_code == 302 and COOKIE not in response.cookies


@pytest.mark.parametrize("preferred", ["xx", "en"])
def test_only_an_offered_language_is_used(cast, preferred):  # type: ignore[no-untyped-def]
    cast.ma_case_worker.preferred_language = preferred
    cast.ma_case_worker.save(update_fields=["preferred_language"])
    response = _log_in(_browser_in_english(), cast.ma_case_worker.username)
    assert response.cookies[COOKIE].value == ("en" if preferred == "en" else "ar")
