"""REST API: same scoping and write path as the screens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jisr.audit.models import AuditEvent
from jisr.cases.models import Case
from jisr.survivors.models import Person
from jisr.survivors.services import person_identity


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_anonymous_is_refused(db) -> None:
    assert APIClient().get("/api/v1/persons/").status_code in (401, 403)


def test_token_auth(cast, fatima_case) -> None:
    token = Token.objects.create(user=cast.ma_case_worker)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/cases/")
    assert response.status_code == 200 and [c["id"] for c in response.json()["results"]] == [str(fatima_case.pk)]


def test_lists_are_scoped(cast, fatima_case) -> None:
    def ids(user, url):  # type: ignore[no-untyped-def]
        response = client_for(user).get(url)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids(cast.ma_case_worker, "/api/v1/persons/") == [str(fatima_case.person.pk)]
    for user in (cast.es_case_worker, cast.ma_case_worker_2, cast.ma_analyst, cast.outsider):
        assert ids(user, "/api/v1/persons/") == []
        assert ids(user, "/api/v1/cases/") == []
        assert client_for(user).get(f"/api/v1/persons/{fatima_case.person.pk}/").status_code == 404
        assert client_for(user).get(f"/api/v1/cases/{fatima_case.pk}/").status_code == 404


def test_identity_is_masked_for_supervisor_and_clear_for_case_worker(cast, fatima_case) -> None:
    url = f"/api/v1/persons/{fatima_case.person.pk}/"
    clear = client_for(cast.ma_case_worker).get(url).json()["identity"]
    masked = client_for(cast.ma_supervisor).get(url).json()["identity"]
    assert clear["name"] == "فاطمة بن علي" and not clear["masked"]
    assert masked["masked"] and "فاطمة" not in masked["name"] and "612345678" not in masked["phone"]


def test_register_with_duplicate_needs_confirmation(cast, fatima_case) -> None:
    client = client_for(cast.ma_case_worker)
    body = {
        "given_name_latin": "Fatma",
        "family_name_latin": "Ben Ali",
        "estimated_age": "٢٥",
        "phone": "٠٦٩٨٧٦٥٤٣٢",
        "sex": "Feminine",
        "nationality": "MA",
    }
    response = client.post("/api/v1/persons/", body, format="json")
    assert response.status_code == 409
    [candidate] = response.json()["candidates"]
    assert candidate["person"] == str(fatima_case.person.pk) and "similar_name" in candidate["reasons"]
    assert Person.objects.count() == 1
    response = client.post("/api/v1/persons/", {**body, "confirm_not_duplicate": True}, format="json")
    assert response.status_code == 201, response.json()
    created = Person.objects.get(pk=response.json()["id"])
    assert created.estimated_age == 25 and person_identity(created).phone == "+212698765432"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"given_name_latin": "A", "phone": "12"}, "phone"),
        ({"given_name_latin": "A", "date_of_birth": "31/02/2001"}, "date_of_birth"),
        ({"given_name_latin": "A", "estimated_age": 300}, "estimated_age"),
        ({"given_name_latin": "A", "sex": "robot"}, "sex"),
    ],
)
def test_bad_input_is_a_clear_400_and_writes_nothing(cast, body, field) -> None:
    response = client_for(cast.ma_case_worker).post("/api/v1/persons/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Person.objects.count() == 0


def test_no_name_is_a_400(cast) -> None:
    response = client_for(cast.ma_case_worker).post("/api/v1/persons/", {"confirm_not_duplicate": True}, format="json")
    assert response.status_code == 400 and Person.objects.count() == 0


def test_roles_that_may_not_register_get_403(cast) -> None:
    for user in (cast.ma_analyst, cast.ma_coordinator, cast.outsider):
        response = client_for(user).post("/api/v1/persons/", {"given_name_latin": "A"}, format="json")
        assert response.status_code == 403
    assert Person.objects.count() == 0


def test_case_writes_and_notes(cast, fatima_case) -> None:
    client = client_for(cast.ma_case_worker)
    base = f"/api/v1/cases/{fatima_case.pk}"

    def v() -> int:  # the case version as last read: every case write carries it
        return Case.objects.get(pk=fatima_case.pk).version

    stage = client.post(f"{base}/stage/", {"trm_stage": "first_assistance", "version": v()})
    assert stage.json()["trm_stage"] == "first_assistance"
    unversioned = client.post(f"{base}/stage/", {"trm_stage": "identification"})
    assert unversioned.status_code == 400 and "version" in unversioned.json()  # no version: refused, unchanged
    assert client.post(f"{base}/notes/", {"body": "مكالمة"}).status_code == 201
    assert [n["body"] for n in client.get(f"{base}/notes/").json()["results"]] == ["مكالمة"]
    assert client.post(f"{base}/assign/", {"assignee": "ma-cw2", "version": v()}).status_code == 403
    stranger = client_for(cast.ma_supervisor).post(f"{base}/assign/", {"assignee": "es-cw", "version": v()})
    assert stranger.status_code == 400
    assert client.post(f"{base}/close/", {"reason": "lost_contact", "version": v()}).status_code == 403  # supervisor's
    supervisor = client_for(cast.ma_supervisor)
    assert supervisor.post(f"{base}/close/", {"reason": "lost_contact", "version": v()}).json()["status"] == "closed"
    assert supervisor.post(f"{base}/close/", {"reason": "lost_contact", "version": v()}).status_code == 409
    assert client.post(f"{base}/reopen/", {"body": "she called again"}).json()["status"] == "open"
    assert client_for(cast.es_case_worker).post(f"{base}/notes/", {"body": "x"}).status_code == 404
    assert client_for(cast.ma_coordinator).post(f"{base}/notes/", {"body": "x"}).status_code == 403


def _notes(case, author, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """`n` notes on `case`, a minute apart (note 1 the oldest); their texts, oldest first."""
    from jisr.cases.models import CaseNote
    from jisr.cases.services import case_note_add

    start = timezone.now() - timedelta(days=1)
    texts = [f"note {i}" for i in range(1, n + 1)]
    for i, text in enumerate(texts):
        note = case_note_add(actor=author, case=case, body=text)
        CaseNote.objects.filter(pk=note.pk).update(created_at=start + timedelta(minutes=i))
    return texts


def test_case_notes_are_paged_newest_first(cast, fatima_case) -> None:
    """The notes endpoint pages like the other lists ({count, next, previous, results}, limit/offset),
    newest first, and follows `next` to the end without repeating or skipping a note."""
    texts = _notes(fatima_case, cast.ma_case_worker, 7)
    client = client_for(cast.ma_case_worker)
    url = f"/api/v1/cases/{fatima_case.pk}/notes/"

    everything = client.get(url).json()
    assert everything["count"] == 7 and everything["next"] is None and everything["previous"] is None
    assert [n["body"] for n in everything["results"]] == texts[::-1]

    first = client.get(url, {"limit": 3}).json()
    assert first["count"] == 7 and first["previous"] is None
    assert [n["body"] for n in first["results"]] == ["note 7", "note 6", "note 5"]
    seen, page = [], first
    while True:
        seen += [n["body"] for n in page["results"]]
        if page["next"] is None:
            break
        page = client.get(page["next"]).json()
    assert seen == texts[::-1]
    assert [n["body"] for n in page["results"]] == ["note 1"] and page["previous"] is not None


def test_case_notes_page_size_is_bounded(cast, fatima_case, monkeypatch) -> None:
    """However large `limit` is, a page holds at most the API's maximum (jisr.api.parsers.Pagination,
    lowered here so that the test needs a handful of notes), and only that page is decrypted."""
    from jisr.api.parsers import Pagination
    from jisr.cases import services as case_services

    _notes(fatima_case, cast.ma_case_worker, 5)
    monkeypatch.setattr(Pagination, "max_limit", 2)
    monkeypatch.setattr(Pagination, "default_limit", 2)
    decrypted = []
    real = case_services.case_note_text
    monkeypatch.setattr(case_services, "case_note_text", lambda *a: decrypted.append(1) or real(*a))
    client = client_for(cast.ma_case_worker)
    url = f"/api/v1/cases/{fatima_case.pk}/notes/"
    for query in ({}, {"limit": 99999999999999999999}, {"limit": 0}, {"limit": -1}):
        decrypted.clear()
        response = client.get(url, query)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 5 and [n["body"] for n in body["results"]] == ["note 5", "note 4"]
        assert len(decrypted) == 2


def test_case_notes_read_is_one_audited_case_view(cast, fatima_case) -> None:
    """Each GET of the notes, whatever the page, is one `case.view` event on the case (no note text in
    it); a role that may not read note texts gets the page with null bodies; a stranger gets 404 and
    leaves no event."""
    _notes(fatima_case, cast.ma_case_worker, 4)
    url = f"/api/v1/cases/{fatima_case.pk}/notes/"
    reads = AuditEvent.objects.filter(action="case.view")
    before = reads.count()
    client = client_for(cast.ma_case_worker)
    assert client.get(url, {"limit": 2}).status_code == 200
    assert client.get(url, {"limit": 2, "offset": 2}).status_code == 200
    assert reads.count() == before + 2
    for event in reads.order_by("-seq")[:2]:
        assert event.actor == cast.ma_case_worker
        assert (event.target_type, event.target_id) == ("cases.case", str(fatima_case.pk))
        assert "note" not in str(event.details)

    masked = client_for(cast.ma_coordinator).get(url, {"limit": 2}).json()
    assert masked["count"] == 4 and [n["body"] for n in masked["results"]] == [None, None]
    assert reads.count() == before + 3

    assert client_for(cast.es_case_worker).get(url).status_code == 404
    assert reads.count() == before + 3


def test_open_case_via_api(cast) -> None:
    client = client_for(cast.ma_case_worker)
    person = client.post(
        "/api/v1/persons/", {"given_name_latin": "Salma", "confirm_not_duplicate": True}, format="json"
    ).json()
    response = client.post("/api/v1/cases/", {"person": person["id"]})
    assert response.status_code == 201 and Case.objects.get().person_id is not None
    assert client_for(cast.es_case_worker).post("/api/v1/cases/", {"person": person["id"]}).status_code == 404


def test_reveal_via_api(cast, fatima_case) -> None:
    url = f"/api/v1/persons/{fatima_case.person.pk}/reveal/"
    assert client_for(cast.ma_supervisor).post(url, {"field": "phone", "reason": "x"}).status_code == 400
    response = client_for(cast.ma_supervisor).post(url, {"field": "phone", "reason": "urgent safety call"})
    assert response.json() == {"field": "phone", "value": "+212612345678"}
    assert (
        client_for(cast.ma_coordinator).post(url, {"field": "phone", "reason": "urgent safety call"}).status_code == 403
    )
    assert AuditEvent.objects.filter(action="person.reveal").count() == 1


def test_schema_is_served(cast) -> None:
    response = client_for(cast.ma_case_worker).get("/api/schema/")
    assert response.status_code == 200 and b"/api/v1/persons/" in response.content


def test_stale_version_is_a_409_and_changes_nothing(cast, fatima_case) -> None:
    base = f"/api/v1/cases/{fatima_case.pk}"
    client = client_for(cast.ma_case_worker)
    seen = client.get(f"{base}/").json()["version"]
    assert client.post(f"{base}/risk/", {"risk_level": "high", "version": seen}).status_code == 200
    response = client_for(cast.ma_supervisor).post(f"{base}/risk/", {"risk_level": "low", "version": seen})
    assert response.status_code == 409
    assert client.get(f"{base}/").json()["risk_level"] == "high"


def test_hostile_requests_are_400s_not_500s(cast, fatima_case) -> None:
    client = client_for(cast.ma_case_worker)
    deep = "[" * 100_000 + "]" * 100_000
    assert client.post("/api/v1/persons/", deep, content_type="application/json").status_code == 400
    response = client.get("/api/v1/persons/?limit=99999999999999999999")
    assert response.status_code == 200 and len(response.json()["results"]) <= 200


def test_api_rate_limit_answers_429(cast, monkeypatch) -> None:
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    # DRF reads the rates once, at import: patch them where the throttles look.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})
    client = client_for(cast.ma_case_worker)
    statuses = [client.get("/api/v1/cases/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    cache.clear()


def test_the_case_list_read_is_audited_with_the_cases_shown(cast, fatima_case) -> None:
    before = AuditEvent.objects.filter(action="case.list_view").count()
    response = client_for(cast.ma_case_worker).get("/api/v1/cases/?limit=200")
    assert response.status_code == 200 and response.json()["count"] == 1
    event = AuditEvent.objects.filter(action="case.list_view").latest("seq")
    assert AuditEvent.objects.filter(action="case.list_view").count() == before + 1
    assert event.details == {"cases": [str(fatima_case.pk)]} and event.actor == cast.ma_case_worker
    client_for(cast.es_case_worker).get("/api/v1/cases/")  # sees none: nothing read, nothing recorded
    assert AuditEvent.objects.filter(action="case.list_view").count() == before + 1
