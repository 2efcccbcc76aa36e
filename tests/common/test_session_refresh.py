"""Idle expiry: an active session's expiry moves forward at most once a minute, not on every request
(jisr.common.middleware.SessionIdleRefreshMiddleware); an idle one still expires."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from jisr.common import middleware


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    now = {"t": 2_000_000_000}
    monkeypatch.setattr(middleware.time, "time", lambda: now["t"])
    return now


def _row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_session_saved_at_most_once_a_minute(cast, clock):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(cast.ma_case_worker)
    assert client.get("/").status_code == 200
    first = _row(client)
    assert first.get_decoded()["_refreshed_at"] == clock["t"]

    clock["t"] += 30
    assert client.get("/").status_code == 200
    same = _row(client)
    assert (same.session_data, same.expire_date) == (first.session_data, first.expire_date)

    clock["t"] += 31  # 61 s after the first refresh
    assert client.get("/").status_code == 200
    later = _row(client)
    assert later.get_decoded()["_refreshed_at"] == clock["t"]
    assert later.expire_date > first.expire_date


def test_a_clock_going_backwards_refreshes(cast, clock):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(cast.ma_case_worker)
    client.get("/")
    clock["t"] -= 3600
    client.get("/")
    assert _row(client).get_decoded()["_refreshed_at"] == clock["t"]


def test_expired_session_is_logged_out(cast, clock):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(cast.ma_case_worker)
    client.get("/")
    import datetime as dt

    from django.utils import timezone

    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_anonymous_requests_create_no_session(db, clock):  # type: ignore[no-untyped-def]
    Client().get("/login/")
    assert not Session.objects.exists()
