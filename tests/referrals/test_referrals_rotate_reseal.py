"""When a partner's keys are rotated (`jisr partner rotate`), the envelopes still queued for it are sealed
again to its new key in the same transaction: same message id, body and times, signed by us, due at once.
What cannot be sealed again (its payload copy is unreadable) is kept and counted; the partner's retired key
still opens it for longer than any envelope lives. The copy kept for this goes once delivered or expired."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import OutboundMessage, Partner
from referrals.conftest import events, give_consent

pytestmark = pytest.mark.django_db


def _refer(cast, case, partner):  # type: ignore[no-untyped-def]
    give_consent(cast.ma_case_worker, case, "partner es")
    referral = svc.referral_create(actor=cast.ma_case_worker, case=case, categories=["identity"], reason="Other",
                                   partner=partner)
    return OutboundMessage.objects.get(referral=referral)


def _open(blob: bytes, keys: list[env.InstanceKeys]) -> env.Opened:
    """As the partner's instance opens it: with the keys it holds, verifying our pinned signing key."""
    return env.open_envelope(blob, own_keys=keys, now=timezone.now(),
                             sender_verify_key=lambda _id: svc.own_public_keys().signing_public)


def _rotate(partner: Partner, new: env.InstanceKeys, **kw) -> Partner:  # type: ignore[no-untyped-def]
    return svc.partner_rotate_keys(actor=None, partner=partner, public_keys=new.public.to_json(),
                                   fingerprint=new.public.fingerprint, **kw)


def test_a_queued_envelope_is_sealed_again_to_the_new_key(cast, fatima_case, remote) -> None:
    old, partner = remote
    msg = _refer(cast, fatima_case, partner)
    before = _open(bytes(msg.blob), [old]).payload
    new = env.InstanceKeys.generate(old.name, instance_id=old.instance_id)
    OutboundMessage.objects.filter(pk=msg.pk).update(next_attempt_at=timezone.now() + dt.timedelta(hours=2))

    _rotate(partner, new)

    msg.refresh_from_db()
    with pytest.raises(env.NotForUsError):  # no longer sealed to the old key
        _open(bytes(msg.blob), [old])
    after = _open(bytes(msg.blob), [new]).payload
    assert after["recipient"]["key_fingerprint"] == env.key_fingerprint(new.public.encryption_public)
    unchanged = ("message_id", "kind", "referral_id", "sender", "issued_at", "expires_at", "body")
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}  # type: ignore[literal-required]
    assert after["body"]["package"]["identity"]["jisr_FirstNameLatin"] == "Fatima"
    for text in (b"Fatima", b"Benali", "فاطمة".encode(), b"AB123456"):
        assert text not in bytes(msg.blob) and text not in bytes(msg.payload)  # both sealed
    assert msg.next_attempt_at <= timezone.now() and msg.delivered_at is None  # due again at once
    [event] = events("referrals.partner_rotate")
    assert (event.details["queued_resealed"], event.details["queued_kept"]) == (1, 0)

    # A second rotation seals it again, to the newest key.
    newest = env.InstanceKeys.generate(old.name, instance_id=old.instance_id)
    _rotate(Partner.objects.get(pk=partner.pk), newest)
    msg.refresh_from_db()
    assert _open(bytes(msg.blob), [newest]).payload["message_id"] == before["message_id"]


