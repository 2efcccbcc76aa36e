"""A reason kept in the audit trail (erasure, reveal) may not carry the person's identity: the audit trail
is append-only and outlives her erased identity (survivors.identity.mentions_identity)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from jisr.accounts.mfa import SESSION_KEY
from jisr.audit.models import AuditEvent
from jisr.survivors.identity import Identity, IdentityDocument, mentions_identity
from jisr.survivors.models import Person
from jisr.survivors.services import IdentityInReasonError, person_erase, person_reveal

IDENTITY = Identity(
    given_name="فاطمة",
    family_name="بن علي",
    given_name_latin="Fatima",
    family_name_latin="Benali",
    aliases=("Titi",),
    date_of_birth=dt.date(2001, 3, 7),
    phone="+212612345678",
    documents=(IdentityDocument("passport", "AB-123456", "MA"),),
)


@pytest.mark.parametrize(
    "reason",
    [
        "Fatima asked us to delete her file",
        "FATIMA BENALI asked",
        "Hélène? no: fatimâ asked",  # accents and case do not hide a name
        "طلبت فاطمة حذف ملفها",
        "طلبت فَاطِمَة حذف ملفها",  # diacritics
        "she (Titi) asked",
        "called her on 0612 345 678",
        "called her on ٠٦١٢٣٤٥٦٧٨",  # Eastern Arabic digits
        "passport ab123456 seen",
        "born 07/03/2001 per the file",
        "born 2001-03-07",
        "Fatma Ben Ali called to verify her papers",  # another spelling: same skeleton as the duplicate check
        "Faatimah asked",
        "بنعلي طلبت",  # the family name glued
    ],
)
def test_reasons_that_name_her_are_recognised(reason: str) -> None:
    assert mentions_identity(reason, IDENTITY)


@pytest.mark.parametrize(
    "reason",
    [
        "She asked for her file to be deleted (request of 12/05/2026)",
        "طلبت حذف ملفها بعد العودة الطوعية",
        "Duplicate record of another case",
        "Fat chance",  # a prefix of a name is not the name
        "ticket 123",
        "Asked on the phone after the hearing; our lawyer agrees",
        "طلبت المستفيدة ذلك عبر الهاتف بعد الجلسة",
        "Court order of the juvenile judge, see the signed form",
    ],
)
def test_ordinary_reasons_pass(reason: str) -> None:
    assert not mentions_identity(reason, IDENTITY)


@pytest.mark.parametrize(
    ("identity", "reason"),
    [
        (Identity(given_name_latin="Meryem", family_name_latin="Benaissa"), "Mariam Ben Aissa called to verify"),
        (Identity(given_name_latin="Hanane", family_name_latin="Tazi"), "Hanan Tazy asked for it on the phone"),
        (Identity(given_name="حنان", family_name="التازي"), "Hanane Tazi asked"),  # across scripts, the pair
    ],
)
def test_another_spelling_of_her_name_is_recognised(identity: Identity, reason: str) -> None:
    assert mentions_identity(reason, identity)


def test_erase_and_reveal_refuse_a_reason_naming_her_and_change_nothing(cast, fatima_case) -> None:  # type: ignore[no-untyped-def]
    person = fatima_case.person
    before = AuditEvent.objects.count()
    with pytest.raises(IdentityInReasonError):
        person_erase(actor=cast.ma_supervisor, person=person, reason="Fatima Benali asked to be forgotten")
    with pytest.raises(IdentityInReasonError):
        person_reveal(actor=cast.ma_supervisor, person=person, field="phone", reason="to call Fatima back")
    assert not Person.objects.get(pk=person.pk).is_erased
    assert AuditEvent.objects.count() == before


def test_erase_screen_says_why_the_reason_is_refused(cast, fatima_case, settings) -> None:  # type: ignore[no-untyped-def]
    import time

    settings.JISR_REQUIRE_MFA = True
    person = fatima_case.person
    client = Client()
    client.force_login(cast.ma_supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    session = client.session
    session[SESSION_KEY] = time.time()
    session.save()
    url = reverse("survivors:person_erase", kwargs={"person_id": person.pk})
    response = client.post(url, {"reason": "Benali asked to be forgotten", "confirm_code": person.code})
    assert response.status_code == 400
    assert "le motif reste dans le journal d&#x27;audit" in response.content.decode()
    assert not Person.objects.get(pk=person.pk).is_erased
    assert not AuditEvent.objects.filter(action="person.erase").exists()


def test_a_refused_erase_page_logs_no_read(cast, fatima_case) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(cast.ma_case_worker)
    url = reverse("survivors:person_erase", kwargs={"person_id": fatima_case.person.pk})
    before = AuditEvent.objects.filter(action="person.view").count()
    assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(action="person.view").count() == before
