"""The session's user is loaded with her membership, organisation and team in one query
(jisr.accounts.backends.MembershipModelBackend); an inactive user is not loaded at all."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def test_membership_comes_with_the_user(cast):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(cast.ma_supervisor)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    user_queries = [s for s in sql if 'FROM "accounts_user"' in s and '"accounts_membership"' in s]
    assert len(user_queries) == 1
    assert not any(s.lstrip().startswith('SELECT "accounts_membership"') for s in sql)
    assert not any(s.lstrip().startswith('SELECT "accounts_organisation"') for s in sql)


def test_inactive_user_is_logged_out(cast):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(cast.ma_case_worker)
    cast.ma_case_worker.is_active = False
    cast.ma_case_worker.save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
