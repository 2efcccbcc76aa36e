"""Envelope crypto alone (pure module): round trip and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from jisr.referrals import envelope as env

NOW = dt.datetime(2026, 5, 8, 10, 0, tzinfo=dt.UTC)
MA = env.InstanceKeys.generate("demo-ma")
ES = env.InstanceKeys.generate("demo-es")
OTHER = env.InstanceKeys.generate("somewhere-else")
BODY = {"event": "send", "package": {"identity": {"prs_FirstName": "Samira", "prs_SecondName": "Haddad",
                                                  "prs_MobilePhone": "+212600000001"}}}


def _blob(sender=MA, recipient=ES, now=NOW, ttl=dt.timedelta(days=1), seal_to=None):  # type: ignore[no-untyped-def]
    payload = env.make_payload(sender=sender, recipient=recipient.public, kind="referral",
                               referral_id="6f1c9a52-58a8-4a0e-8a57-0d2b7c7b8a10", body=BODY, now=now, ttl=ttl)
    return env.seal(payload, sender=sender, recipient_encryption_public=(seal_to or recipient).public.encryption_public)


def _pinned(instance_id: str) -> bytes | None:
    return {MA.instance_id: MA.public.signing_public}.get(instance_id)


def _open(blob: bytes, keys=ES, now=NOW):  # type: ignore[no-untyped-def]
    return env.open_envelope(blob, own_keys=[keys], sender_verify_key=_pinned, now=now)


def test_round_trip() -> None:
    opened = _open(_blob())
    assert opened.payload["body"] == BODY
    assert opened.payload["recipient"]["instance_id"] == ES.instance_id
    assert opened.payload["sender"]["instance_id"] == MA.instance_id


def test_bytes_hold_no_readable_personal_data() -> None:
    blob = _blob()
    for text in ("Samira", "Haddad", "+212600000001", "prs_", "identity", MA.instance_id, "demo-ma"):
        assert text.encode() not in blob
    assert len(blob) < 2000


def test_tampered_byte_is_refused() -> None:
    blob = bytearray(_blob())
    blob[len(blob) // 2] ^= 0x01
    with pytest.raises(env.NotForUsError):  # the sealed box's MAC fails first
        _open(bytes(blob))


def test_wrong_signer_is_refused() -> None:
    # OTHER signs but claims to be MA: the pinned key of MA does not verify it.
    payload = env.make_payload(sender=OTHER, recipient=ES.public, kind="referral",
                               referral_id="6f1c9a52-58a8-4a0e-8a57-0d2b7c7b8a10", body=BODY, now=NOW,
                               ttl=dt.timedelta(days=1))
    payload["sender"]["instance_id"] = MA.instance_id
    blob = env.seal(payload, sender=OTHER, recipient_encryption_public=ES.public.encryption_public)
    with pytest.raises(env.BadSignatureError):
        _open(blob)


def test_unknown_sender_is_refused() -> None:
    with pytest.raises(env.UnknownSenderError):
        _open(_blob(sender=OTHER))


def test_sealed_to_another_instance_is_refused() -> None:
    with pytest.raises(env.NotForUsError):
        _open(_blob(recipient=OTHER))


def test_forwarded_envelope_is_refused() -> None:
    # Validly signed for OTHER, then re-sealed to ES (surreptitious forwarding).
    with pytest.raises(env.WrongRecipientError):
        _open(_blob(recipient=OTHER, seal_to=ES))


def test_expired_is_refused() -> None:
    with pytest.raises(env.ExpiredError):
        _open(_blob(), now=NOW + dt.timedelta(days=2))


def test_previous_sender_keys_verify_in_order() -> None:
    """During a partner's key rotation the caller gives its current key first, then previous ones."""
    rotated = env.InstanceKeys.generate("demo-ma", instance_id=MA.instance_id)
    keys = [rotated.public.signing_public, MA.public.signing_public]
    opened = env.open_envelope(_blob(), own_keys=[ES], sender_verify_key=lambda i: keys, now=NOW)
    assert opened.sender_key_index == 1 and opened.payload["body"] == BODY
    assert _open(_blob()).sender_key_index == 0
    with pytest.raises(env.BadSignatureError):
        env.open_envelope(_blob(), own_keys=[ES], sender_verify_key=lambda i: keys[:1], now=NOW)
    with pytest.raises(env.UnknownSenderError):
        env.open_envelope(_blob(), own_keys=[ES], sender_verify_key=lambda i: [], now=NOW)


def test_garbage_is_malformed() -> None:
    with pytest.raises(env.MalformedError):
        _open(b"hello")


def test_fingerprint_is_human_checkable() -> None:
    fp = MA.public.fingerprint
    assert len(fp.split()) == 8 and all(len(g) == 4 for g in fp.split())
    assert env.normalise_fingerprint(fp.lower().replace(" ", "-")) == fp
    assert env.PublicKeys.from_json(MA.public.to_json()) == MA.public
