"""Schemathesis over the OpenAPI schema (/api/schema/), in-process through the WSGI app (no network),
as three personas: a case worker and a supervisor of the Moroccan organisation, and an outsider.

Every generated request is sent as each persona, once as generated and once (for operations on one
record) aimed at a real person / case / referral of the organisation, so the fuzzer reaches the code
behind the 404s. Checks: no 5xx, and every response conforms to the schema (status code documented,
content type, body schema). Bounded: FUZZ_EXAMPLES examples per operation (about 19 operations).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

FUZZ_EXAMPLES = int(os.environ.get("JISR_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
PERSONAS = ("ma_case_worker", "ma_supervisor", "outsider")


def _load_schema():  # type: ignore[no-untyped-def]
    """The schema /api/schema/ serves (checked below), loaded eagerly: schemathesis' lazy
    `from_fixture` does not run on pytest 9."""
    from jisr.api.schema import api_schema
    from jisr.config.wsgi import application

    loaded = schemathesis.openapi.from_dict(api_schema())
    loaded.app = application
    # The coverage phase (every boundary of every field) sends ~1,200 requests for the person body
    # alone: too slow here. It found the HTML 404 below; its finding is kept as a plain test instead.
    loaded.config.phases.coverage.enabled = False
    return loaded


schema = _load_schema()
STATE: dict[str, dict[str, str]] = {}


@pytest.fixture(autouse=True)
def keep_the_test_connection():  # type: ignore[no-untyped-def]
    """Requests go through the real WSGI handler, whose request_started/finished signals close "old"
    database connections (CONN_MAX_AGE): on PostgreSQL that closed the test's own connection in the
    middle of its transaction. Django's test client disconnects the same handler; so do we."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def personas(cast, fatima_case) -> None:  # type: ignore[no-untyped-def]
    STATE["tokens"] = {p: Token.objects.create(user=getattr(cast, p)).key for p in PERSONAS}
    STATE["ids"] = {"person": str(fatima_case.person.pk), "case": str(fatima_case.pk)}


def test_served_schema_is_the_fuzzed_one(cast, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.ma_case_worker)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["paths"] == schema.raw_schema["paths"]


def test_api_not_found_is_json_even_for_a_malformed_id(cast, client) -> None:  # type: ignore[no-untyped-def]
    """Found by the coverage phase: an id that is not a UUID matched no route and got the HTML page."""
    client.force_login(cast.ma_case_worker)
    for url in ("/api/v1/cases/%C2%84/notes/", "/api/v1/persons/null/", "/api/v1/nothing-here/"):
        response = client.get(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def _real_ids(case, ids: dict[str, str]) -> dict[str, str] | None:  # type: ignore[no-untyped-def]
    if not case.path_parameters:
        return None
    target = ids["person"] if "/persons/" in case.path else ids["case"]
    return {k: target for k in case.path_parameters}


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same requests on every run (and in CI): a failure is reproducible
)
def test_api_conforms_and_never_fails(case) -> None:  # type: ignore[no-untyped-def]
    tokens, ids = STATE["tokens"], STATE["ids"]
    STATE.setdefault("count", {}).setdefault("requests", 0)
    variants = [dict(case.path_parameters or {})]
    real = _real_ids(case, ids)
    if real:
        variants.append(real)
    for persona in PERSONAS:
        for params in variants:
            if params:
                case.path_parameters = params
            headers = {"Authorization": f"Token {tokens[persona]}"}
            case.call_and_validate(headers=headers, checks=CHECKS)
            STATE["count"]["requests"] += 1
            if os.environ.get("JISR_FUZZ_REPORT"):
                print("FUZZREQ", case.operation.label)
