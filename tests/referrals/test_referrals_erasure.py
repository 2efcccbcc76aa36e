"""Erasing a person stops her data leaving, in the erasure's own transaction: the envelopes still queued with
her shared package are dropped, her referrals not yet accepted are withdrawn (a partner that may have her
package is told by a signed "withdraw" notice that carries no note), a queued notice keeps going but loses
its free-text note, and an accepted referral keeps its state (its partner is told of the erasure). Every
event carries a fixed reason that names no one; a refused or failed erasure changes nothing."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import OutboundMessage, Referral
from jisr.survivors.services import WITHDRAWN_BY_ERASURE, IdentityInReasonError, person_erase
from referrals.conftest import events, give_consent

pytestmark = pytest.mark.django_db
NAMES = (b"Fatima", b"Benali", "فاطمة".encode(), b"AB123456", b"612345678", b"she moved")
REASON = "she asked to be forgotten"


def _refer(cast, case, partner):  # type: ignore[no-untyped-def]
    give_consent(cast.ma_case_worker, case, "partner es")
    return svc.referral_create(actor=cast.ma_case_worker, case=case, categories=["identity", "contact"],
                               reason="Other", partner=partner, message="She moved to Madrid with her cousin")


def _open(blob: bytes, keys: env.InstanceKeys) -> env.Payload:
    """As the partner's instance opens it."""
    return env.open_envelope(blob, own_keys=[keys], now=timezone.now(),
                             sender_verify_key=lambda _id: svc.own_public_keys().signing_public).payload


def _answer(keys: env.InstanceKeys, referral: Referral, event: str) -> None:
    """The partner's signed answer arriving in our inbox."""
    payload = env.make_payload(sender=keys, recipient=svc.own_public_keys(), kind="status",
                               referral_id=str(referral.exchange_id), body={"event": event, "code": "", "note": ""},
                               now=timezone.now(), ttl=dt.timedelta(days=1))
    svc.inbox_receive(env.seal(payload, sender=keys,
                               recipient_encryption_public=svc.own_public_keys().encryption_public))


def _erase(cast, case) -> None:  # type: ignore[no-untyped-def]
    person_erase(actor=cast.ma_supervisor, person=case.person, reason=REASON)


def test_a_queued_referral_is_dropped_and_the_partner_told_to_withdraw(cast, fatima_case, remote, monkeypatch) -> None:
    """Tried once, without an answer: the partner may have it (see test_referrals_withdraw_undelivered for
    one that cannot have arrived)."""
    keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    queued = OutboundMessage.objects.get(referral=referral)
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: (False, "no_answer"))
    assert not svc.outbound_deliver(queued.pk)
    queued.refresh_from_db()
    assert queued.kind == "referral" and queued.delivered_at is None  # her package, waiting for delivery

    _erase(cast, fatima_case)

    assert not OutboundMessage.objects.filter(pk=queued.pk).exists()  # her package never leaves
    referral.refresh_from_db()
    assert referral.state == "withdrawn" and referral.package is None and referral.message is None
    [notice] = OutboundMessage.objects.filter(referral=referral)
    assert (notice.kind, notice.event, notice.delivered_at) == ("status", "withdraw", None)
    payload = _open(bytes(notice.blob), keys)
    assert payload["body"] == {"event": "withdraw", "code": "", "note": ""}
    assert payload["referral_id"] == str(referral.exchange_id)
    assert not any(name in bytes(notice.blob) for name in NAMES)

    [drop] = events("referrals.envelope_drop")
    assert drop.target_id == str(referral.pk) and drop.actor == cast.ma_supervisor and drop.organisation == cast.ma
    assert drop.reason == WITHDRAWN_BY_ERASURE
    assert drop.details == {"message": str(queued.message_id), "kind": "referral", "event": "send",
                            "why": "person_erased"}
    [withdraw] = events("referral.withdraw")
    assert withdraw.reason == WITHDRAWN_BY_ERASURE and withdraw.actor == cast.ma_supervisor
    assert withdraw.details["from"] == "sent" and withdraw.details["to"] == "withdrawn"
    [erase] = events("person.erase")
    assert drop.chain == withdraw.chain == erase.chain and drop.seq < withdraw.seq < erase.seq  # one transaction
    for event in (drop, withdraw):
        assert not any(name.decode().lower() in (event.reason + str(event.details)).lower() for name in NAMES)


def test_a_received_referral_is_withdrawn_too(cast, fatima_case, remote, monkeypatch) -> None:
    keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: (True, ""))
    assert svc.outbound_deliver(OutboundMessage.objects.get(referral=referral).pk)
    _answer(keys, referral, "receive")

    _erase(cast, fatima_case)

    referral.refresh_from_db()
    assert referral.state == "withdrawn"
    assert not events("referrals.envelope_drop")  # the package was already delivered: nothing to drop
    delivered = OutboundMessage.objects.get(referral=referral, kind="referral")
    assert delivered.delivered_at is not None  # the delivery record stays
    notice = OutboundMessage.objects.get(referral=referral, event="withdraw")
    assert _open(bytes(notice.blob), keys)["body"]["event"] == "withdraw"


def test_an_accepted_referral_keeps_its_state_and_the_partner_is_told(cast, fatima_case, remote, monkeypatch) -> None:
    """The partner accepted her: a service may rest on it. Erasure here does not end it; the partner is
    told (a `sharing_ended` notice with a code, no note) so that it removes what was shared and reviews its
    own record (tests/referrals/test_referrals_erasure_recipients.py)."""
    keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: (True, ""))
    assert svc.outbound_deliver(OutboundMessage.objects.get(referral=referral).pk)
    _answer(keys, referral, "receive")
    _answer(keys, referral, "accept")

    _erase(cast, fatima_case)

    referral.refresh_from_db()
    assert referral.state == "accepted"
    sent = OutboundMessage.objects.filter(referral=referral).values_list("kind", "event")
    assert list(sent) == [("referral", "send"), ("status", "sharing_ended")]
    notice = OutboundMessage.objects.get(referral=referral, kind="status")
    assert _open(bytes(notice.blob), keys)["body"] == {"event": "sharing_ended", "code": "sender_erased", "note": ""}
    assert not events("referral.withdraw") and not events("referrals.envelope_drop")


