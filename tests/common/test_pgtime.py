"""Time stamps read from PostgreSQL through psycopg's C loader (jisr.common.pgtime): the same aware UTC
values as Django's own loader, whatever the connection's time zone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from jisr.accounts.models import Organisation

UTC = dt.UTC


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's timestamptz loader")


def _loader() -> type:
    from psycopg.postgres import types
    from psycopg.pq import Format

    connection.ensure_connection()
    return connection.connection.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)


@pytest.mark.django_db
def test_connections_use_the_wrapping_loader_and_django_keeps_it() -> None:
    _require_postgresql()
    loader = _loader()
    assert loader.__name__ == "TimestamptzUtcLoader"
    # Django's create_cursor re-registers its Python loader on a cursor whose loader's time zone differs
    # from the connection's: ours says UTC, so a cursor keeps it.
    from psycopg.postgres import types
    from psycopg.pq import Format

    with connection.cursor() as cursor:
        assert cursor.cursor.adapters.get_loader(types["timestamptz"].oid, Format.TEXT) is loader


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=UTC),  # microseconds, a DST night in Europe
        dt.datetime(1970, 1, 1, tzinfo=UTC),
        dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),  # stored as 22:30 UTC
    ],
)
def test_values_come_back_aware_in_utc_and_equal(value: dt.datetime) -> None:
    _require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [value])
        (loaded,) = cursor.fetchone()
    assert loaded == value
    assert loaded.tzinfo is UTC
    org = Organisation.objects.create(name="Org", slug="org-pgtime", country="MA", kind="ngo", code_prefix="PGT")
    Organisation.objects.filter(pk=org.pk).update(created_at=value)
    assert Organisation.objects.get(pk=org.pk).created_at == value


@pytest.mark.django_db
def test_a_connection_in_another_time_zone_gives_the_same_instant_in_utc() -> None:
    """Django's own loader relabels such a value (14:00+01 would become 14:00 UTC); this one converts."""
    _require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Africa/Casablanca'")
        try:
            cursor.execute("SELECT '2026-06-01 12:00:00+00'::timestamptz")
            (loaded,) = cursor.fetchone()
        finally:
            cursor.execute("SET TIME ZONE 'UTC'")
    assert loaded == dt.datetime(2026, 6, 1, 12, tzinfo=UTC)
    assert loaded.utcoffset() == dt.timedelta(0)
