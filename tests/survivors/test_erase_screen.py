"""The erasure screen: offered on the person page to supervisors and coordinators of her organisation,
404 to anyone who may not see her, 403 to a role that may not erase, a recent second factor first,
refused cleanly (nothing changed) on a missing reason, a wrong code or an erased person; afterwards
every page shows her as "identity erased"."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jisr.accounts.mfa import SESSION_KEY
from jisr.audit.models import AuditEvent
from jisr.crypto.models import DataKey
from jisr.survivors.models import Person, PersonIndex

pytestmark = pytest.mark.django_db

NAMES = ("فاطمة", "بن علي", "Fatima", "Benali", "612345678", "AB123456")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)", re.I)
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _client(user, language: str = "fr", mfa_at: float | None = None) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if mfa_at is not None:
        session = client.session
        session[SESSION_KEY] = mfa_at
        session.save()
    return client


def _url(person) -> str:  # type: ignore[no-untyped-def]
    return reverse("survivors:person_erase", kwargs={"person_id": person.pk})


def _detail(person) -> str:  # type: ignore[no-untyped-def]
    return reverse("web:person_detail", kwargs={"person_id": person.pk})


def _unchanged(person) -> None:  # type: ignore[no-untyped-def]
    """Nothing was erased: no erasure date, the data key and the search entries are still there."""
    person = Person.objects.get(pk=person.pk)
    assert person.erased_at is None
    assert DataKey.objects.get(pk=person.data_key_id).wrapped is not None
    assert PersonIndex.objects.filter(person=person).exists()
    assert not AuditEvent.objects.filter(action="person.erase").exists()


@pytest.fixture
def mfa_on(settings):  # type: ignore[no-untyped-def]
    settings.JISR_REQUIRE_MFA = True


def test_person_page_offers_erasure_only_to_those_who_may(cast, fatima_case):  # type: ignore[no-untyped-def]
    person = fatima_case.person
    for persona, offered in (("ma_supervisor", True), ("ma_coordinator", True), ("ma_case_worker", False)):
        html = _client(getattr(cast, persona)).get(_detail(person)).content.decode()
        assert (_url(person) in html) is offered, persona


@pytest.mark.parametrize("method", ["get", "post"])
def test_case_worker_is_refused(cast, fatima_case, method):  # type: ignore[no-untyped-def]
    person = fatima_case.person
    client = _client(cast.ma_case_worker)
    response = getattr(client, method)(_url(person), {"reason": "she asked for it", "confirm_code": person.code})
    assert response.status_code == 403
    _unchanged(person)


@pytest.mark.parametrize(
    "persona", ["es_supervisor", "ma_other_supervisor", "ma_case_worker_2", "ma_roadmap", "outsider"]
)
def test_those_who_cannot_see_her_get_404(cast, fatima_case, persona):  # type: ignore[no-untyped-def]
    person = fatima_case.person
    client = _client(getattr(cast, persona))
    assert client.get(_url(person)).status_code == 404
    response = client.post(_url(person), {"reason": "she asked for it", "confirm_code": person.code})
    assert response.status_code == 404
    _unchanged(person)


def test_a_stale_second_factor_sends_the_supervisor_to_verify_first(cast, fatima_case, mfa_on):  # type: ignore[no-untyped-def]
    person = fatima_case.person
    client = _client(cast.ma_supervisor, mfa_at=time.time() - 3600)  # passed an hour ago
    response = client.get(_url(person))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))
    assert "next=" + _url(person).replace("/", "%2F") in response["Location"]
    response = client.post(
        _url(person),
        {"reason": "she asked for it", "confirm_code": person.code},
        HTTP_REFERER="http://testserver" + _url(person),
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa_verify"))
    _unchanged(person)


def test_supervisor_with_recent_second_factor_erases(cast, fatima_case, mfa_on):  # type: ignore[no-untyped-def]
    person = fatima_case.person
    client = _client(cast.ma_supervisor, "ar", mfa_at=time.time())
    page = client.get(_url(person))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="ar" dir="rtl">' in html and person.code in html
    assert not any(name in html for name in NAMES)  # the screen shows her code only
    assert not INLINE_SCRIPT.search(html) and " style=" not in html
    assert 'name="reason"' in html and 'name="confirm_code"' in html
    # Typed on an Arabic keyboard: Eastern Arabic digits in the code are accepted.
    typed = person.code.lower().translate(EASTERN)
    response = client.post(_url(person), {"reason": "طلبت ذلك بنفسها", "confirm_code": typed})
    assert response.status_code == 303 and response["Location"] == _detail(person)

    person = Person.objects.get(pk=person.pk)
    assert person.is_erased
    assert DataKey.objects.get(pk=person.data_key_id).wrapped is None
    assert not PersonIndex.objects.filter(person=person).exists()
    event = AuditEvent.objects.get(action="person.erase")
    assert event.actor == cast.ma_supervisor and event.target_id == str(person.pk)
    assert event.organisation_id == cast.ma.pk
    assert event.details == {} and event.reason == "طلبت ذلك بنفسها"
    payload = str(event.payload())
    assert not any(name in payload for name in NAMES)

    after = client.get(response["Location"])
    assert after.status_code == 200
    html = after.content.decode()
    assert "مُحيت هوية هذا الشخص" in html  # "This person's identity was erased…"
    assert _url(person) not in html  # nothing left to erase: the link is gone
    assert not any(name in html for name in NAMES)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "", "confirm_code": None}, "reason"),
        ({"reason": "  ab ", "confirm_code": None}, "reason"),
        ({"reason": "she asked for it", "confirm_code": ""}, "confirm_code"),
        ({"reason": "she asked for it", "confirm_code": "MA-TEST-1999-0001"}, "confirm_code"),
    ],
)
def test_refused_request_changes_nothing(cast, fatima_case, data, field):  # type: ignore[no-untyped-def]
    person = fatima_case.person
    if data["confirm_code"] is None:
        data = {**data, "confirm_code": person.code}
    response = _client(cast.ma_supervisor).post(_url(person), data)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert 'aria-invalid="true"' in response.content.decode()
    _unchanged(person)


def test_an_erased_person_cannot_be_erased_again(cast, fatima_case):  # type: ignore[no-untyped-def]
    person = fatima_case.person
    client = _client(cast.ma_coordinator)
    data = {"reason": "she asked for it", "confirm_code": person.code}
    assert client.post(_url(person), data).status_code == 303
    again = client.post(_url(person), data)
    assert again.status_code == 409
    assert "déjà" in again.content.decode()  # "already erased", in French
    assert AuditEvent.objects.filter(action="person.erase").count() == 1
    page = client.get(_url(person))
    assert page.status_code == 200 and 'name="confirm_code"' not in page.content.decode()


@pytest.mark.parametrize(("language", "erased_label"), [("ar", "مُحيت الهوية"), ("fr", "Identité effacée")])
def test_erased_person_pages_render(cast, fatima_case, language, erased_label):  # type: ignore[no-untyped-def]
    from jisr.cases.services import case_note_add
    from jisr.survivors.services import person_erase

    person = fatima_case.person
    case_note_add(actor=cast.ma_case_worker, case=fatima_case, body="ملاحظة")
    person_erase(actor=cast.ma_supervisor, person=person, reason="she asked for it")
    for persona in ("ma_case_worker", "ma_supervisor", "ma_coordinator"):
        client = _client(getattr(cast, persona), language)
        pages = {
            "detail": client.get(_detail(person)),
            "list": client.get(reverse("web:person_list")),
            "code search": client.get(reverse("web:person_list"), {"q": person.code}),
            "name search": client.post(reverse("web:person_list"), {"name": "Fatima"}),
            "case": client.get(reverse("web:case_detail", kwargs={"case_id": fatima_case.pk})),
            "dashboard": client.get(reverse("web:dashboard")),
        }
        for what, response in pages.items():
            assert response.status_code == 200, (persona, what)
            html = response.content.decode()
            assert f'<html lang="{language}"' in html, (persona, what)
            shown = html.replace('value="Fatima"', "")  # the name search echoes what was typed
            assert not any(name in shown for name in NAMES), (persona, what)
        for what in ("list", "code search", "case"):
            assert erased_label in pages[what].content.decode(), (persona, what)
        # Her search entries are gone: a name finds nobody.
        assert person.code not in pages["name search"].content.decode()


@pytest.mark.parametrize(("language", "words"), [("ar", "الإحالات التي لم تُقبل بعد تُسحب"),
                                                 ("fr", "Les orientations pas encore acceptées sont retirées"),
                                                 ("es", "Las derivaciones aún no aceptadas se retiran")])
def test_the_page_says_referrals_not_yet_accepted_are_withdrawn(cast, fatima_case, language, words) -> None:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(cast.ma_supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(f"/persons/{fatima_case.person.pk}/erase/").content.decode()
    assert words in html
