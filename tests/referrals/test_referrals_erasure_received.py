"""Erasing a person who came through a referral (her case here was opened from it): what its sender shared
about her — the package, the sender's note, the notes of its history — is wiped on the receiving side too,
and our replies still queued for the partner go on without their notes; the referral itself goes on."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jisr.crypto.envelope import DecryptionError
from jisr.crypto.services import unseal
from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import OutboundMessage, Referral, ReferralTransition
from jisr.survivors.services import WITHDRAWN_BY_ERASURE, IdentityInReasonError, person_erase
from referrals.conftest import events, give_consent
from referrals.test_referrals_inbox import referral_blob

pytestmark = pytest.mark.django_db
REASON = "she asked to be forgotten"
# What the partner shared (referral_blob) and what our focal point wrote back: none of it may stay readable.
SHARED = ("Nadia", "Amrani", "met at the port", "Monday at the port")


def _open(blob: bytes, keys: env.InstanceKeys) -> env.Payload:
    """As the partner's instance opens it."""
    return env.open_envelope(
        blob,
        own_keys=[keys],
        now=timezone.now(),
        sender_verify_key=lambda _id: svc.own_public_keys().signing_public,
    ).payload


def _came_from_partner(cast, remote):  # type: ignore[no-untyped-def]
    """A referral from the partner, accepted with a note, turned into a case, in service."""
    keys, _partner = remote
    referral = svc.inbox_receive(referral_blob(keys))
    svc.referral_transition(
        actor=cast.ma_focal_point, referral=referral, event="accept", note="we meet her Monday at the port"
    )
    case = svc.referral_open_case(actor=cast.ma_focal_point, referral=referral, assignee=cast.ma_case_worker)
    svc.referral_transition(actor=cast.ma_focal_point, referral=referral, event="start_service")
    return Referral.objects.get(pk=referral.pk), case


def test_erasing_her_wipes_the_partners_package_and_the_notes(cast, remote) -> None:
    keys, _partner = remote
    referral, case = _came_from_partner(cast, remote)
    assert svc.shared_package(referral)["identity"]["prs_FirstName"] == "Nadia"
    accept = OutboundMessage.objects.get(referral=referral, event="accept")
    start = OutboundMessage.objects.get(referral=referral, event="start_service")
    before = _open(bytes(accept.blob), keys)
    assert before["body"]["note"] == "we meet her Monday at the port"
    start_blob = bytes(start.blob)

    person_erase(actor=cast.ma_supervisor, person=case.person, reason=REASON)

    referral = Referral.objects.select_related("data_key").get(pk=referral.pk)
    assert referral.state == "in_service"  # the service goes on
    assert referral.package is None and referral.message is None
    assert referral.data_key.wrapped is None  # the referral's own key: destroyed
    assert svc.shared_package(referral) == {} and svc.referral_message(referral) == ""
    assert not ReferralTransition.objects.filter(referral=referral, note__isnull=False).exists()
    # Our reply still queued goes on, as the same message, without its note; one without a note is untouched.
    accept.refresh_from_db()
    after = _open(bytes(accept.blob), keys)
    assert after["body"] == {"event": "accept", "code": "", "note": ""}
    assert after["message_id"] == before["message_id"] and accept.delivered_at is None
    with pytest.raises(DecryptionError):  # its copy kept for re-sealing is shredded with the key
        unseal(accept, "payload", referral.data_key)
    start.refresh_from_db()
    assert bytes(start.blob) == start_blob
    for msg in OutboundMessage.objects.filter(referral=referral):
        assert not any(text.encode() in bytes(msg.blob) for text in SHARED)

    [removed] = events("referrals.envelope_note_removed")
    assert removed.details["message"] == str(accept.message_id) and removed.reason == WITHDRAWN_BY_ERASURE
    [erased] = events("referrals.package_erased")
    assert erased.target_id == str(referral.pk) and erased.organisation_id == cast.ma.pk
    assert erased.actor == cast.ma_supervisor and erased.reason == WITHDRAWN_BY_ERASURE
    assert erased.details == {"why": "person_erased", "direction": "incoming", "notes_cleared": 1}
    [erase] = events("person.erase")
    assert erased.chain == erase.chain and removed.seq < erased.seq < erase.seq  # one transaction
    # The focal point's screen shows nothing of what was shared.
    client = Client()
    client.force_login(cast.ma_focal_point)
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert not any(text in html for text in SHARED)


def test_the_referral_goes_on_after_her_erasure(cast, remote) -> None:
    keys, _partner = remote
    referral, case = _came_from_partner(cast, remote)
    person_erase(actor=cast.ma_supervisor, person=case.person, reason=REASON)
    svc.referral_transition(actor=cast.ma_focal_point, referral=referral, event="complete", code="services_provided")
    referral.refresh_from_db()
    assert referral.state == "completed"
    done = OutboundMessage.objects.get(referral=referral, event="complete")
    assert _open(bytes(done.blob), keys)["body"] == {"event": "complete", "code": "services_provided", "note": ""}
    assert done.payload is None  # no key left to keep a copy under


def test_a_refused_erasure_leaves_the_received_referral(cast, remote) -> None:
    referral, case = _came_from_partner(cast, remote)
    accept = OutboundMessage.objects.get(referral=referral, event="accept")
    blob = bytes(accept.blob)
    with pytest.raises(IdentityInReasonError):
        person_erase(actor=cast.ma_supervisor, person=case.person, reason="Nadia Amrani asked for it")
    referral = Referral.objects.select_related("data_key").get(pk=referral.pk)
    assert referral.data_key.wrapped is not None and svc.referral_message(referral)
    assert svc.shared_package(referral)["identity"]["prs_FirstName"] == "Nadia"
    accept.refresh_from_db()
    assert bytes(accept.blob) == blob and not events("referrals.package_erased")


def test_erasing_her_where_she_was_referred_inside_the_instance(cast, fatima_case) -> None:
    """Referred from the Moroccan organisation to the Spanish one on this instance: the Spanish organisation
    erases its record of her; the package it was shared goes, the sender's record of her stays."""
    from jisr.accounts.roles import Role
    from personas import _user

    es_focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    give_consent(cast.ma_case_worker, fatima_case, "test es")
    referral = svc.referral_create(
        actor=cast.ma_case_worker,
        case=fatima_case,
        categories=["identity"],
        reason="Other",
        organisation=cast.es,
        message="She prefers to be called in the evening",
    )
    svc.referral_transition(actor=es_focal, referral=referral, event="receive")
    svc.referral_transition(actor=es_focal, referral=referral, event="accept")
    case = svc.referral_open_case(actor=es_focal, referral=referral, assignee=cast.es_case_worker)
    assert svc.shared_package(Referral.objects.get(pk=referral.pk))

    person_erase(actor=cast.es_supervisor, person=case.person, reason=REASON)

    referral = Referral.objects.select_related("data_key").get(pk=referral.pk)
    assert referral.state == "accepted" and referral.package is None and referral.message is None
    assert svc.shared_package(referral) == {} and svc.referral_message(referral) == ""
    fatima_case.person.data_key.refresh_from_db()
    assert fatima_case.person.data_key.wrapped is not None  # the sender's record: the sender's to erase
    [erased] = events("referrals.package_erased")
    assert erased.organisation_id == cast.es.pk and erased.actor == cast.es_supervisor  # in her organisation's chain
    assert erased.details == {"why": "person_erased", "direction": "internal", "notes_cleared": 0}
