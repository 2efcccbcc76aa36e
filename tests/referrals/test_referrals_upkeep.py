"""Upkeep of the exchange with partner instances: the replay cache forgets only ids of envelopes that
can no longer be accepted anyway, and a partner's rotated keys are pinned in place (same partner, same
referrals) with a short, stated overlap for envelopes signed with its previous key."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jisr.common.errors import PermissionDeniedError
from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import OutboundMessage, Partner, PartnerPreviousKey, Referral, SeenMessage
from referrals.conftest import events, table_counts

pytestmark = pytest.mark.django_db


def _blob(keys: env.InstanceKeys, *, now: dt.datetime | None = None, ttl: dt.timedelta = dt.timedelta(days=1)) -> bytes:
    """A new referral from the partner holding `keys`, sealed to this instance."""
    own = svc.own_public_keys()
    payload = env.make_payload(
        sender=keys, recipient=own, kind="referral", referral_id=str(uuid.uuid4()),
        body={"event": "send", "reason": "AdditionalServicesRequired", "categories": ["identity"],
              "package": {"identity": {"prs_FirstName": "Amal"}},
              "consent": {"reference": str(uuid.uuid4()), "purpose": "referral", "given_on": "2026-05-01",
                          "language": "es", "given_by": "survivor"}},
        now=now or timezone.now(), ttl=ttl)
    return env.seal(payload, sender=keys, recipient_encryption_public=own.encryption_public)


def _receive_at(monkeypatch: pytest.MonkeyPatch, at: dt.datetime, blob: bytes) -> Referral:
    monkeypatch.setattr(svc, "_now", lambda: at)
    try:
        return svc.inbox_receive(blob)
    finally:
        monkeypatch.setattr(svc, "_now", timezone.now)


# --- Replay cache --------------------------------------------------------------------------------------------


def test_prune_forgets_expired_ids_only_and_replays_stay_refused(remote, monkeypatch) -> None:
    keys, _ = remote
    now = timezone.now()
    # Received three days ago, valid one day: expired two days ago.
    old = _blob(keys, now=now - dt.timedelta(days=3))
    _receive_at(monkeypatch, now - dt.timedelta(days=3), old)
    # Expired an hour ago: within the margin, kept.
    recent = _blob(keys, now=now - dt.timedelta(days=1, hours=1))
    _receive_at(monkeypatch, now - dt.timedelta(days=1, hours=1), recent)
    # Still valid (and for two weeks, as Jisr's own envelopes).
    valid = _blob(keys, now=now, ttl=svc.ENVELOPE_TTL)
    svc.inbox_receive(valid)
    assert SeenMessage.objects.count() == 3

    assert svc.replay_cache_prune(now) == 1
    kept = set(SeenMessage.objects.values_list("expires_at", flat=True))
    assert all(expires > now - svc.REPLAY_CACHE_MARGIN for expires in kept) and len(kept) == 2
    [event] = events("referrals.replay_cache_prune")
    assert event.details["pruned"] == 1 and event.chain == "instance"

    # The still-valid envelope keeps its id: its replay is refused, and nothing is stored.
    before = table_counts()
    with pytest.raises(env.ReplayError):
        svc.inbox_receive(valid)
    # The pruned one cannot come back either: it is refused as expired before the cache is asked.
    with pytest.raises(env.ExpiredError):
        svc.inbox_receive(old)
    assert table_counts() == before
    # Nothing more to prune: no event.
    assert svc.replay_cache_prune(now) == 0 and len(events("referrals.replay_cache_prune")) == 1
    # Pruning never reaches an id whose envelope is valid, even at the last second of its window.
    last_second = now + svc.ENVELOPE_TTL - dt.timedelta(seconds=1)
    svc.replay_cache_prune(last_second)
    assert SeenMessage.objects.filter(expires_at__gt=last_second).count() == 1


def test_deliver_cron_prunes_the_replay_cache(remote, monkeypatch) -> None:
    keys, _ = remote
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: (False, "unreachable"))
    now = timezone.now()
    _receive_at(monkeypatch, now - dt.timedelta(days=5), _blob(keys, now=now - dt.timedelta(days=5)))
    out = io.StringIO()
    call_command("referral", "deliver", stdout=out)
    assert "pruned=1" in out.getvalue()
    assert not SeenMessage.objects.exists()


# --- Partner key rotation ------------------------------------------------------------------------------------


def _new_keys(old: env.InstanceKeys) -> env.InstanceKeys:
    """The partner ran `jisr keys rotate`: new keys, same instance id."""
    return env.InstanceKeys.generate(old.name, instance_id=old.instance_id)


def test_rotate_keeps_partner_and_history_and_accepts_old_key_until_the_deadline(cast, remote, monkeypatch) -> None:
    old, partner = remote
    earlier = svc.inbox_receive(_blob(old))  # a referral received before the rotation
    in_flight = _blob(old, ttl=svc.ENVELOPE_TTL)  # signed before the partner rotated, not yet here
    new = _new_keys(old)

    rotated = svc.partner_rotate_keys(actor=cast.ma_coordinator, partner=partner, public_keys=new.public.to_json(),
                                      fingerprint=new.public.fingerprint.lower().replace(" ", "-"))
    assert rotated.pk == partner.pk and Partner.objects.count() == 1
    partner.refresh_from_db()
    assert partner.fingerprint == new.public.fingerprint and bytes(partner.signing_public) == new.public.signing_public
    assert partner.confirmed_by == cast.ma_coordinator and partner.is_confirmed
    assert Referral.objects.get(pk=earlier.pk).partner_id == partner.pk  # the history stays with the partner
    [previous] = PartnerPreviousKey.objects.filter(partner=partner)
    assert previous.fingerprint == old.public.fingerprint
    deadline = previous.accepted_until
    assert abs(deadline - (timezone.now() + svc.ENVELOPE_TTL)) < dt.timedelta(minutes=1)
    [event] = events("referrals.partner_rotate")
    assert event.details["fingerprint"] == new.public.fingerprint
    assert event.details["previous_fingerprint"] == old.public.fingerprint
    assert event.organisation_id == cast.ma.pk and event.actor_id == cast.ma_coordinator.pk

    # In flight with the old key: accepted within the overlap, and on record.
    svc.inbox_receive(in_flight)
    assert [e.details["partner"] for e in events("referrals.partner_previous_key")] == [str(partner.pk)]
    # The new key works, and is the current one (no overlap event).
    svc.inbox_receive(_blob(new))
    assert len(events("referrals.partner_previous_key")) == 1

    # After the deadline the old key is refused (the envelope itself is still valid), the new one is not.
    after = deadline + dt.timedelta(minutes=1)
    before = table_counts()
    with pytest.raises(env.BadSignatureError):
        _receive_at(monkeypatch, after, _blob(old, now=after))
    assert table_counts() == before
    _receive_at(monkeypatch, after, _blob(new, now=after))

    # What we send now is sealed to the partner's new key.
    svc.referral_transition(actor=cast.ma_focal_point, referral=Referral.objects.get(pk=earlier.pk), event="accept")
    blob = bytes(OutboundMessage.objects.filter(event="accept").get().blob)
    own_verify = svc.own_public_keys().signing_public
    opened = env.open_envelope(blob, own_keys=[new], sender_verify_key=lambda i: own_verify, now=timezone.now())
    assert opened.payload["body"]["event"] == "accept"
    with pytest.raises(env.NotForUsError):
        env.open_envelope(blob, own_keys=[old], sender_verify_key=lambda i: own_verify, now=timezone.now())


def test_rotate_without_overlap_refuses_every_previous_key_at_once(cast, remote) -> None:
    first, partner = remote
    second = _new_keys(first)
    svc.partner_rotate_keys(actor=None, partner=partner, public_keys=second.public.to_json(),
                            fingerprint=second.public.fingerprint)
    svc.inbox_receive(_blob(first))  # first key: still in its overlap
    third = _new_keys(first)
    # Keys lost: no overlap, for the key just replaced nor for the one still in its overlap.
    svc.partner_rotate_keys(actor=None, partner=partner, public_keys=third.public.to_json(),
                            fingerprint=third.public.fingerprint, overlap=dt.timedelta(0), actor_label="command")
    for stale in (first, second):
        with pytest.raises(env.BadSignatureError):
            svc.inbox_receive(_blob(stale))
    svc.inbox_receive(_blob(third))
    assert PartnerPreviousKey.objects.filter(partner=partner, accepted_until__gt=timezone.now()).count() == 0


def test_rotate_of_an_unconfirmed_partner_never_trusts_its_old_keys(cast, instance) -> None:
    old = env.InstanceKeys.generate("unconfirmed")
    partner = svc.partner_add(actor=None, organisation=cast.ma, name="Unconfirmed", inbox_url="https://x.invalid/in/",
                              public_keys=old.public.to_json())
    new = _new_keys(old)
    svc.partner_rotate_keys(actor=None, partner=partner, public_keys=new.public.to_json(),
                            fingerprint=new.public.fingerprint)
    partner.refresh_from_db()
    assert partner.is_confirmed and partner.confirmed_by_label == "command"
    with pytest.raises(env.BadSignatureError):
        svc.inbox_receive(_blob(old))
    svc.inbox_receive(_blob(new))


def test_rotate_refusals_change_nothing(cast, remote) -> None:
    old, partner = remote
    new = _new_keys(old)
    other = env.InstanceKeys.generate("elsewhere")
    before = table_counts()

    def refused(exc: type[Exception], **kw) -> None:  # type: ignore[no-untyped-def]
        args = {"actor": cast.ma_coordinator, "partner": partner, "public_keys": new.public.to_json(),
                "fingerprint": new.public.fingerprint, **kw}
        with pytest.raises(exc):
            svc.partner_rotate_keys(**args)

    refused(ValueError, fingerprint=old.public.fingerprint)  # not what the partner read aloud
    refused(ValueError, fingerprint="0000 0000")
    refused(ValueError, public_keys="{}")
    refused(ValueError, public_keys=other.public.to_json(), fingerprint=other.public.fingerprint)  # another instance
    refused(ValueError, public_keys=old.public.to_json(), fingerprint=old.public.fingerprint)  # already pinned
    refused(ValueError, overlap=svc.ENVELOPE_TTL + dt.timedelta(days=1))
    refused(ValueError, overlap=dt.timedelta(days=-1))
    for someone in (cast.ma_supervisor, cast.ma_focal_point, cast.es_case_worker):
        refused(PermissionDeniedError, actor=someone)
    assert table_counts() == before and not events("referrals.partner_rotate")
    # A key once replaced is never pinned again (no rollback to a retired, perhaps stolen, key).
    svc.partner_rotate_keys(actor=None, partner=partner, public_keys=new.public.to_json(),
                            fingerprint=new.public.fingerprint)
    refused(ValueError, public_keys=old.public.to_json(), fingerprint=old.public.fingerprint)


def test_partner_rotate_command(cast, remote, tmp_path) -> None:
    old, partner = remote
    new = _new_keys(old)
    path = tmp_path / "es-new.json"
    path.write_text(new.public.to_json())
    out = io.StringIO()
    call_command("partner", "rotate", "partner es", "--public-keys", str(path), "--fingerprint",
                 new.public.fingerprint, "--overlap-days", "3", stdout=out)
    assert new.public.fingerprint in out.getvalue() and "accepted until" in out.getvalue()
    previous = PartnerPreviousKey.objects.get(partner=partner)
    assert abs(previous.accepted_until - (timezone.now() + dt.timedelta(days=3))) < dt.timedelta(minutes=1)
    assert events("referrals.partner_rotate")[0].actor_label == "command"
    newer = _new_keys(old)
    path.write_text(newer.public.to_json())
    for bad in (["--overlap-days", "15"], ["--fingerprint", "0000"]):
        with pytest.raises(CommandError):
            call_command("partner", "rotate", "Partner ES", "--public-keys", str(path), "--fingerprint",
                         newer.public.fingerprint, *bad)
    with pytest.raises(CommandError):
        call_command("partner", "rotate", "Nobody", "--public-keys", str(path), "--fingerprint", "0000")
    out = io.StringIO()
    call_command("partner", "rotate", "Partner ES", "--public-keys", str(path), "--fingerprint",
                 newer.public.fingerprint, "--overlap-days", "0", stdout=out)
    assert "refused from now on" in out.getvalue()
