"""`POST /api/v1/identification/evaluate/`: evaluates without storing anything; 400 names the field;
refused to anonymous visitors, outsiders and roles without case work; documented in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

URL = "/api/v1/identification/evaluate/"
P01 = {"age_at_act": 25, "acts": ["recruitment"], "means": ["deception"], "purposes": ["forced_labour"]}


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cur:
        counts = {}
        for table in connection.introspection.table_names():
            if table.startswith("django_session"):
                continue
            cur.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — introspected names
            counts[table] = cur.fetchone()[0]
    return counts


def test_url_name() -> None:
    assert reverse("identification_api:evaluate") == URL


def test_evaluate_one_frame_stores_nothing(cast: Any, fatima_case: Any) -> None:
    client = _client(cast.ma_case_worker)
    before = _row_counts()
    response = client.post(f"{URL}?ruleset=palermo-2000", P01, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == "INDICATED" and body["ruleset"] == "palermo-2000"
    assert body["elements"] == {"act": True, "means": True, "purpose": True}
    assert _row_counts() == before  # no screening, no result, not even an audit row


def test_evaluate_all_by_default(cast: Any) -> None:
    response = _client(cast.es_case_worker).post(URL, P01, content_type="application/json")
    assert response.status_code == 200
    assert set(response.json()) == {"palermo-2000", "ilo-ec-2009", "ma-law-27-14", "es-cp-177bis", "eu-2011-36",
                                    "eu-2011-36-2024"}


@pytest.mark.parametrize(("query", "body", "field"), [
    ("", {"act_date": "2019-02-30"}, "act_date"),
    ("", {"acts": ["teleportation"]}, "acts[0]"),
    ("", {"name": "x"}, "name"),
    ("", [1, 2], None),
    ("?ruleset=palermo-1900", P01, "ruleset"),
    ("?ruleset=ilo-ec-2009&adult_variant=NOPE", P01, "adult_variant"),
])
def test_bad_input_is_400_with_the_field(cast: Any, query: str, body: Any, field: str | None) -> None:
    response = _client(cast.ma_supervisor).post(URL + query, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["detail"]


@pytest.mark.parametrize("persona", ["ma_analyst", "ma_roadmap", "ma_focal_point", "outsider"])
def test_refused_without_a_case_role(cast: Any, persona: str) -> None:
    response = _client(getattr(cast, persona)).post(URL, P01, content_type="application/json")
    assert response.status_code == 403


def test_refused_to_anonymous(db: None) -> None:
    assert _client().post(URL, P01, content_type="application/json").status_code == 403


def test_form_encoded_body_is_refused(cast: Any) -> None:
    response = _client(cast.ma_case_worker).post(URL, {"age_at_act": "25"})
    assert response.status_code == 415


def test_documented_in_the_openapi_schema(cast: Any, tmp_path: Any) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text(encoding="utf-8")
    assert "/api/v1/identification/evaluate/" in text
    assert "identification_evaluate" in text and "IdentificationEvaluateResult" in text
