"""Correcting a person's record (/persons/<uuid>/edit/, survivors.services.person_update): the registration
form filled in from her record, the same validation, one write path; re-indexed; audited (the form is a
read, the save names the fields only); optimistic locking; her identity never unmasked for a role that sees
it masked. And registration no longer records a nationality nobody chose."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from web_helpers import FATIMA_NAMES, urls_in

from jisr.audit.models import AuditEvent
from jisr.survivors.identity import Identity, IdentityDocument
from jisr.survivors.models import Person
from jisr.survivors.services import person_erase, person_identity, person_register
from jisr.web.forms import PersonEditForm

pytestmark = pytest.mark.django_db


def _url(person: Person) -> str:
    return reverse("web:person_edit", kwargs={"person_id": person.pk})


def _prefilled(person: Person, **overrides: object) -> dict[str, object]:
    """What the edit form of a role that sees her in clear posts when nothing is touched: its initial
    values, as the browser sends them."""
    person = Person.objects.get(pk=person.pk)
    form = PersonEditForm(person=person, stored=person_identity(person), masked=False,
                          country=person.organisation.country.code)
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "languages":
            data[name] = list(value or [])
        elif value is not None:
            data[name] = field.prepare_value(value) if isinstance(value, dt.date) else str(value)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _state(person: Person) -> tuple[object, ...]:
    """Everything a refused request must leave as it was."""
    person = Person.objects.get(pk=person.pk)
    return (person_identity(person), person.version, person.sex, person.nationality.code, person.languages,
            person.estimated_age, person.age_estimated_on, sorted(person.index_entries.values_list("kind", "value")))


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("at"))


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as text: apostrophes and the like are escaped in the HTML."""
    return html_lib.unescape(response.content.decode())


def _search(client, text: str) -> str:
    return client.post(reverse("web:person_list"), {"q": text}).content.decode()


# --- The page and the save ---------------------------------------------------------------------------------


def test_the_form_is_filled_in_from_her_record_and_its_read_is_audited(cast, fatima_case, login_as):
    person = fatima_case.person
    response = login_as(cast.ma_case_worker).get(_url(person))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    for value in ("فاطمة", "بن علي", "Fatima", "Benali", "+212612345678", "AB123456"):
        assert f'value="{value}"' in html
    assert re.search(r'<option value="MA" selected>', html)
    assert re.search(r'name="estimated_age" value="24"', html)  # her age today, from the estimate
    assert re.search(r'<input type="hidden" name="version" value="1"', html)
    assert not [u for u in urls_in(html) if any(n in u for n in FATIMA_NAMES)]
    [event] = _events("person.view")  # exactly as her page: one read, of her
    assert event.target_id == str(person.pk) and event.actor == cast.ma_case_worker


def test_edit_saves_reindexes_and_audits_field_names_only(cast, fatima_case, login_as):
    person = fatima_case.person
    client = login_as(cast.ma_case_worker)
    data = _prefilled(person, given_name_latin="Khadija", family_name_latin="Tazi", given_name="خديجة",
                      family_name="التازي", date_of_birth="05/03/1999", estimated_age="",
                      languages=["ar", "fr"])
    response = client.post(_url(person), data)
    assert response.status_code == 303, response.content.decode()[:3000]
    assert response["Location"] == reverse("web:person_detail", kwargs={"person_id": person.pk})
    person = Person.objects.get(pk=person.pk)
    identity = person_identity(person)
    assert (identity.given_name_latin, identity.family_name_latin, identity.date_of_birth) == (
        "Khadija", "Tazi", dt.date(1999, 3, 5))
    assert identity.phone == "+212612345678"  # untouched fields stay as they were
    assert identity.documents == (IdentityDocument("national_id", "AB123456", "MA"),)  # country kept
    assert person.version == 2 and person.estimated_age is None and person.languages == ["ar", "fr"]
    [update] = _events("person.update")
    assert set(update.details["fields"]) == {"given_name", "family_name", "given_name_latin", "family_name_latin",
                                             "date_of_birth", "languages", "estimated_age", "age_precision"}
    payload = str(update.payload())
    assert not any(v in payload for v in ("Khadija", "Tazi", "خديجة", "Fatima", "Benali", "1999"))
    # Re-indexed: the new name finds her, the old one no longer does.
    assert person.code in _search(client, "Khadija Tazi")
    assert person.code in _search(client, "خديجة")
    assert person.code not in _search(client, "Fatima Benali")
    assert person.code not in _search(client, "Benali")