def test_delivered_and_expired_envelopes_are_left_alone(cast, fatima_case, remote, monkeypatch) -> None:
    old, partner = remote
    delivered = _refer(cast, fatima_case, partner)
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: (True, ""))
    assert svc.outbound_deliver(delivered.pk)
    delivered.refresh_from_db()
    assert delivered.delivered_at is not None and delivered.payload is None  # the copy goes once delivered
    expired = OutboundMessage.objects.create(partner=partner, referral=delivered.referral,
                                             message_id="00000000-0000-4000-8000-000000000001", kind="status",
                                             event="withdraw", blob=b"JISR\x01old", payload=b"x",
                                             expires_at=timezone.now() - dt.timedelta(minutes=1),
                                             next_attempt_at=timezone.now())
    _rotate(partner, env.InstanceKeys.generate(old.name, instance_id=old.instance_id))
    assert bytes(OutboundMessage.objects.get(pk=delivered.pk).blob) == bytes(delivered.blob)
    assert bytes(OutboundMessage.objects.get(pk=expired.pk).blob) == b"JISR\x01old"
    assert events("referrals.partner_rotate")[0].details["queued_resealed"] == 0
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: (False, "unreachable"))
    svc.referrals_tick()
    assert OutboundMessage.objects.get(pk=expired.pk).payload is None  # and once expired


def test_the_rotation_and_the_resealing_are_one_transaction(cast, fatima_case, remote) -> None:
    old, partner = remote
    msg = _refer(cast, fatima_case, partner)
    blob = bytes(msg.blob)
    new = env.InstanceKeys.generate(old.name, instance_id=old.instance_id)
    with mock.patch.object(svc.env, "seal", side_effect=RuntimeError("interrupted")), pytest.raises(RuntimeError):
        _rotate(partner, new)
    partner.refresh_from_db()
    assert partner.fingerprint == old.public.fingerprint and not partner.previous_keys.exists()
    assert bytes(OutboundMessage.objects.get(pk=msg.pk).blob) == blob and not events("referrals.partner_rotate")
    with pytest.raises(ValueError):  # a refused rotation changes nothing either
        svc.partner_rotate_keys(actor=None, partner=partner, public_keys=new.public.to_json(), fingerprint="0000")
    assert bytes(OutboundMessage.objects.get(pk=msg.pk).blob) == blob


def test_what_cannot_be_sealed_again_is_kept_and_the_partners_overlap_covers_it(
    cast, fatima_case, remote, monkeypatch
) -> None:
    """Her identity erased while the referral was queued, after an attempt that got no answer (it may have
    arrived): the referral is dropped and a withdrawal notice queued (`on_person_erased`), whose payload
    copy is shredded with her key, so the notice stays sealed to the partner's previous key. The partner's
    instance keeps a retired key opening envelopes for KEY_OVERLAP, longer than any envelope of ours lives
    (ENVELOPE_TTL), so it is still read there until it expires."""
    from jisr.survivors.services import person_erase

    old, partner = remote
    queued = _refer(cast, fatima_case, partner)
    referral = queued.referral
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: (False, "no_answer"))
    assert not svc.outbound_deliver(queued.pk)
    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="she asked to be forgotten")
    msg = OutboundMessage.objects.get(referral=referral)
    assert msg.event == "withdraw"
    blob = bytes(msg.blob)
    new = env.InstanceKeys.generate(old.name, instance_id=old.instance_id)
    _rotate(partner, new)
    assert bytes(OutboundMessage.objects.get(pk=msg.pk).blob) == blob
    assert events("referrals.partner_rotate")[0].details["queued_kept"] == 1
    assert svc.KEY_OVERLAP > svc.ENVELOPE_TTL
    # On the partner's side: its current key first, then the retired one (`own_private_keys` there).
    assert _open(blob, [new, old]).payload["message_id"] == str(msg.message_id)


def test_partner_rotate_command_reseals(cast, fatima_case, remote, tmp_path) -> None:
    old, partner = remote
    msg = _refer(cast, fatima_case, partner)
    new = env.InstanceKeys.generate(old.name, instance_id=old.instance_id)
    path = tmp_path / "new.json"
    path.write_text(new.public.to_json(), encoding="utf-8")
    out = io.StringIO()
    call_command("partner", "rotate", "Partner ES", "--public-keys", str(path), "--fingerprint",
                 new.public.fingerprint, stdout=out)
    assert "1 envelope(s) waiting for it sealed again to the new key" in out.getvalue()
    msg.refresh_from_db()
    _open(bytes(msg.blob), [new])
