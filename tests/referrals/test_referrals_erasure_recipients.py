"""The sender erases her: a recipient organisation that accepted a referral of hers — and may have registered
her in a record of its own — is told, without any personal data, and what the referral shared is removed.
Its own record (the case it opened, with the person it registered) is never erased from here: its referral
page and its case page ask it to review it under its own obligations. The erase page says so, truthfully."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import OutboundMessage, Referral
from jisr.survivors.services import WITHDRAWN_BY_ERASURE, person_erase, person_identity
from referrals.conftest import events, give_consent
from referrals.test_referrals_inbox import _post, status_blob

pytestmark = pytest.mark.django_db
REASON = "she asked to be forgotten"
HERS = ("Fatima", "Benali", "فاطمة", "AB123456", "612345678")


def _client(user, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies["jisr_language"] = language
    return client


@pytest.fixture
def es_focal(cast):  # type: ignore[no-untyped-def]
    from jisr.accounts.roles import Role
    from personas import _user

    return _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)


def _accepted_inside(cast, case, es_focal):  # type: ignore[no-untyped-def]
    """Referred from the Moroccan organisation to the Spanish one on this instance; accepted, and the
    Spanish organisation opened a case (registering her as its own person)."""
    give_consent(cast.ma_case_worker, case, "test es")
    referral = svc.referral_create(actor=cast.ma_case_worker, case=case, categories=["identity", "contact"],
                                   reason="Other", organisation=cast.es)
    svc.referral_transition(actor=es_focal, referral=referral, event="receive")
    svc.referral_transition(actor=es_focal, referral=referral, event="accept")
    es_case = svc.referral_open_case(actor=es_focal, referral=referral, assignee=cast.es_case_worker)
    return Referral.objects.get(pk=referral.pk), es_case


def test_the_recipient_inside_the_instance_is_told_and_keeps_its_own_record(cast, fatima_case, es_focal) -> None:
    referral, es_case = _accepted_inside(cast, fatima_case, es_focal)

    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason=REASON)

    referral = Referral.objects.select_related("data_key").get(pk=referral.pk)
    assert referral.state == "accepted"  # the service may go on
    assert referral.sharing_ended == "sender_erased" and referral.package is None
    # Told in its own chain, by the sending organisation (none of its staff named), with codes only.
    [told] = events("referrals.package_erased")
    assert told.organisation_id == cast.es.pk and told.target_id == str(referral.pk)
    assert told.actor is None and told.actor_label == cast.ma.name and told.reason == WITHDRAWN_BY_ERASURE
    assert told.details == {"why": "sender_erased", "direction": "internal", "notes_cleared": 0}
    # Its referral page says so, shows nothing of her, and asks it to review its own record.
    html = _client(es_focal).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'data-sharing-ended="sender_erased"' in html and "The sender erased" in html
    assert "Review them under your own obligations" in html
    assert not any(text in html for text in HERS)
    # So does the case it opened, for its case worker.
    html = _client(cast.es_case_worker).get(reverse("web:case_detail", args=[es_case.pk])).content.decode()
    assert 'data-sharing-ended="sender_erased"' in html and "review it under your own obligations" in html
    # Its record is its own: not erased from here.
    es_case.person.refresh_from_db()
    assert not es_case.person.is_erased and person_identity(es_case.person).given_name_latin == "Fatima"
    # The sender's page says the recipient was told.
    html = _client(cast.ma_supervisor).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "was told of the erasure" in html


def test_a_referral_to_a_team_or_never_accepted_tells_no_one(cast, fatima_case, es_focal) -> None:
    give_consent(cast.ma_case_worker, fatima_case, "Rabat")
    to_team = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                                  reason="Other", team=cast.ma_other_team)
    svc.referral_transition(actor=cast.ma_other_supervisor, referral=to_team, event="receive")
    svc.referral_transition(actor=cast.ma_other_supervisor, referral=to_team, event="accept")
    give_consent(cast.ma_case_worker, fatima_case, "test es")
    declined = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                                   reason="Other", organisation=cast.es)
    svc.referral_transition(actor=es_focal, referral=declined, event="receive")
    svc.referral_transition(actor=es_focal, referral=declined, event="decline", code="no_capacity")

    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason=REASON)

    assert not events("referrals.package_erased")
    assert set(Referral.objects.values_list("sharing_ended", flat=True)) == {""}


def test_a_partner_that_accepted_her_is_sent_the_notice(cast, fatima_case, remote) -> None:
    keys, partner = remote
    give_consent(cast.ma_case_worker, fatima_case, "partner es")
    referral = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                                   reason="Other", partner=partner)
    for event in ("receive", "accept", "start_service"):
        assert _post(status_blob(keys, referral.exchange_id, event)).status_code == 202

    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason=REASON)

    referral.refresh_from_db()
    assert referral.state == "in_service" and referral.sharing_ended == "sender_erased"
    [notice] = OutboundMessage.objects.filter(referral=referral, event=svc.SHARING_ENDED)
    assert not any(text.encode() in bytes(notice.blob) for text in HERS)
    payload = env.open_envelope(bytes(notice.blob), own_keys=[keys], now=timezone.now(),
                                sender_verify_key=lambda _id: svc.own_public_keys().signing_public).payload
    assert payload["body"] == {"event": "sharing_ended", "code": "sender_erased", "note": ""}
    [erased] = events("referrals.package_erased")
    assert erased.organisation_id == cast.ma.pk and erased.actor == cast.ma_supervisor
    assert erased.details == {"why": "sender_erased", "direction": "outgoing", "notes_cleared": 0}


def test_we_are_told_when_the_partner_erases_her(cast, remote) -> None:
    from referrals.test_referrals_inbox import referral_blob

    keys, _partner = remote
    referral = svc.inbox_receive(referral_blob(keys))
    svc.referral_transition(actor=cast.ma_focal_point, referral=referral, event="accept")
    case = svc.referral_open_case(actor=cast.ma_focal_point, referral=referral, assignee=cast.ma_case_worker)

    assert _post(status_blob(keys, referral.exchange_id, "sharing_ended", code="sender_erased")).status_code == 202

    referral = Referral.objects.select_related("data_key").get(pk=referral.pk)
    assert referral.state == "accepted" and referral.sharing_ended == "sender_erased"
    assert svc.shared_package(referral) == {} and referral.data_key.wrapped is None
    html = _client(cast.ma_focal_point).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "The sender erased" in html and "Nadia" not in html
    case.person.refresh_from_db()
    assert person_identity(case.person).given_name == "Nadia"  # our own record


@pytest.mark.parametrize(
    ("language", "wording"),
    [("en", "can be read again in your organisation's records"), ("ar", "في سجلات منظمتكم"),
     ("fr", "dans les dossiers de votre organisation"), ("es", "en los registros de su organización")],
)
def test_the_erase_page_says_what_stays_elsewhere(cast, fatima_case, language, wording) -> None:
    import time

    from jisr.accounts.mfa import SESSION_KEY

    client = _client(cast.ma_supervisor, language)
    session = client.session
    session[SESSION_KEY] = time.time()  # a second factor just passed
    session.save()
    response = client.get(reverse("survivors:person_erase", args=[fatima_case.person.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and wording in html
    assert "can never be read again in Jisr" not in html and "are not changed" not in html