def test_the_person_page_offers_edit_only_to_roles_that_may(cast, fatima_case, login_as):
    person = fatima_case.person
    page = reverse("web:person_detail", kwargs={"person_id": person.pk})
    for user, shown in ((cast.ma_case_worker, True), (cast.ma_supervisor, True), (cast.ma_coordinator, False)):
        html = login_as(user).get(page).content.decode()
        assert (f'href="{_url(person)}"' in html) is shown, user


def test_other_organisation_gets_404_and_nothing_changes(cast, fatima_case, login_as):
    person = fatima_case.person
    before = _state(person)
    client = login_as(cast.es_case_worker)
    assert client.get(_url(person)).status_code == 404
    assert client.post(_url(person), _prefilled(person, given_name_latin="Khadija")).status_code == 404
    assert _state(person) == before
    assert not _events("person.view") and not _events("person.update")


def test_a_read_only_role_is_refused_and_nothing_changes(cast, fatima_case, login_as):
    person = fatima_case.person
    before = _state(person)
    client = login_as(cast.ma_coordinator)  # sees her (masked), may not change her record
    response = client.get(_url(person))
    assert response.status_code == 403
    assert "Votre rôle ne vous permet pas de modifier la fiche d'une personne." in _text(response)
    response = client.post(_url(person), _prefilled(person, given_name_latin="Khadija"))
    assert response.status_code == 403
    assert _state(person) == before
    assert not _events("person.view") and not _events("person.update")  # a refusal shows nothing of her


def test_a_stale_form_is_a_conflict_and_nothing_is_saved(cast, fatima_case, login_as):
    person = fatima_case.person
    worker, supervisor = login_as(cast.ma_case_worker), login_as(cast.ma_supervisor)
    mine = _prefilled(person, given_name_latin="Khadija")  # both opened the form at version 1
    theirs = {**_prefilled(person), "given_name_latin": "", "family_name_latin": "Bennani"}
    assert supervisor.post(_url(person), theirs).status_code == 303
    after_theirs = _state(person)
    response = worker.post(_url(person), mine)
    assert response.status_code == 409
    html = _text(response)
    assert "Quelqu'un d'autre a modifié la fiche de cette personne" in html
    assert 'value="Khadija"' in html  # what she typed is still there to be compared and typed again
    assert _state(person) == after_theirs  # the other change stands; nothing of hers was saved
    assert person_identity(Person.objects.get(pk=person.pk)).family_name_latin == "Bennani"
    assert len(_events("person.update")) == 1
    # Opened again, the form carries the new version and saves.
    assert worker.post(_url(person), _prefilled(person, given_name_latin="Khadija")).status_code == 303


def test_a_form_without_its_version_saves_nothing(cast, fatima_case, login_as):
    person = fatima_case.person
    before = _state(person)
    data = _prefilled(person, given_name_latin="Khadija")
    del data["version"]
    response = login_as(cast.ma_case_worker).post(_url(person), data)
    assert response.status_code == 400
    assert "ce formulaire n'est plus à jour" in _text(response)
    assert _state(person) == before


