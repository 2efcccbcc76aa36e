"""PostgreSQL time stamps read through psycopg's C loader instead of Django's pure-Python one.

Django (5.2, ticket #36960) registers on every PostgreSQL connection a `timestamptz` loader that
subclasses psycopg's *Python* `TimestamptzLoader`, so with `psycopg[binary]` installed every time stamp
(two per row of every model: `created_at`, `updated_at`, and the audit trail's `at`) is still parsed in
Python: ~20 µs each, ~6 ms of a dashboard that loads 25 cases with their people (load benchmark,
bench/load/README.md). psycopg's C loader is final (psycopg issue #1273), so it cannot be subclassed;
this loader wraps an instance of it, found through psycopg's public adapters map
(`psycopg.adapters.get_loader`), and hands the transformer the C function itself.

Behaviour is Django's: an aware `datetime` in UTC. The C loader returns the value in the connection's
`TimeZone`, which Django sets to UTC (`USE_TZ = True`, no `TIME_ZONE` on the database); should a
connection be in another time zone, the value is converted to UTC (`astimezone`, the same instant),
never relabelled. Only installed when Django's own loader would use UTC (`install`), so Django's check
in `create_cursor` (its loader's `timezone` against the connection's) keeps holding.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

UTC = dt.UTC


def _loader_class() -> type[Any]:
    import psycopg
    from psycopg.adapt import Loader
    from psycopg.postgres import types
    from psycopg.pq import Format

    optimised = psycopg.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
    assert optimised is not None

    class TimestamptzUtcLoader(Loader):
        """`timestamptz` (text format) → aware `datetime` in UTC; C speed when the connection is in UTC."""

        # Django's create_cursor compares this with the connection's time zone (UTC): equal, so it does
        # not register its own loader on each cursor again.
        timezone = UTC

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            inner = optimised(oid, context)
            connection = getattr(context, "connection", None)
            zone = connection.info.timezone if connection is not None else UTC
            if zone is UTC or getattr(zone, "key", None) in ("UTC", "Etc/UTC"):
                # An instance attribute: the transformer looks `load` up on the instance and calls the
                # C function without a Python frame in between.
                self.load = inner.load
            else:
                self.load = lambda data: inner.load(data).astimezone(UTC)

        def load(self, data: Any) -> dt.datetime:  # replaced per instance in __init__
            raise NotImplementedError

    return TimestamptzUtcLoader


_LOADER: type[Any] | None = None


def install(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """`connection_created` receiver: on a PostgreSQL connection with psycopg 3 whose Django time zone is
    UTC, register the loader above for `timestamptz` on that connection. Anything else (SQLite, another
    driver, a database `TIME_ZONE`): nothing changes."""
    global _LOADER
    if connection is None or connection.vendor != "postgresql" or connection.timezone is not UTC:
        return
    raw = connection.connection
    if not hasattr(raw, "adapters"):  # psycopg2
        return
    if _LOADER is None:
        _LOADER = _loader_class()
    from psycopg.postgres import types

    raw.adapters.register_loader(types["timestamptz"].oid, _LOADER)
