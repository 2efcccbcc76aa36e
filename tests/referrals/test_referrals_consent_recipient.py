"""A referral consent names its recipient, and the refer form shows which recipients her consents cover:
names compared whatever the case, accents, Arabic letter variants, spacing and punctuation (never a
different name); the form offers the covered recipients and greys out the others with a link to the
consent tab; a refusal says which names her consents in force cover; the `make run` demo refers its
first case to the other demo organisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jisr.care.models import ConsentPurpose
from jisr.care.selectors import consent_in_force, recipient_key
from jisr.referrals import services as svc
from jisr.referrals.models import Referral
from referrals.conftest import events, give_consent, table_counts

pytestmark = pytest.mark.django_db

LONG = "ONG de demostración (Demo ES)"


def _client(user, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _option(html: str, value: str) -> str:
    """The <option …>label</option> of `value` in the recipient select."""
    select = html.split('name="recipient"', 1)[1].split("</select>", 1)[0]
    return "<option" + select.split(f'<option value="{value}"', 1)[1].split("</option>", 1)[0]


@pytest.mark.parametrize(("typed", "same"), [
    ("ong de demostracion (demo es)", True),
    ("  ONG   de Demostración  (Demo ES) ", True),
    ("ONG de demostración — Demo-ES.", True),
    ("ONG de demostración Demo ES", True),
    ("Demo ES", False),  # another name: not the same recipient
    ("ONG de demostración (Demo MA)", False),
])
def test_recipient_key_ignores_case_accents_spacing_and_punctuation(typed: str, same: bool) -> None:
    assert (recipient_key(typed) == recipient_key(LONG)) is same


def test_recipient_key_for_arabic_names() -> None:
    name = "جمعية تجريبية لحقوق النساء (Demo MA)"
    assert recipient_key("جَمعيّة تجريبيه لحقوق النساء - demo ma") == recipient_key(name)  # diacritics, ة/ه
    assert recipient_key("إدارة") == recipient_key("ادارة")  # hamza on alef
    assert recipient_key("جمعية أخرى (Demo MA)") != recipient_key(name)
    assert recipient_key(" ( ) — ") == "" and recipient_key(None) == ""


def test_consent_in_force_matches_the_normalised_name_only(cast, fatima_case) -> None:
    person = fatima_case.person
    consent = give_consent(cast.ma_case_worker, fatima_case, "ong de demostracion - demo es")
    assert consent_in_force(person, ConsentPurpose.REFERRAL, recipient=LONG) == consent
    assert consent_in_force(person, ConsentPurpose.REFERRAL, recipient="Demo ES") is None
    assert consent_in_force(person, ConsentPurpose.REFERRAL, recipient="") is None
    assert consent_in_force(person, ConsentPurpose.REFERRAL, recipient="()") is None
    assert consent_in_force(person, ConsentPurpose.SHARING, recipient=LONG) is None  # another purpose
    svc_withdraw(cast, consent)
    assert consent_in_force(person, ConsentPurpose.REFERRAL, recipient=LONG) is None


def svc_withdraw(cast, consent) -> None:  # type: ignore[no-untyped-def]
    from jisr.care.services import consent_withdraw

    consent_withdraw(actor=cast.ma_case_worker, consent=consent, withdrawn_on=dt.date.today())


def test_referral_to_an_organisation_named_with_other_spacing_and_accents(cast, fatima_case) -> None:
    cast.es.name = LONG
    cast.es.save(update_fields=["name"])
    give_consent(cast.ma_case_worker, fatima_case, "ONG de demostracion Demo-ES")
    referral = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                                   reason="Other", organisation=cast.es)
    assert referral.counterpart_label == LONG


def test_form_offers_the_covered_recipients_and_greys_out_the_others(cast, fatima_case) -> None:
    give_consent(cast.ma_case_worker, fatima_case, "test es")  # cast.es is "Test ES"
    url = reverse("referrals:create", args=[fatima_case.pk])
    html = _client(cast.ma_case_worker).get(url).content.decode()
    covered = _option(html, f"org:{cast.es.pk}")
    assert "disabled" not in covered and "Organisation: Test ES" in covered and "no consent" not in covered
    other = _option(html, f"team:{cast.ma_other_team.pk}")
    assert "disabled" in other and "— no consent naming this recipient: record one first" in other
    # Covered first.
    select = html.split('name="recipient"', 1)[1]
    assert select.index(f"org:{cast.es.pk}") < select.index(f"team:{cast.ma_other_team.pk}")
    consent_tab = reverse("care:case_care", args=[fatima_case.pk]) + "?tab=consent"
    assert "The person&#x27;s referral consents in force name: <bdi>test es</bdi>." in html
    assert f'<a href="{consent_tab}">Integrated care → Consent</a>' in html


def test_form_without_help_when_every_recipient_is_covered(cast, fatima_case) -> None:
    for name in ("Test ES", "Rabat", "Madrid"):
        give_consent(cast.ma_case_worker, fatima_case, name)
    from jisr.accounts.models import Organisation

    for org in Organisation.objects.exclude(pk__in=[cast.ma.pk, cast.es.pk]):
        give_consent(cast.ma_case_worker, fatima_case, org.name)
    html = _client(cast.ma_case_worker).get(reverse("referrals:create", args=[fatima_case.pk])).content.decode()
    select = html.split('name="recipient"', 1)[1].split("</select>", 1)[0]
    assert "disabled" not in select and "referral consents in force name" not in html


def test_refusal_says_which_names_her_consents_cover(cast, fatima_case) -> None:
    give_consent(cast.ma_case_worker, fatima_case, "Demo ES")
    give_consent(cast.ma_case_worker, fatima_case, "Rabat")
    withdrawn = give_consent(cast.ma_case_worker, fatima_case, "Madrid")
    svc_withdraw(cast, withdrawn)
    client = _client(cast.ma_case_worker, "fr")
    before = table_counts()
    response = client.post(reverse("referrals:create", args=[fatima_case.pk]), {
        "recipient": f"org:{cast.es.pk}", "categories": ["identity"], "reason": "Other"})
    assert response.status_code == 403 and not Referral.objects.exists()
    assert table_counts() == before
    html = response.content.decode()
    errors = html.split("Aucun consentement", 1)[1].split("</div>", 1)[0]
    assert "<bdi>Demo ES</bdi>" in errors and "<bdi>Rabat</bdi>" in errors and "Madrid" not in errors
    assert reverse("care:case_care", args=[fatima_case.pk]) + "?tab=consent" in errors


def test_refusal_without_any_consent_says_so(cast, fatima_case) -> None:
    response = _client(cast.ma_case_worker, "es").post(reverse("referrals:create", args=[fatima_case.pk]), {
        "recipient": f"org:{cast.es.pk}", "categories": ["identity"], "reason": "Other"})
    assert response.status_code == 403 and not Referral.objects.exists()
    assert "La persona no tiene ningún consentimiento de derivación vigente." in response.content.decode()


def test_the_make_run_demo_refers_its_first_case_to_the_other_organisation() -> None:
    from jisr.accounts.models import Organisation, User
    from jisr.care.models import Consent
    from jisr.referrals.selectors import consent_recipient_names

    call_command("seed_demo", "--password", "generated for this test only 42", "--people", "2")
    ma, es = Organisation.objects.get(slug="demo-ma"), Organisation.objects.get(slug="demo-es")
    consent = Consent.objects.get(case__organisation=ma, purpose="referral", recipient=es.name)
    assert es.name in consent_recipient_names(ma)  # a name the consent form offers, exactly
    case = consent.case
    user = User.objects.get(username="ma-caseworker")
    client = _client(user, "ar")
    url = reverse("referrals:create", args=[case.pk])
    html = client.get(url).content.decode()
    assert "disabled" not in _option(html, f"org:{es.pk}")
    response = client.post(url, {"recipient": f"org:{es.pk}", "categories": ["identity"],
                                 "reason": "AdditionalServicesRequired"})
    assert response.status_code == 303
    referral = Referral.objects.get()
    assert referral.recipient_organisation == es and referral.consent == consent
    assert len(events("referral.create")) == 1
