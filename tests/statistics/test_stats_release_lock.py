"""Two requests of the same shared release at once (PostgreSQL): the contributors' rows are locked while
one checks for an existing release and creates its own, so exactly one is made — never two snapshots of
the same table, year and organisations, nor two releases of groups that share an organisation."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from jisr.statistics import services
from jisr.statistics.models import Release

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(monkeypatch, check: str, cast, groups: list[list]) -> list[str]:  # type: ignore[no-untyped-def,type-arg]
    """Two requests of sex_by_stage for last year at once, `check` (a function of services) slowed down
    so that both would pass it were they not serialised: their outcomes, "made" or "refused"."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite serialises writers)")
    year = services.last_completed_year([cast.ma, cast.es])
    original = getattr(services, check)

    def slow_check(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = original(*args, **kwargs)
        time.sleep(0.5)  # both would find none and both create, were the check not serialised
        return found

    monkeypatch.setattr(services, check, slow_check)
    start = threading.Barrier(2)

    def request(contributors: list) -> str:  # type: ignore[type-arg]
        try:
            start.wait(10)
            services.release_request(actor=cast.ma_analyst, table="sex_by_stage", year=year, contributors=contributors)
            return "made"
        except (services.DuplicateReleaseError, services.ContributorTakenError):
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        return sorted(pool.map(request, groups, timeout=30))


def test_two_requests_at_once_make_one_release(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    outcomes = _at_once(monkeypatch, "_existing_release", cast, [[cast.ma, cast.es], [cast.ma, cast.es]])
    assert outcomes == ["made", "refused"]
    assert Release.objects.count() == 1


def test_two_requests_sharing_a_contributor_at_once_make_one_release(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """{MA, ES} and {MA} at once: MA's row is locked by both, so the second sees the first and is refused
    (ContributorTakenError) — never two releases that subtract to ES's table."""
    outcomes = _at_once(monkeypatch, "_taken_contributor", cast, [[cast.ma, cast.es], [cast.ma]])
    assert outcomes == ["made", "refused"]
    assert Release.objects.count() == 1