def test_a_queued_notice_still_goes_without_its_note(cast, fatima_case, remote, monkeypatch) -> None:
    """Withdrawn by the sender with a note just before the erasure: the partner must still learn that its
    access ended, but the note (free text, perhaps about her) no longer travels."""
    keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: (True, ""))
    assert svc.outbound_deliver(OutboundMessage.objects.get(referral=referral).pk)  # the partner has it
    svc.referral_transition(actor=cast.ma_case_worker, referral=referral, event="withdraw",
                            note="she moved back home")
    notice = OutboundMessage.objects.get(referral=referral, event="withdraw")
    before = _open(bytes(notice.blob), keys)
    assert before["body"]["note"] == "she moved back home"

    _erase(cast, fatima_case)

    notice.refresh_from_db()
    after = _open(bytes(notice.blob), keys)
    assert after["body"] == {"event": "withdraw", "code": "", "note": ""}
    assert after["message_id"] == before["message_id"]  # the same message: a copy of the old one is a replay
    assert notice.delivered_at is None and notice.next_attempt_at <= timezone.now()
    assert OutboundMessage.objects.get(referral=referral, kind="referral").delivered_at is not None
    assert OutboundMessage.objects.filter(referral=referral, kind="status").count() == 1  # no second notice
    [removed] = events("referrals.envelope_note_removed")
    assert removed.reason == WITHDRAWN_BY_ERASURE and removed.details["message"] == str(notice.message_id)
    assert len(events("referral.withdraw")) == 1  # the sender's withdrawal; none added


def test_an_internal_referral_not_yet_accepted_is_withdrawn(cast, fatima_case) -> None:
    give_consent(cast.ma_case_worker, fatima_case, "test es")
    referral = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                                   reason="Other", organisation=cast.es)
    _erase(cast, fatima_case)
    referral.refresh_from_db()
    assert referral.state == "withdrawn" and referral.package is None
    assert not OutboundMessage.objects.exists()  # nobody abroad to tell
    assert events("referral.withdraw")[0].reason == WITHDRAWN_BY_ERASURE


def test_a_refused_erasure_changes_nothing(cast, fatima_case, remote) -> None:
    _, partner = remote
    referral = _refer(cast, fatima_case, partner)
    queued = OutboundMessage.objects.get(referral=referral)
    with pytest.raises(IdentityInReasonError):
        person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="Fatima Benali asked for it")
    assert Referral.objects.get(pk=referral.pk).state == "sent"
    assert list(OutboundMessage.objects.values_list("pk", flat=True)) == [queued.pk]


def test_an_interrupted_erasure_leaves_her_referral_and_its_envelope(cast, fatima_case, remote) -> None:
    _, partner = remote
    referral = _refer(cast, fatima_case, partner)
    queued = OutboundMessage.objects.get(referral=referral)
    with mock.patch("jisr.survivors.services.data_key_destroy", side_effect=RuntimeError("disk full")), \
            pytest.raises(RuntimeError):
        _erase(cast, fatima_case)
    assert Referral.objects.get(pk=referral.pk).state == "sent"
    assert list(OutboundMessage.objects.values_list("pk", flat=True)) == [queued.pk]
    assert not events("referrals.envelope_drop") and not events("referral.withdraw")


def test_a_queued_notice_without_a_readable_copy_is_replaced_by_one_without_a_note(
    cast, fatima_case, remote, monkeypatch
) -> None:
    """Queued before copies were kept (no payload): its note cannot be taken out, so it goes, and the same
    notice is queued again without a note."""
    keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: (True, ""))
    assert svc.outbound_deliver(OutboundMessage.objects.get(referral=referral).pk)  # the partner has it
    svc.referral_transition(actor=cast.ma_case_worker, referral=referral, event="withdraw",
                            note="she moved back home")
    old = OutboundMessage.objects.get(referral=referral, event="withdraw")
    OutboundMessage.objects.filter(pk=old.pk).update(payload=None)

    _erase(cast, fatima_case)

    assert not OutboundMessage.objects.filter(pk=old.pk).exists()
    [notice] = OutboundMessage.objects.filter(referral=referral, kind="status")
    assert _open(bytes(notice.blob), keys)["body"] == {"event": "withdraw", "code": "", "note": ""}
    assert {e.details["message"] for e in events("referrals.envelope_drop")} >= {str(old.message_id)}


def test_a_referral_after_an_erasure_it_did_not_see_is_refused(cast, fatima_case, remote) -> None:
    """The case was fetched before she was erased (another request erased her meanwhile): the referral
    reads her row again, locked, and refuses; nothing is built, stored or queued."""
    from jisr.common.errors import StateError
    from jisr.survivors.models import Person

    _keys, partner = remote
    give_consent(cast.ma_case_worker, fatima_case, "partner es")
    stale_case = type(fatima_case).objects.select_related("person__data_key").get(pk=fatima_case.pk)
    _erase(cast, fatima_case)
    assert not stale_case.person.is_erased and Person.objects.get(pk=fatima_case.person_id).is_erased
    with pytest.raises(StateError):
        svc.referral_create(actor=cast.ma_case_worker, case=stale_case, categories=["identity"], reason="Other",
                            partner=partner, message="")
    assert not Referral.objects.exists() and not OutboundMessage.objects.exists()
