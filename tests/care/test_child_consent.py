"""A person under 18 is a child (Palermo Protocol art. 3(d)): her case and person pages say so, and her
consent is given by a parent or legal guardian, never by her alone — a rule of the service
(care.services.consent_giver_error), which the form applies too. All people are generated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from jisr.audit.models import AuditEvent
from jisr.care import services as svc
from jisr.care.models import Consent, ConsentGiver, ConsentPurpose
from jisr.cases.services import case_open
from jisr.survivors.identity import Identity
from jisr.survivors.models import Person
from jisr.survivors.selectors import identity_for_display
from jisr.survivors.services import person_register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
BADGE = {"fr": "Enfant (moins de 18 ans)", "ar": "طفل (دون 18 سنة)", "es": "Menor (menos de 18 años)"}


def _years_ago(years: int, days: int = 0) -> dt.date:
    """The day `years` years before today, moved `days` later (29 February taken as 28)."""
    day = TODAY.replace(day=28) if (TODAY.month, TODAY.day) == (2, 29) else TODAY
    return day.replace(year=day.year - years) + dt.timedelta(days=days)


def _case(cast, *, estimated_age: int | None = None, date_of_birth: dt.date | None = None):  # type: ignore[no-untyped-def]
    person = person_register(
        actor=cast.ma_case_worker,
        organisation=cast.ma,
        identity=Identity(given_name_latin="Salma", family_name_latin="Tazi", date_of_birth=date_of_birth),
        sex="Feminine",
        nationality="MA",
        estimated_age=estimated_age,
    )
    return case_open(actor=cast.ma_case_worker, person=person)


def _record(cast, case, given_by: str, purpose: str = "assistance", given_on: dt.date = TODAY):  # type: ignore[no-untyped-def]
    extra = {"recipient": "Centre de santé"} if purpose in ("referral", "sharing") else {}
    return svc.consent_record(
        actor=cast.ma_case_worker, case=case, purpose=purpose, given_by=given_by, method="written",
        language="ar", given_on=given_on, **extra,
    )


# --- the rule (pure) --------------------------------------------------------------------------------


@pytest.mark.parametrize("age", [0, 12, 15, 17])
def test_a_child_alone_may_not_consent_a_guardian_may(age: int) -> None:
    assert svc.consent_giver_error(age=age, given_by=ConsentGiver.SURVIVOR) == svc.CHILD_CONSENT_BY_GUARDIAN
    assert svc.consent_giver_error(age=age, given_by=ConsentGiver.GUARDIAN) is None


@pytest.mark.parametrize("age", [18, 19, 40, None])
def test_an_adult_or_unknown_age_consents_herself(age: int | None) -> None:
    assert svc.consent_giver_error(age=age, given_by=ConsentGiver.SURVIVOR) is None
    assert svc.is_child(age) is False


# --- the service ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("purpose", ConsentPurpose.values)
def test_service_refuses_a_consent_given_by_a_child_alone_for_every_purpose(cast, purpose: str) -> None:
    case = _case(cast, estimated_age=17)
    with pytest.raises(ValueError, match="parent or legal guardian"):
        _record(cast, case, "survivor", purpose)
    assert not Consent.objects.exists() and not AuditEvent.objects.filter(action="consent.record").exists()
    consent = _record(cast, case, "guardian", purpose)
    assert consent.given_by == "guardian"
    [event] = AuditEvent.objects.filter(action="consent.record")
    assert event.details["given_by"] == "guardian"


def test_service_takes_the_age_from_the_date_of_birth(cast) -> None:
    child = _case(cast, date_of_birth=_years_ago(17))
    with pytest.raises(ValueError):
        _record(cast, child, "survivor")
    adult = _case(cast, date_of_birth=_years_ago(30), estimated_age=None)
    assert _record(cast, adult, "survivor").given_by == "survivor"


def test_service_takes_the_age_on_the_day_the_consent_was_given(cast) -> None:
    # Turned 18 ten days ago: a consent she gave herself twenty days ago was a child's; today's is hers.
    case = _case(cast, date_of_birth=_years_ago(18, days=-10))
    with pytest.raises(ValueError):
        _record(cast, case, "survivor", given_on=TODAY - dt.timedelta(days=20))
    assert _record(cast, case, "survivor", given_on=TODAY).given_by == "survivor"


def test_an_estimated_age_is_advanced_from_the_day_it_was_estimated(cast) -> None:
    # Estimated at 17 two years ago: 19 now, an adult.
    case = _case(cast, estimated_age=17)
    Person.objects.filter(pk=case.person_id).update(age_estimated_on=_years_ago(2))
    case.person.refresh_from_db()
    assert svc.person_age_on(case.person, TODAY) == 19
    assert _record(cast, case, "survivor").given_by == "survivor"


def test_an_adult_and_a_person_of_unknown_age_still_consent_themselves(cast, fatima_case) -> None:
    assert _record(cast, fatima_case, "survivor").given_by == "survivor"  # estimated 24
    assert _record(cast, _case(cast), "survivor").given_by == "survivor"


# --- the pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "ar", "es"])
def test_case_page_header_shows_the_child_badge(login_as, cast, language: str) -> None:
    child = _case(cast, estimated_age=17)
    html = login_as(cast.ma_case_worker, language).get(reverse("web:case_detail", args=[child.pk])).content.decode()
    header = html.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert BADGE[language] in header


def test_no_child_badge_for_an_adult(login_as, cast, fatima_case) -> None:
    client = login_as(cast.ma_case_worker)
    assert "data-child-badge" not in client.get(reverse("web:case_detail", args=[fatima_case.pk])).content.decode()
    care = client.get(reverse("care:case_care", args=[fatima_case.pk]) + "?tab=consent").content.decode()
    assert "data-child-badge" not in care
    assert 'value="guardian" selected' not in care  # the person herself, the first choice, as before


def test_child_badge_from_a_date_of_birth_for_a_supervisor_who_sees_it_masked(login_as, cast) -> None:
    child = _case(cast, date_of_birth=_years_ago(16))
    html = login_as(cast.ma_supervisor).get(reverse("web:case_detail", args=[child.pk])).content.decode()
    assert BADGE["fr"] in html


def test_child_badge_tag_for_the_person_page(cast) -> None:
    """The tag person_detail.html is to show: `{% load jisr_care %}{% child_badge person identity %}`."""
    child = _case(cast, date_of_birth=_years_ago(17)).person
    adult = _case(cast, date_of_birth=_years_ago(18, days=-1)).person  # 18 since yesterday
    template = Template("{% load jisr_care %}{% child_badge person identity %}")

    def render(person: Person, identity: object) -> str:
        return template.render(Context({"person": person, "identity": identity}))

    assert "data-child-badge" in render(child, identity_for_display(cast.ma_case_worker, child))
    assert "data-child-badge" not in render(adult, identity_for_display(cast.ma_case_worker, adult))
    # Without an identity (it could not be read): the estimate alone; a date of birth it cannot read
    # is no reason to guess.
    estimated = _case(cast, estimated_age=16).person
    assert "data-child-badge" in render(estimated, None)
    assert render(child, None).strip() == ""


@pytest.mark.parametrize("language", ["fr", "ar", "es"])
def test_consent_tab_of_a_child_defaults_to_the_guardian_and_says_why(login_as, cast, language: str) -> None:
    child = _case(cast, estimated_age=17)
    html = login_as(cast.ma_case_worker, language).get(
        reverse("care:case_care", args=[child.pk]) + "?tab=consent"
    ).content.decode()
    assert 'value="guardian" selected' in html and 'value="survivor" selected' not in html
    assert BADGE[language] in html.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert 'role="note"' in html


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Elle était enfant (moins de 18 ans) le jour du consentement"),
        ("ar", "كانت طفلة (دون 18 سنة) يوم الموافقة"),
        ("es", "Era menor de edad (menos de 18 años) el día del consentimiento"),
    ],
)
def test_consent_form_refuses_a_child_alone_with_a_translated_error(login_as, cast, language, message) -> None:
    child = _case(cast, estimated_age=17)
    response = login_as(cast.ma_case_worker, language).post(
        reverse("care:consent_add", args=[child.pk]),
        {"purpose": "assistance", "given_by": "survivor", "method": "written", "language": "ar",
         "given_on": TODAY.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Consent.objects.exists()


def test_a_refusal_by_the_service_alone_is_translated_too(login_as, cast, monkeypatch) -> None:
    # Should the form not see it (its age reader said adult), the service still refuses, and the page
    # says why in the user's language.
    from types import SimpleNamespace

    from jisr.care import forms

    child = _case(cast, estimated_age=17)
    # The form's view of the rule only (the service module itself is left as it is).
    blind = SimpleNamespace(is_child=lambda age: False, consent_giver_error=lambda **kw: None)
    monkeypatch.setattr(forms, "svc", blind)
    response = login_as(cast.ma_case_worker, "fr").post(
        reverse("care:consent_add", args=[child.pk]),
        {"purpose": "statistics", "given_by": "survivor", "method": "written", "language": "fr",
         "given_on": TODAY.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 400 and not Consent.objects.exists()
    assert "Elle était enfant (moins de 18 ans) le jour du consentement" in response.content.decode()


def test_person_page_header_shows_the_child_badge(login_as, cast, fatima_case) -> None:
    child = _case(cast, estimated_age=17)
    client = login_as(cast.ma_case_worker, "ar")
    html = client.get(reverse("web:person_detail", args=[child.person_id])).content.decode()
    assert BADGE["ar"] in html.split("<h1", 1)[1].split("</h1>", 1)[0]
    adult = client.get(reverse("web:person_detail", args=[fatima_case.person_id])).content.decode()
    assert "data-child-badge" not in adult
