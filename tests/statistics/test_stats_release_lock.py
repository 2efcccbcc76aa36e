"""Two requests of the same shared release at once (PostgreSQL): the contributors' rows are locked while
one checks for an existing release and creates its own, so exactly one is made — never two snapshots of
the same table, year and organisations."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from jisr.statistics import services
from jisr.statistics.models import Release

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_requests_at_once_make_one_release(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite serialises writers)")
    year = services.last_completed_year([cast.ma, cast.es])
    check = services._existing_release

    def slow_check(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = check(*args, **kwargs)
        time.sleep(0.5)  # both would find none and both create, were the check not serialised
        return found

    monkeypatch.setattr(services, "_existing_release", slow_check)
    start = threading.Barrier(2)

    def request(_n: int) -> str:
        try:
            start.wait(10)
            services.release_request(
                actor=cast.ma_analyst, table="sex_by_stage", year=year, contributors=[cast.ma, cast.es]
            )
            return "made"
        except services.DuplicateReleaseError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(request, range(2), timeout=30))
    assert outcomes == ["made", "refused"]
    assert Release.objects.count() == 1
