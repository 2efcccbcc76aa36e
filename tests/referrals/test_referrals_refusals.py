"""Every refused inbound envelope leaves one audit event — its refusal code, how it came, and identifiers
only — whatever the reason, once per envelope and code however often it is posted again. An envelope
whose signature verified is named by its partner and message id, in that partner's organisation's chain;
one nobody vouches for is named by the digest of its bytes, in the instance's chain, and can neither
write into an organisation's chain nor put anything in the replay cache."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from jisr.audit.models import AuditEvent
from jisr.common.errors import StateError
from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import Referral, RefusedEnvelope, SeenMessage
from referrals.conftest import events, table_counts
from referrals.test_referrals_inbox import _post, referral_blob, status_blob

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
# What the test envelopes carry about the person: none of it may reach an audit event.
CARRIED = ("Nadia", "Amrani", "34600000009", "port", "Feminine")


def _referral_payload(keys: env.InstanceKeys, *, message_id: str | None = None, **kw: Any) -> env.Payload:
    own = svc.own_public_keys()
    return env.make_payload(
        sender=keys,
        recipient=kw.pop("recipient", own),
        kind="referral",
        referral_id=str(uuid.uuid4()),
        body={
            "event": "send",
            "reason": "Other",
            "categories": ["identity"],
            "package": {"identity": {"prs_FirstName": "Nadia"}},
            "message": "met at the port",
            "consent": {
                "reference": str(uuid.uuid4()),
                "purpose": "referral",
                "given_on": "2026-05-01",
                "language": "es",
                "given_by": "survivor",
            },
        },
        now=kw.pop("now", timezone.now()),
        ttl=DAY,
        message_id=message_id,
    )


def _sealed(payload: env.Payload, keys: env.InstanceKeys) -> bytes:
    return env.seal(payload, sender=keys, recipient_encryption_public=svc.own_public_keys().encryption_public)


# Each builder returns the refused envelope, its code, and whether its signature verifies (then the event
# names the partner and the message id), after any setup the refusal needs (accepted envelopes first).
def _garbage(cast, keys, partner):  # type: ignore[no-untyped-def]
    return b"JISR\x01" + b"\x00" * 200, "not_for_us", False


def _not_a_jisr_envelope(cast, keys, partner):  # type: ignore[no-untyped-def]
    return b"<html>hello</html>" * 20, "malformed", False


def _sealed_elsewhere(cast, keys, partner):  # type: ignore[no-untyped-def]
    elsewhere = env.InstanceKeys.generate("elsewhere")
    return referral_blob(keys, recipient=elsewhere.public), "not_for_us", False


def _unconfirmed_sender(cast, keys, partner):  # type: ignore[no-untyped-def]
    other = env.InstanceKeys.generate("unconfirmed")
    svc.partner_add(
        actor=None,
        organisation=cast.ma,
        name="Unconfirmed",
        inbox_url="https://x.invalid/in/",
        public_keys=other.public.to_json(),
    )
    return referral_blob(other), "unknown_sender", False


def _impostor(cast, keys, partner):  # type: ignore[no-untyped-def]
    impostor = env.InstanceKeys.generate("impostor", instance_id=keys.instance_id)  # claims the partner's id
    return referral_blob(impostor), "bad_signature", False


def _forwarded(cast, keys, partner):  # type: ignore[no-untyped-def]
    elsewhere = env.InstanceKeys.generate("elsewhere")
    return referral_blob(keys, recipient=elsewhere.public, seal_to=svc.own_public_keys()), "wrong_recipient", True


def _expired(cast, keys, partner):  # type: ignore[no-untyped-def]
    return referral_blob(keys, now=timezone.now() - 2 * DAY), "expired", True


def _replayed(cast, keys, partner):  # type: ignore[no-untyped-def]
    blob = referral_blob(keys)
    svc.inbox_receive(blob)
    return blob, "replay", True


def _status_of_an_unknown_referral(cast, keys, partner):  # type: ignore[no-untyped-def]
    return status_blob(keys, uuid.uuid4(), "withdraw", note="she left"), "malformed", True


def _invalid_transition(cast, keys, partner):  # type: ignore[no-untyped-def]
    referral = svc.inbox_receive(referral_blob(keys))
    return status_blob(keys, referral.exchange_id, "accept"), "invalid_transition", True  # the recipient's event


def _with_body(keys: env.InstanceKeys, **fields: Any) -> bytes:
    """A referral validly signed by the partner whose body has `fields` instead."""
    payload = _referral_payload(keys)
    payload["body"].update(fields)
    return _sealed(payload, keys)


def _answer_by_not_a_date(cast, keys, partner):  # type: ignore[no-untyped-def]
    return _with_body(keys, answer_by="next Tuesday"), "malformed", True


def _answer_by_not_text(cast, keys, partner):  # type: ignore[no-untyped-def]
    return _with_body(keys, answer_by=20260601), "malformed", True


def _answer_by_without_time_zone(cast, keys, partner):  # type: ignore[no-untyped-def]
    return _with_body(keys, answer_by="2026-06-01T12:00:00"), "malformed", True


def _consent_not_an_object(cast, keys, partner):  # type: ignore[no-untyped-def]
    return _with_body(keys, consent=["referral", "survivor"]), "malformed", True


def _package_not_an_object(cast, keys, partner):  # type: ignore[no-untyped-def]
    return _with_body(keys, package=[{"identity": {"prs_FirstName": "Nadia"}}]), "malformed", True


def _package_text(cast, keys, partner):  # type: ignore[no-untyped-def]
    return _with_body(keys, package="Nadia Amrani"), "malformed", True


def _categories_not_a_list(cast, keys, partner):  # type: ignore[no-untyped-def]
    return _with_body(keys, categories=7), "malformed", True


def _message_too_long(cast, keys, partner):  # type: ignore[no-untyped-def]
    return _with_body(keys, message="met at the port " * 300), "malformed", True


def _status_note_too_long(cast, keys, partner):  # type: ignore[no-untyped-def]
    referral = svc.inbox_receive(referral_blob(keys))
    return status_blob(keys, referral.exchange_id, "withdraw", note="she left " * 500), "malformed", True


BUILDERS: dict[str, Callable[..., tuple[bytes, str, bool]]] = {
    f.__name__.lstrip("_"): f
    for f in (
        _garbage,
        _not_a_jisr_envelope,
        _sealed_elsewhere,
        _unconfirmed_sender,
        _impostor,
        _forwarded,
        _expired,
        _replayed,
        _status_of_an_unknown_referral,
        _invalid_transition,
        _answer_by_not_a_date,
        _answer_by_not_text,
        _answer_by_without_time_zone,
        _consent_not_an_object,
        _package_not_an_object,
        _package_text,
        _categories_not_a_list,
        _message_too_long,
        _status_note_too_long,
    )
}


@pytest.mark.parametrize("case", sorted(BUILDERS))
def test_every_refusal_is_put_on_record_once(cast, remote, case) -> None:
    keys, partner = remote
    blob, code, verified = BUILDERS[case](cast, keys, partner)
    seen = set(SeenMessage.objects.values_list("pk", flat=True))
    earlier = set(AuditEvent.objects.values_list("pk", flat=True))
    before = table_counts()

    for _ in range(3):  # the same envelope, posted again and again
        response = _post(blob)
        assert response.status_code == (409 if code == "invalid_transition" else 400)
        assert response.json() == {"error": code}

    assert table_counts() == before  # nothing of it is stored
    assert set(SeenMessage.objects.values_list("pk", flat=True)) == seen  # nor in the replay cache
    [event] = AuditEvent.objects.exclude(pk__in=earlier)
    assert event.action == "referrals.envelope_refused" and event.actor_id is None
    [memo] = RefusedEnvelope.objects.all()
    assert memo.code == code
    if verified:
        message_id = memo.key.rsplit(":", 1)[1]
        assert memo.key == f"message:{partner.instance_id}:{message_id}"
        assert event.chain == str(cast.ma.pk) and event.organisation_id == cast.ma.pk
        assert (event.target_type, event.target_id, event.actor_label) == (
            "referrals.partner",
            str(partner.pk),
            partner.name,
        )
        assert event.details == {"code": code, "via": "http", "partner": str(partner.pk), "message": message_id}
    else:
        digest = hashlib.sha256(blob).hexdigest()
        assert memo.key == f"sha256:{digest}"
        # Anyone may post anything: it goes to the instance's chain, never to an organisation's.
        assert event.chain == "instance" and event.organisation_id is None and event.target_id == ""
        expected: dict[str, str] = {"code": code, "via": "http", "sha256": digest}
        if case in ("impostor", "unconfirmed_sender"):  # it claims a sender we know: named as a claim
            from jisr.referrals.models import Partner

            claimed = partner if case == "impostor" else Partner.objects.get(name="Unconfirmed")
            expected["claimed_partner"] = str(claimed.pk)
        assert event.details == expected
    written = f"{event.details} {event.reason} {event.actor_label}"
    assert not any(text.lower() in written.lower() for text in CARRIED)


def test_a_file_import_is_on_record_with_its_way(cast, remote) -> None:
    keys, _partner = remote
    blob = referral_blob(keys, now=timezone.now() - 2 * DAY)
    with pytest.raises(env.ExpiredError):
        svc.inbox_receive(blob, via="file")
    assert _post(blob).status_code == 400  # the same envelope by the other way: refused, not on record again
    [event] = events("referrals.envelope_refused")
    assert event.details["via"] == "file" and event.details["code"] == "expired"


def test_a_signed_envelope_sealed_again_is_the_same_envelope(cast, remote) -> None:
    """Sealing is randomised (an ephemeral key per seal): the bytes differ, the signed message id does not."""
    keys, _partner = remote
    elsewhere = env.InstanceKeys.generate("elsewhere")
    payload = _referral_payload(keys, recipient=elsewhere.public)
    first, second = _sealed(payload, keys), _sealed(payload, keys)
    assert first != second
    for blob in (first, second):
        assert _post(blob).json() == {"error": "wrong_recipient"}
    [event] = events("referrals.envelope_refused")
    assert event.details["message"] == payload["message_id"]
    # Another reason for the same envelope is another event (at most one per code).
    other = _referral_payload(keys, message_id=payload["message_id"], now=timezone.now() - 2 * DAY)
    assert _post(_sealed(other, keys)).json() == {"error": "expired"}
    assert [e.details["code"] for e in events("referrals.envelope_refused")] == ["wrong_recipient", "expired"]


def test_unsigned_envelopes_are_told_apart_by_their_bytes_only(cast, remote) -> None:
    """An unsigned envelope cannot be named by what it claims; other bytes are another envelope (a flood of
    different bytes is for a rate limit in front of the inbox to stop)."""
    _keys, _partner = remote
    for blob in (b"JISR\x01" + b"\x00" * 200, b"JISR\x01" + b"\x01" * 200, b"JISR\x01" + b"\x00" * 200):
        assert _post(blob).json() == {"error": "not_for_us"}
    assert len(events("referrals.envelope_refused")) == 2


def test_an_unsigned_envelope_cannot_make_a_genuine_one_a_replay(cast, remote) -> None:
    """An impostor posts, first, an envelope that claims the partner as sender and the message id of one of
    its genuine envelopes (the ids travel sealed, but an impostor may guess or learn one): refused as
    badly signed; the genuine envelope is still accepted, and its copy is the replay."""
    keys, _partner = remote
    genuine = _referral_payload(keys)
    impostor = env.InstanceKeys.generate("impostor", instance_id=keys.instance_id)
    forged = _referral_payload(impostor, message_id=genuine["message_id"])
    with pytest.raises(env.BadSignatureError):
        svc.inbox_receive(_sealed(forged, impostor))
    assert not SeenMessage.objects.exists()
    assert svc.inbox_receive(_sealed(genuine, keys)).state == "received"
    with pytest.raises(env.ReplayError):
        svc.inbox_receive(_sealed(genuine, keys))
    assert sorted(e.details["code"] for e in events("referrals.envelope_refused")) == ["bad_signature", "replay"]


def test_a_status_refused_before_its_referral_is_accepted_after_it(cast, remote) -> None:
    """A refusal on record decides nothing: the partner's withdrawal arrives before its referral (another
    route, a file), is refused, and is accepted when it comes again once the referral is here."""
    keys, _partner = remote
    exchange_id = str(uuid.uuid4())
    referral = referral_blob(keys, referral_id=exchange_id)
    withdraw = status_blob(keys, exchange_id, "withdraw")
    with pytest.raises(env.MalformedError):
        svc.inbox_receive(withdraw)
    svc.inbox_receive(referral)
    assert svc.inbox_receive(withdraw).state == "withdrawn"
    [event] = events("referrals.envelope_refused")
    assert event.details["code"] == "malformed"


def test_an_envelope_refused_as_too_old_is_accepted_once_the_maximum_is_raised(settings, cast, remote) -> None:
    """Its id is not in the replay cache (where it would be answered ``replay``, which its sender takes
    for "delivered", and never applied)."""
    keys, _partner = remote
    payload = _referral_payload(keys, now=timezone.now() - 20 * DAY)
    payload["expires_at"] = (timezone.now() + 20 * DAY).astimezone(dt.UTC).isoformat(timespec="seconds")
    blob = _sealed(payload, keys)
    with pytest.raises(env.TooOldError):
        svc.inbox_receive(blob)
    assert len(events("referrals.envelope_too_old")) == 1
    settings.JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS = 30
    assert svc.inbox_receive(blob).state == "received"
    assert not events("referrals.envelope_refused")


def test_a_refusal_is_forgotten_after_a_while_then_on_record_again(cast, remote) -> None:
    keys, _partner = remote
    blob = referral_blob(keys, now=timezone.now() - 2 * DAY)
    with pytest.raises(env.ExpiredError):
        svc.inbox_receive(blob)
    [memo] = RefusedEnvelope.objects.all()
    assert abs(memo.forget_after - (timezone.now() + svc.REFUSAL_MEMORY)) < dt.timedelta(minutes=1)
    assert svc.envelope_refusals_prune(timezone.now()) == 0 and not events("referrals.refusals_prune")
    assert svc.referrals_tick(memo.forget_after + dt.timedelta(seconds=1))["refusals_pruned"] == 1
    assert not RefusedEnvelope.objects.exists()
    [prune] = events("referrals.refusals_prune")
    assert prune.chain == "instance" and prune.details["forgotten"] == 1
    with pytest.raises(env.ExpiredError):
        svc.inbox_receive(blob)
    assert len(events("referrals.envelope_refused")) == 2


def test_a_refusal_writes_only_after_the_refused_envelope_rolled_back(cast, remote, monkeypatch) -> None:
    """The refused envelope's own writes (its replay-cache entry, the referral) are gone; the event stays."""
    keys, _partner = remote

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise StateError("refused on the way")

    monkeypatch.setattr(svc, "_tell_partner", refuse)  # fails after the referral was written
    with pytest.raises(StateError):
        svc.inbox_receive(referral_blob(keys))
    assert not Referral.objects.exists() and not SeenMessage.objects.exists()
    [event] = events("referrals.envelope_refused")
    assert event.details["code"] == "invalid_transition"