def test_an_erased_person_cannot_be_edited(cast, fatima_case, login_as):
    person = fatima_case.person
    data = _prefilled(person, given_name_latin="Khadija")
    person_erase(actor=cast.ma_supervisor, person=person, reason="she asked for erasure")
    client = login_as(cast.ma_case_worker)
    for response in (client.get(_url(person)), client.post(_url(person), data)):
        assert response.status_code == 409
        assert "L'identité de cette personne a été effacée." in _text(response)
    person = Person.objects.get(pk=person.pk)
    assert person.version == 1 and not person.index_entries.exists() and not _events("person.update")
    page = login_as(cast.ma_case_worker).get(reverse("web:person_detail", kwargs={"person_id": person.pk}))
    assert f'href="{_url(person)}"' not in page.content.decode()


def test_invalid_input_keeps_what_was_typed_and_saves_nothing(cast, fatima_case, login_as):
    person = fatima_case.person
    before = _state(person)
    client = login_as(cast.ma_case_worker)
    response = client.post(_url(person), _prefilled(person, given_name_latin="Khadija", date_of_birth="31/02/2001",
                                                   phone="12", estimated_age="200"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Khadija"' in html and 'value="31/02/2001"' in html
    for field in ("date_of_birth", "phone", "estimated_age"):  # each error next to its field
        assert f'<div class="invalid-feedback d-block" id="id_{field}_errors">' in html, field
    assert "Rien n'a été enregistré" in _text(response)
    # Both a date of birth and an estimate; no name left at all: refused as at registration.
    both = client.post(_url(person), _prefilled(person, date_of_birth="01/01/2000", estimated_age="24"))
    assert both.status_code == 400
    nameless = client.post(_url(person), _prefilled(person, given_name="", family_name="", given_name_latin="",
                                                    family_name_latin=""))
    assert nameless.status_code == 400
    assert "Saisissez au moins un prénom ou un nom" in nameless.content.decode()
    assert _state(person) == before and not _events("person.update")


def test_hidden_characters_are_removed_and_a_name_of_only_hidden_characters_is_refused(cast, fatima_case, login_as):
    person = fatima_case.person
    client = login_as(cast.ma_case_worker)
    response = client.post(_url(person), _prefilled(person, given_name_latin="Kha\u200bdija\u202e",
                                                    family_name_latin="\u2066Tazi\u2069"))
    assert response.status_code == 303
    identity = person_identity(Person.objects.get(pk=person.pk))
    assert (identity.given_name_latin, identity.family_name_latin) == ("Khadija", "Tazi")
    before = _state(person)
    hidden_only = {"given_name": "\u200b", "family_name": "", "given_name_latin": "\u202e", "family_name_latin": ""}
    response = client.post(_url(person), _prefilled(person, **hidden_only))
    assert response.status_code == 400
    assert "Saisissez au moins un prénom ou un nom" in response.content.decode()
    assert _state(person) == before


def test_eastern_arabic_digits_in_date_phone_and_age(cast, fatima_case, login_as):
    person = fatima_case.person
    client = login_as(cast.ma_case_worker, "ar")
    response = client.post(_url(person), _prefilled(person, date_of_birth="٠٥/٠٣/١٩٩٩", estimated_age="",
                                                    phone="٠٦٦١٢٣٤٥٦٧", document_number="CD٩٨٧٦٥٤"))
    assert response.status_code == 303, response.content.decode()[:3000]
    person = Person.objects.get(pk=person.pk)
    identity = person_identity(person)
    assert identity.date_of_birth == dt.date(1999, 3, 5) and identity.phone == "+212661234567"
    assert identity.documents == (IdentityDocument("national_id", "CD987654", "MA"),)  # same kind: country kept
    # Back to an estimate, in Eastern digits: a new estimate, made today.
    response = client.post(_url(person), _prefilled(person, date_of_birth="", estimated_age="٣٠",
                                                    age_precision="year"))
    assert response.status_code == 303
    person = Person.objects.get(pk=person.pk)
    assert person_identity(person).date_of_birth is None
    assert (person.estimated_age, person.age_estimated_on, person.age_precision) == (30, timezone.localdate(), "year")


def test_saving_the_same_age_keeps_the_date_of_the_estimate(cast, fatima_case, login_as):
    person = fatima_case.person
    long_ago = timezone.localdate() - dt.timedelta(days=3 * 366)
    Person.objects.filter(pk=person.pk).update(age_estimated_on=long_ago)  # estimated at 24, three years ago
    data = _prefilled(person)
    assert data["estimated_age"] == "27"  # her age today, as her page shows it
    assert login_as(cast.ma_case_worker).post(_url(person), data).status_code == 303
    person = Person.objects.get(pk=person.pk)
    assert (person.estimated_age, person.age_estimated_on) == (24, long_ago)
    assert "estimated_age" not in _events("person.update")[0].details["fields"]


def test_what_the_lists_do_not_offer_is_kept(cast, login_as):
    # A person imported (or referred) with a language the form does not list and two documents.
    person = person_register(
        actor=cast.ma_case_worker, organisation=cast.ma, sex="Feminine", languages=["tr", "ar"],
        identity=Identity(given_name_latin="Aylin", family_name_latin="Kaya", documents=(
            IdentityDocument("passport", "U1234567", "TR"), IdentityDocument("residence_permit", "Y7654321", "MA"))),
    )
    client = login_as(cast.ma_case_worker)
    html = client.get(_url(person)).content.decode()
    assert 'value="tr"' in html and "U1234567" in html and "Y7654321" in html  # the second one listed, kept
    assert client.post(_url(person), _prefilled(person, given_name_latin="Aylın")).status_code == 303
    person = Person.objects.get(pk=person.pk)
    assert person.languages == ["tr", "ar"]
    assert person_identity(person).documents == (
        IdentityDocument("passport", "U1234567", "TR"), IdentityDocument("residence_permit", "Y7654321", "MA"))


def test_the_arabic_page_is_translated(cast, fatima_case, login_as):
    html = login_as(cast.ma_case_worker, "ar").get(_url(fatima_case.person)).content.decode()
    assert 'dir="rtl"' in html and "تعديل سجل الشخص" in html and "إلغاء" in html
    page = login_as(cast.ma_case_worker, "ar").get(reverse("web:person_detail",
                                                           kwargs={"person_id": fatima_case.person_id}))
    assert ">تعديل</a>" in page.content.decode()


# --- A role that sees her identity masked ------------------------------------------------------------------


def test_a_supervisor_edits_without_her_identity_being_unmasked(cast, fatima_case, login_as):
    person = fatima_case.person
    client = login_as(cast.ma_supervisor)  # writes cases, sees identities masked
    response = client.get(_url(person))
    assert response.status_code == 200
    html = response.content.decode()
    for value in ("فاطمة", "بن علي", "Fatima", "Benali", "612345678", "AB123456"):
        assert value not in html, value
    assert "masquée pour votre rôle" in html
    assert re.search(r'<option value="MA" selected>', html)  # nationality and sex are in clear on her page too
    [view] = _events("person.view")
    assert view.actor == cast.ma_supervisor
    # She adds a passport number and corrects the Latin given name; every empty identity field keeps its value.
    data = {"given_name": "", "family_name": "", "given_name_latin": "Fatiha", "family_name_latin": "", "aliases": "",
            "date_of_birth": "", "estimated_age": "24", "age_precision": "approximate", "sex": "Feminine",
            "nationality": "MA", "phone": "", "document_kind": "passport", "document_number": "P٥٥٥٤٤٤",
            "version": "1"}
    response = client.post(_url(person), data)
    assert response.status_code == 303, response.content.decode()[:3000]
    identity = person_identity(Person.objects.get(pk=person.pk))
    assert (identity.given_name, identity.family_name, identity.given_name_latin, identity.family_name_latin) == (
        "فاطمة", "بن علي", "Fatiha", "Benali")
    assert identity.phone == "+212612345678"
    assert identity.documents == (IdentityDocument("passport", "P555444", ""),)
    [update] = _events("person.update")
    assert set(update.details["fields"]) == {"given_name_latin", "documents"}


def test_a_masked_form_that_is_refused_shows_nothing_recorded(cast, fatima_case, login_as):
    person = fatima_case.person
    client = login_as(cast.ma_supervisor)
    data = {"given_name_latin": "", "sex": "Feminine", "age_precision": "approximate", "phone": "12",
            "version": "1"}
    response = client.post(_url(person), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert not any(v in html for v in ("Fatima", "Benali", "فاطمة", "612345678", "AB123456"))
    assert _events("person.update") == []


# --- Registration: nationality is not preselected ----------------------------------------------------------


def test_registration_does_not_preselect_a_nationality(cast, login_as):
    client = login_as(cast.ma_case_worker)
    html = client.get(reverse("web:person_register")).content.decode()
    select = re.search(r'<select name="nationality".*?</select>', html, flags=re.S).group(0)
    assert " selected" not in select.replace('<option value="" selected>', "")
    assert '<option value="" selected>Non renseignée / inconnue</option>' in select
    # The organisation's country is still offered first.
    assert select.index('value="MA"') < select.index('value="AF"')
    response = client.post(reverse("web:person_register"), {
        "given_name_latin": "Salma", "family_name_latin": "Bouzid", "sex": "Feminine", "age_precision": "approximate",
    })
    assert response.status_code == 303
    person = Person.objects.get()
    assert Person.objects.filter(pk=person.pk, nationality="").exists()  # unknown, not Morocco
    # Exported as unknown: no HTCDS citizenship and an empty CTDC cell, never a country.
    from jisr.statistics.core.htcds import CaseRecord, case_to_ctdc, case_to_htcds

    record = CaseRecord(sex=person.sex, nationality=person.nationality.code or "", age=None, exploitation_types=(),
                        status="open", closure_reason="", trm_stage="identification", opened_on=timezone.localdate())
    assert case_to_htcds(record)["prs_Citizenship"] == []
    assert case_to_ctdc(record)["citizenship"] is None


# --- The service's lock --------------------------------------------------------------------------------------


def test_person_update_refuses_a_stale_version_and_counts_versions(cast, fatima_case) -> None:
    from jisr.common.errors import ConflictError
    from jisr.survivors.services import person_update

    person = fatima_case.person
    identity = person_identity(person)
    person_update(actor=cast.ma_case_worker, person=person, identity=identity, expected_version=1)
    assert Person.objects.get(pk=person.pk).version == 2
    stale = Person.objects.get(pk=person.pk)
    stale.version = 1  # what a form opened before that save carries
    before = _state(person)
    with pytest.raises(ConflictError):
        person_update(actor=cast.ma_supervisor, person=stale, identity=Identity(given_name_latin="Khadija"),
                      expected_version=1)
    assert _state(person) == before
    # A script that read her just now passes no version: no check, one more version.
    person_update(actor=cast.ma_case_worker, person=stale, identity=identity)
    assert Person.objects.get(pk=person.pk).version == 3


def test_a_masked_form_keeps_a_recorded_date_of_birth_and_refuses_an_estimate_beside_it(cast, fatima_case, login_as):
    from jisr.survivors.services import person_update

    person = fatima_case.person
    stored = person_identity(person)
    born = dt.date(2000, 6, 1)
    person_update(actor=cast.ma_case_worker, person=person, identity=Identity(
        **{**{f: getattr(stored, f) for f in ("given_name", "family_name", "given_name_latin", "family_name_latin",
                                              "phone", "documents")}, "date_of_birth": born}))
    before = _state(person)
    client = login_as(cast.ma_supervisor)
    html = client.get(_url(person)).content.decode()
    assert "01/06/2000" not in html and "2000" not in html
    data = {"sex": "Feminine", "age_precision": "approximate", "estimated_age": "30", "version": "2"}
    response = client.post(_url(person), data)
    assert response.status_code == 400
    assert "pour corriger l'âge, saisissez plutôt la date de naissance" in _text(response)
    assert _state(person) == before
    del data["estimated_age"]
    assert client.post(_url(person), data).status_code == 303
    assert person_identity(Person.objects.get(pk=person.pk)).date_of_birth == born
