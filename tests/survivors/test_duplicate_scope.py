"""The duplicate check searches the user's own organisation only: another organisation's records are
neither shown nor hinted at ("a possible match exists in a record you cannot see"), nor decrypted, nor
named in any audit chain — otherwise a case worker could test whether a named woman is known to another
organisation on the instance. Inside the organisation, another team's record is still hinted at (the
coordinator can resolve it) and named for the auditor. All people are generated."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jisr.audit.models import AuditEvent
from jisr.cases.services import case_open
from jisr.common.errors import PermissionDeniedError
from jisr.survivors import selectors
from jisr.survivors.identity import Identity
from jisr.survivors.models import Person
from jisr.survivors.selectors import duplicate_suggestions
from jisr.survivors.services import person_register

pytestmark = pytest.mark.django_db

# A spelling variant of the Moroccan organisation's generated person (tests/conftest.py: fatima_case).
VARIANT = Identity(given_name_latin="Fatma", family_name_latin="Benali")


def _checks() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="person.duplicate_check").order_by("at"))


def _register_in_spain(cast, **identity: str) -> Person:  # type: ignore[no-untyped-def]
    person = person_register(
        actor=cast.es_case_worker,
        organisation=cast.es,
        identity=Identity(**identity),
        sex="Feminine",
        nationality="ES",
        estimated_age=24,
    )
    case_open(actor=cast.es_case_worker, person=person)
    return person


def test_another_organisations_record_is_neither_shown_nor_hinted(cast, fatima_case) -> None:
    for user in (cast.es_case_worker, cast.es_supervisor):
        report = duplicate_suggestions(user, cast.es, VARIANT, estimated_age=25)
        assert report.candidates == [] and report.hidden_match is False


def test_another_organisations_record_is_not_even_decrypted(cast, fatima_case, monkeypatch) -> None:
    decrypted: list[str] = []
    real = selectors.person_identity

    def spy(person: Person) -> Identity:
        decrypted.append(str(person.pk))
        return real(person)

    monkeypatch.setattr(selectors, "person_identity", spy)
    duplicate_suggestions(cast.es_case_worker, cast.es, VARIANT)
    assert decrypted == []
    duplicate_suggestions(cast.ma_case_worker_2, cast.ma, VARIANT)  # her own organisation: compared
    assert decrypted == [str(fatima_case.person.pk)]


def test_own_record_shown_while_the_same_name_elsewhere_stays_unknown(cast, fatima_case) -> None:
    # Both organisations know a "Fatima Benali": the Spanish case worker sees hers, and nothing says
    # that Morocco has one too.
    own = _register_in_spain(cast, given_name_latin="Fatima", family_name_latin="Benali")
    report = duplicate_suggestions(cast.es_case_worker, cast.es, VARIANT)
    assert [c.person for c in report.candidates] == [own] and report.hidden_match is False


def test_the_audit_event_stays_in_the_checking_organisations_chain_without_the_others_ids(cast, fatima_case) -> None:
    ma_person = str(fatima_case.person.pk)
    own = _register_in_spain(cast, given_name_latin="Fatima", family_name_latin="Benali")
    duplicate_suggestions(cast.es_case_worker, cast.es, VARIANT)
    [event] = _checks()
    assert event.chain == str(cast.es.pk) and event.organisation == cast.es
    assert event.details["shown"] == [str(own.pk)] and event.details["hidden"] == []
    # The Moroccan person's id is in no audit event about the check, in any chain; the Moroccan chain
    # learns nothing of it either.
    everywhere = AuditEvent.objects.filter(action="person.duplicate_check")
    assert all(ma_person not in str(e.payload()) for e in everywhere)
    assert not AuditEvent.objects.filter(chain=str(cast.ma.pk), actor=cast.es_case_worker).exists()


def test_another_team_of_the_same_organisation_is_still_hinted_and_named_for_the_auditor(cast, fatima_case) -> None:
    report = duplicate_suggestions(cast.ma_other_supervisor, cast.ma, VARIANT)
    assert report.candidates == [] and report.hidden_match is True
    [event] = _checks()
    assert event.chain == str(cast.ma.pk)
    assert event.details == {"kinds": event.details["kinds"], "shown": [], "hidden": [str(fatima_case.person.pk)]}
    # Her coordinator, who is to resolve it, sees the record itself.
    report = duplicate_suggestions(cast.ma_coordinator, cast.ma, VARIANT)
    assert [c.person for c in report.candidates] == [fatima_case.person] and report.hidden_match is False


def test_a_check_for_another_organisation_is_refused(cast, fatima_case) -> None:
    with pytest.raises(PermissionDeniedError):
        duplicate_suggestions(cast.es_case_worker, cast.ma, VARIANT)
    assert _checks() == []


def test_the_rate_limit_still_counts_checks_that_find_nothing(cast, fatima_case) -> None:
    from jisr.common.errors import RateLimitedError

    for _ in range(selectors.DUPLICATE_CHECKS_PER_WINDOW):
        duplicate_suggestions(cast.es_case_worker, cast.es, VARIANT)
    with pytest.raises(RateLimitedError):
        duplicate_suggestions(cast.es_case_worker, cast.es, VARIANT)


def _web_client(user, language: str = "es") -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# What the Spanish case worker types on /persons/new/: the Moroccan record's name (fields not sent are empty).
TYPED = {"given_name_latin": "Fatima", "family_name_latin": "Benali", "sex": "Feminine", "nationality": "ES"}


def test_register_page_says_nothing_of_another_organisations_record(cast, fatima_case) -> None:
    client = _web_client(cast.es_case_worker)
    live = client.post(reverse("web:person_duplicates"), TYPED, HTTP_HX_REQUEST="true")
    assert live.status_code == 200
    html = live.content.decode()
    assert "posible coincidencia" not in html and "coordinador" not in html
    assert fatima_case.person.code not in html and str(fatima_case.person_id) not in html
    # Saving is not held back by a record only another organisation keeps: her own record is created.
    response = client.post(reverse("web:person_register"), TYPED)
    assert response.status_code == 303
    assert Person.objects.filter(organisation=cast.es).count() == 1


def test_api_duplicates_say_nothing_of_another_organisations_record(cast, fatima_case) -> None:
    client = APIClient()
    client.force_authenticate(cast.es_case_worker)
    body = {"given_name_latin": "Fatma", "family_name_latin": "Ben Ali", "sex": "Feminine", "nationality": "ES"}
    response = client.post("/api/v1/persons/duplicates/", body, format="json")
    assert response.status_code == 200
    assert response.json()["candidates"] == [] and response.json()["hidden_match"] is False
