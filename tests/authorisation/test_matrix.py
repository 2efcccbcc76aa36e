"""The authorisation matrix: every URL pattern × every persona × read and write.

Routes come from `routes_*.py` beside this file. A URL pattern that no ROUTES lists fails
`test_every_route_is_in_the_matrix` — a new route must say who may use it. For every listed route,
each persona's GET and POST get exactly the expected status; a refused write changes no row.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from matrix import PERSONAS, Route

HERE = Path(__file__).parent
IGNORED_NAMESPACES = {"admin"}  # the Django admin is not mounted; listed here if it ever is


def _load_routes() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for info in pkgutil.iter_modules([str(HERE)]):
        if info.name.startswith("routes_"):
            module = importlib.import_module(info.name)
            duplicated = routes.keys() & module.ROUTES.keys()
            assert not duplicated, f"routes listed twice: {duplicated}"
            routes.update(module.ROUTES)
    return routes


ROUTES = _load_routes()


def _url_names(patterns: list[Any], namespace: str = "") -> list[str]:
    names = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
            if ns in IGNORED_NAMESPACES:
                continue
            names.extend(_url_names(p.url_patterns, ns))
        elif isinstance(p, URLPattern):
            names.append(f"{namespace}:{p.name}".strip(":") if p.name else f"<unnamed {p.pattern}>")
    return names


def test_every_route_is_in_the_matrix() -> None:
    names = set(_url_names(get_resolver().url_patterns))
    missing = sorted(names - ROUTES.keys())
    assert not missing, f"routes with no authorisation expectations: {missing}"
    stale = sorted(ROUTES.keys() - names)
    assert not stale, f"matrix lists routes that no longer exist: {stale}"


@dataclass
class World:
    cast: Any
    case: Any
    person: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cast, name)


def _table_counts() -> dict[str, int]:
    with connection.cursor() as cur:
        counts = {}
        for table in connection.introspection.table_names():
            if table.startswith(("audit_", "django_session")):
                continue  # reads are audited; sessions change on login
            cur.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — introspected names
            counts[table] = cur.fetchone()[0]
        return counts


DENIALS = {302, 401, 403, 404, 405}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route(name: str, cast, fatima_case) -> None:  # type: ignore[no-untyped-def]
    route = ROUTES[name]
    world = World(cast=cast, case=fatima_case, person=fatima_case.person)
    url = reverse(name, kwargs=route.kwargs(world))
    failures = []
    for persona in PERSONAS:
        for method, table in (("get", route.get), ("post", route.post)):
            client = Client()
            if persona != "anonymous":
                client.force_login(getattr(cast, persona))
            expected = table[persona] if table is not None else (405, 302, 403) if persona == "anonymous" else (405,)
            refusal = method == "post" and set(expected) <= DENIALS
            with transaction.atomic():
                before = _table_counts() if refusal else None
                if method == "get":
                    response = client.get(url)
                elif route.json:
                    response = client.post(url, route.data(world), content_type="application/json")
                else:
                    response = client.post(url, route.data(world))
                if response.status_code not in expected:
                    failures.append(f"{persona} {method.upper()} {name}: {response.status_code}, expected {expected}")
                if refusal and _table_counts() != before:
                    failures.append(f"{persona} {method.upper()} {name}: refused request changed rows")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)