@pytest.mark.parametrize("fields", [{"answer_by": "soon"}, {"consent": "given"}, {"package": ["identity"]}])
def test_a_file_with_a_field_of_another_shape_is_refused_and_on_record(cast, remote, fields) -> None:
    """The `.jisr` import screen refuses it as not a valid referral file (400, not a server error), stores
    nothing, and its refusal is on record once, with the way it came."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    keys, partner = remote
    blob = _with_body(keys, **fields)
    client = Client()
    client.force_login(cast.ma_focal_point)
    client.cookies["jisr_language"] = "en"
    before = table_counts()
    for _ in range(2):
        response = client.post(reverse("referrals:import"),
                               {"file": SimpleUploadedFile("x.jisr", blob, "application/octet-stream")})
        assert response.status_code == 400
        assert "This is not a valid referral file." in response.content.decode()
    assert table_counts() == before and not Referral.objects.exists()
    [event] = events("referrals.envelope_refused")
    assert event.details["code"] == "malformed" and event.details["via"] == "file"
    assert event.details["partner"] == str(partner.pk)
    with pytest.raises(env.MalformedError):
        svc.inbox_receive(blob, via="file")
    assert len(events("referrals.envelope_refused")) == 1


def test_fields_of_the_expected_shape_are_kept(cast, remote) -> None:
    keys, _partner = remote
    referral = svc.inbox_receive(_with_body(keys, answer_by="2026-06-01T12:00:00+02:00", categories=None,
                                            package=None, message=None))
    assert referral.answer_by == dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
    assert referral.categories == [] and svc.shared_package(referral) == {}
    assert not events("referrals.envelope_refused")
