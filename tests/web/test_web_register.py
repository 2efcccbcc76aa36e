"""Registration: Eastern Arabic digits, duplicate suggestions, the confirmation tick, no names in URLs."""

from __future__ import annotations

import pytest
from django.urls import reverse
from web_helpers import FATIMA_NAMES, urls_in

from jisr.audit.models import AuditEvent
from jisr.survivors.models import Person
from jisr.survivors.services import person_identity

pytestmark = pytest.mark.django_db

REGISTER = "web:person_register"


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "given_name": "", "family_name": "", "given_name_latin": "", "family_name_latin": "",
        "aliases": "", "date_of_birth": "", "estimated_age": "", "age_precision": "approximate",
        "sex": "Feminine", "nationality": "MA", "phone": "", "document_kind": "", "document_number": "",
    }
    data.update(overrides)
    return data


def test_register_with_eastern_arabic_digits(cast, login_as):
    client = login_as(cast.ma_case_worker, "ar")
    data = _form(given_name="خديجة", family_name="التازي", given_name_latin="Khadija",
                 family_name_latin="Tazi", estimated_age="٢٣", phone="٠٦٦١٢٣٤٥٦٧",
                 document_kind="passport", document_number="AB١٢٣٤٥")
    data["languages"] = ["ar", "fr"]
    response = client.post(reverse(REGISTER), data)
    assert response.status_code == 303, response.content.decode()[:2000]
    person = Person.objects.get()
    assert response["Location"] == reverse("web:person_detail", kwargs={"person_id": person.pk})
    assert person.estimated_age == 23
    assert person.age_estimated_on is not None
    assert person.languages == ["ar", "fr"]
    identity = person_identity(person)
    assert identity.phone == "+212661234567"  # Moroccan number typed without prefix, Eastern digits
    assert identity.documents[0].number == "AB12345"
    assert AuditEvent.objects.filter(action="person.register", target_id=str(person.pk)).exists()


def test_register_with_eastern_date_of_birth(cast, login_as):
    client = login_as(cast.ma_case_worker, "ar")
    client.post(reverse(REGISTER), _form(given_name_latin="Salma", family_name_latin="Bouzid",
                                         date_of_birth="٠٥/٠٣/١٩٩٩"))
    person = Person.objects.get()
    assert str(person_identity(person).date_of_birth) == "1999-03-05"
    assert person.estimated_age is None


def test_bad_inputs_are_form_errors_and_write_nothing(cast, login_as):
    client = login_as(cast.ma_case_worker)
    response = client.post(reverse(REGISTER), _form(given_name_latin="Salma", estimated_age="200",
                                                    phone="12", date_of_birth="31/02/2001"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert not Person.objects.exists()
    response = client.post(reverse(REGISTER), _form())  # no name at all
    assert not Person.objects.exists()
    assert "Saisissez au moins un prénom ou un nom" in response.content.decode()


def test_duplicate_suggestion_for_spelling_variant_and_confirmation(cast, fatima_case, login_as):
    client = login_as(cast.ma_case_worker, "fr")
    data = _form(given_name_latin="Fatma", family_name_latin="Ben Ali", estimated_age="25")
    response = client.post(reverse(REGISTER), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert fatima_case.person.code in html  # the candidate, with a link to open her record
    assert reverse("web:person_detail", kwargs={"person_id": fatima_case.person_id}) in html
    assert "nom similaire" in html  # reason code similar_name, translated
    assert "âge proche" in html  # similar_age
    assert "Fatima Benali" in html  # the case worker may see her own case in clear
    # Saving without the tick is refused and writes nothing.
    assert Person.objects.count() == 1
    assert not AuditEvent.objects.filter(action="person.register", actor=cast.ma_case_worker)\
        .exclude(target_id=str(fatima_case.person_id)).exists()
    assert "cochez la case" in html
    # With the tick, the person is saved (never merged: a second record).
    response = client.post(reverse(REGISTER), {**data, "confirm_different": "on"})
    assert response.status_code == 303
    assert Person.objects.count() == 2
    for name in (*FATIMA_NAMES, "Fatma", "Ben Ali"):
        assert name not in response["Location"]


def test_duplicate_suggestion_in_arabic_script_masked_for_supervisor(cast, fatima_case, login_as):
    client = login_as(cast.ma_supervisor, "ar")
    response = client.post(reverse(REGISTER), _form(given_name="فاطمه", family_name="بنعلي"))
    html = response.content.decode()
    assert fatima_case.person.code in html
    assert "فاطمة" not in html  # masked for a supervisor
    assert "ف•••" in html


def test_hidden_match_reported_without_detail(cast, fatima_case, login_as):
    # A supervisor of another team of the same organisation cannot see the record: only the "contact
    # your coordinator" line. (Another organisation's records are not even hinted at:
    # tests/survivors/test_duplicate_scope.py.)
    client = login_as(cast.ma_other_supervisor, "fr")
    response = client.post(reverse(REGISTER), _form(given_name_latin="Fatima", family_name_latin="Benali"))
    html = response.content.decode()
    assert "Une correspondance possible existe dans une fiche que vous ne pouvez pas" in html
    assert fatima_case.person.code not in html
    assert str(fatima_case.person_id) not in html
    assert Person.objects.count() == 1  # must tick to save


def test_live_duplicate_check_is_post_only(cast, fatima_case, login_as):
    client = login_as(cast.ma_case_worker, "fr")
    url = reverse("web:person_duplicates")
    assert client.get(url, {"given_name_latin": "Fatma"}).status_code == 405
    response = client.post(url, _form(given_name_latin="Fatma", family_name_latin="Ben Ali"),
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert fatima_case.person.code in html and "nom similaire" in html
    assert "<html" not in html  # a fragment
    assert 'name="confirm_different"' in html
    # Too little typed: no check at all.
    response = client.post(url, _form(given_name_latin="F"), HTTP_HX_REQUEST="true")
    assert fatima_case.person.code not in response.content.decode()


def test_register_page_uses_post_for_live_check_and_text_inputs_for_numbers(cast, login_as):
    html = login_as(cast.ma_case_worker, "ar").get(reverse(REGISTER)).content.decode()
    assert f'hx-post="{reverse("web:person_duplicates")}"' in html
    assert "hx-get" not in html
    assert 'type="number"' not in html and 'type="date"' not in html
    assert 'inputmode="numeric"' in html


def test_no_personal_data_in_any_url(cast, fatima_case, login_as):
    client = login_as(cast.ma_case_worker, "ar")
    pages = [
        reverse("web:dashboard"), reverse("web:person_list"), reverse(REGISTER),
        reverse("web:person_detail", kwargs={"person_id": fatima_case.person_id}),
        reverse("web:case_detail", kwargs={"case_id": fatima_case.pk}),
    ]
    seen = []
    for url in pages:
        html = client.get(url).content.decode()
        assert "فاطمة" in html or url in (reverse(REGISTER),)  # the names are on the pages…
        seen += urls_in(html)
    post = client.post(reverse(REGISTER), _form(given_name_latin="Fatma", family_name_latin="Ben Ali"))
    seen += urls_in(post.content.decode())
    assert seen
    for url in seen:  # …but never in a link, form action or htmx endpoint
        for name in (*FATIMA_NAMES, "Fatma", "Ben Ali"):
            assert name not in url, url
