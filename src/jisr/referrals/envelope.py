"""Signed-then-sealed referral envelopes between Jisr instances (pure module: PyNaCl, no Django).

Design: shared/reference/security-and-privacy.md §5 ("sign-then-encrypt").

1. The payload (a `Payload` dict) names the sender instance, the recipient instance **and the
   fingerprint of the recipient's encryption key**, a message id, the referral id, issued-at and
   expires-at, and a body (the consented package, or a status event).
2. It is canonicalised (sorted keys, compact, UTF-8) and signed with the sender's Ed25519 key
   (`nacl.signing`): ``signature (64) ‖ canonical JSON``.
3. The signed blob is sealed to the recipient's X25519 key (`nacl.public.SealedBox`, an ephemeral key
   per message): nobody but the recipient can read it, and no byte of it is readable on the wire.
4. The recipient opens it with its own key(s), reads the claimed sender, verifies the signature with
   the sender's **pinned** verify key (or one of its keys kept for a rotation overlap), then checks that
   it is the named recipient (instance and key fingerprint: this defeats surreptitious forwarding), the
   schema version, the expiry the sender signed, and the age: whatever expiry the sender wrote, an
   envelope issued more than `max_age` ago (the recipient's setting, at most MAX_AGE_LIMIT) is refused.
   The replay cache (message ids already seen) is the caller's, because it lives in the database.

Wire / `.jisr` file format: ``b"JISR" ‖ version (1 byte) ‖ sealed box``. Any failure raises an
`EnvelopeError` subclass with a stable `code`; nothing here returns unverified data.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import nacl.exceptions
import nacl.public
import nacl.signing

SCHEMA = "jisr-referral-envelope/1"
PUBLIC_KEYS_SCHEMA = "jisr-public-keys/1"
MAGIC = b"JISR"
WIRE_VERSION = 1
MAX_ENVELOPE_BYTES = 1_048_576  # 1 MiB: a referral package is a few kilobytes
CLOCK_SKEW = dt.timedelta(minutes=10)
# The oldest envelope any recipient may be configured to accept (its issue time, signed, counts — not the
# expiry the sender chose). A replay cache may forget an id once the envelope is past its signed expiry or
# this limit, whichever comes first (`replay_cache_until`): from then on it is refused anyway.
MAX_AGE_LIMIT = dt.timedelta(days=365)


class EnvelopeError(ValueError):
    """The envelope is refused; `code` says why (stable, for logs and API answers).

    What the refusal may name, for the caller's audit event (`open_envelope` sets them; None otherwise):
    `sender_instance_id` and `message_id` only once the signature verified with a confirmed partner's
    pinned key, so that partner did sign them (`message_id` stays None when it is not a UUID);
    `claimed_sender_instance_id` when the envelope opened but its sender is unknown or its signature
    does not verify: what it says about its sender, which nobody vouches for (a canonical UUID, or None).
    Nothing else of an envelope is ever attached: no body, no personal data."""

    code = "malformed"

    def __init__(self, message: str = "", *, sender_instance_id: str | None = None, message_id: str | None = None,
                 claimed_sender_instance_id: str | None = None) -> None:
        super().__init__(message)
        self.sender_instance_id = sender_instance_id
        self.message_id = message_id
        self.claimed_sender_instance_id = claimed_sender_instance_id


class MalformedError(EnvelopeError):
    code = "malformed"


class NotForUsError(EnvelopeError):
    """None of our keys opens it: it was sealed to another instance (or is garbage)."""

    code = "not_for_us"


class UnknownSenderError(EnvelopeError):
    """The claimed sender is not in our partner directory, or not confirmed by a person."""

    code = "unknown_sender"


class BadSignatureError(EnvelopeError):
    """The signature does not verify with the sender's pinned key (tampered, or another signer)."""

    code = "bad_signature"


class WrongRecipientError(EnvelopeError):
    """Validly signed, but for another instance or another key of ours (forwarded)."""

    code = "wrong_recipient"


class ExpiredError(EnvelopeError):
    code = "expired"


class TooOldError(ExpiredError):
    """Validly signed and not past the expiry its sender wrote, but issued longer ago than this instance
    accepts (`max_age`). Its code stays ``expired`` (what the partner and the import screen should read);
    the verified sender, message id and issue time are attached for the caller's audit event."""

    def __init__(self, message: str, *, sender_instance_id: str, message_id: str, issued_at: dt.datetime,
                 max_age: dt.timedelta) -> None:
        super().__init__(message, sender_instance_id=sender_instance_id, message_id=message_id)
        self.issued_at = issued_at
        self.max_age = max_age


class ConsentExpiredError(EnvelopeError):
    """Validly signed, but the referral's consent proof says the consent ended before today (its
    `valid_until`): nothing of it may be held (raised by the caller, which reads the body)."""

    code = "consent_expired"


class ReplayError(EnvelopeError):
    """The message id was seen before (raised by the caller's replay cache)."""

    code = "replay"


class Party(TypedDict):
    instance_id: str
    name: str


class RecipientParty(TypedDict):
    instance_id: str
    key_fingerprint: str


class Payload(TypedDict):
    schema: str
    message_id: str
    kind: str  # "referral" (the package) or "status" (an event of the state machine)
    referral_id: str
    sender: Party
    recipient: RecipientParty
    issued_at: str  # ISO 8601, UTC
    expires_at: str
    body: dict[str, Any]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def key_fingerprint(encryption_public: bytes) -> str:
    """Fingerprint of one X25519 public key (hex of SHA-256, first 16 bytes): names the exact key an
    envelope was sealed to."""
    return hashlib.sha256(b"jisr-x25519:" + encryption_public).hexdigest()[:32]


def identity_fingerprint(signing_public: bytes, encryption_public: bytes) -> str:
    """Human-checkable fingerprint of an instance's public keys, read aloud on a call: eight groups of
    four upper-case hex digits (128 bits of SHA-256 over both keys), e.g. ``3F2A 9C01 …``."""
    digest = hashlib.sha256(b"jisr-instance-keys:" + signing_public + encryption_public).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as typed (spaces, dashes, lower case) in its canonical form."""
    digits = "".join(ch for ch in text.upper() if ch in "0123456789ABCDEF")
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


@dataclass(frozen=True)
class PublicKeys:
    """What an instance publishes: its id and name, Ed25519 verify key, X25519 public key."""

    instance_id: str
    name: str
    signing_public: bytes
    encryption_public: bytes

    @property
    def fingerprint(self) -> str:
        return identity_fingerprint(self.signing_public, self.encryption_public)

    def to_json(self) -> str:
        return json.dumps(
            {
                "schema": PUBLIC_KEYS_SCHEMA,
                "instance_id": self.instance_id,
                "name": self.name,
                "signing_key": _b64(self.signing_public),
                "encryption_key": _b64(self.encryption_public),
                "fingerprint": self.fingerprint,
            },
            indent=2,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> PublicKeys:
        """Parse a public-keys document. Raises MalformedError. The `fingerprint` in the file is not
        trusted: it is recomputed, and a person must confirm it out of band."""
        try:
            doc = json.loads(text)
            if doc.get("schema") != PUBLIC_KEYS_SCHEMA:
                raise MalformedError("not a Jisr public-keys document")
            keys = cls(
                instance_id=str(uuid.UUID(str(doc["instance_id"]))),
                name=str(doc.get("name", "")),
                signing_public=_unb64(doc["signing_key"]),
                encryption_public=_unb64(doc["encryption_key"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            if isinstance(exc, MalformedError):
                raise
            raise MalformedError("not a Jisr public-keys document") from exc
        if len(keys.signing_public) != 32 or len(keys.encryption_public) != 32:
            raise MalformedError("a public key must be 32 bytes")
        return keys


@dataclass(frozen=True)
class InstanceKeys:
    """An instance's private keys (32-byte Ed25519 seed, 32-byte X25519 secret). Never printed."""

    instance_id: str
    name: str
    signing_seed: bytes
    encryption_secret: bytes

    def __repr__(self) -> str:
        return f"InstanceKeys({self.instance_id}, <private>)"

    @classmethod
    def generate(cls, name: str, instance_id: str | None = None) -> InstanceKeys:
        return cls(
            instance_id=instance_id or str(uuid.uuid4()),
            name=name,
            signing_seed=bytes(nacl.signing.SigningKey.generate()),
            encryption_secret=bytes(nacl.public.PrivateKey.generate()),
        )

    @property
    def public(self) -> PublicKeys:
        return PublicKeys(
            instance_id=self.instance_id,
            name=self.name,
            signing_public=bytes(nacl.signing.SigningKey(self.signing_seed).verify_key),
            encryption_public=bytes(nacl.public.PrivateKey(self.encryption_secret).public_key),
        )


def canonical(payload: Payload | dict[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the exact bytes that are signed."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="seconds")


def make_payload(
    *,
    sender: InstanceKeys,
    recipient: PublicKeys,
    kind: str,
    referral_id: str,
    body: dict[str, Any],
    now: dt.datetime,
    ttl: dt.timedelta,
    message_id: str | None = None,
) -> Payload:
    """A payload from `sender` to `recipient`, valid from `now` (aware) for `ttl`."""
    return Payload(
        schema=SCHEMA,
        message_id=message_id or str(uuid.uuid4()),
        kind=kind,
        referral_id=referral_id,
        sender=Party(instance_id=sender.instance_id, name=sender.name),
        recipient=RecipientParty(
            instance_id=recipient.instance_id, key_fingerprint=key_fingerprint(recipient.encryption_public)
        ),
        issued_at=_iso(now),
        expires_at=_iso(now + ttl),
        body=body,
    )


def seal(payload: Payload, *, sender: InstanceKeys, recipient_encryption_public: bytes) -> bytes:
    """Sign `payload` with the sender's key, then seal it to the recipient's key. Returns wire bytes."""
    signed = nacl.signing.SigningKey(sender.signing_seed).sign(canonical(payload))
    sealed = nacl.public.SealedBox(nacl.public.PublicKey(recipient_encryption_public)).encrypt(bytes(signed))
    return MAGIC + bytes([WIRE_VERSION]) + bytes(sealed)


@dataclass(frozen=True)
class Opened:
    """A verified payload, which of our keys opened it, and which of the sender's pinned keys verified
    it (`sender_key_index`: 0 the first key `sender_verify_key` gave, the current one; more: a key kept
    for a rotation overlap)."""

    payload: Payload
    key_fingerprint: str
    sender_key_index: int = 0


def _uuid_text(value: object) -> str | None:
    """`value` as a canonical UUID string, or None when it is not one (an envelope's claims are text of
    any length: only a UUID is ever kept from them)."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def replay_cache_until(payload: Payload) -> dt.datetime:
    """How long a replay cache must remember the id of `payload` (opened, so its times parse): its signed
    expiry, or MAX_AGE_LIMIT after its issue if that comes first — after either, `open_envelope` refuses
    it before any cache is asked, whatever `max_age` the recipient chooses then."""
    issued = dt.datetime.fromisoformat(payload["issued_at"])
    return min(dt.datetime.fromisoformat(payload["expires_at"]), issued + MAX_AGE_LIMIT)


def open_envelope(
    blob: bytes,
    *,
    own_keys: list[InstanceKeys],
    sender_verify_key: Callable[[str], bytes | Sequence[bytes] | None],
    now: dt.datetime,
    max_age: dt.timedelta = MAX_AGE_LIMIT,
) -> Opened:
    """Open, verify and check an envelope addressed to us.

    `own_keys`: our current key first, then keys kept for a rotation overlap. `sender_verify_key` is a
    callable `(instance_id: str) -> bytes | Sequence[bytes] | None` giving the pinned Ed25519 key of a
    *confirmed* partner, or its keys in order (the current one first, then previous keys still accepted
    during a rotation overlap); None or no key: unknown or unconfirmed. `max_age`: the oldest envelope
    accepted, from its signed `issued_at` (capped at MAX_AGE_LIMIT), whatever its `expires_at` says.
    Raises MalformedError, NotForUsError, UnknownSenderError, BadSignatureError, WrongRecipientError,
    ExpiredError (past its expiry), TooOldError (older than `max_age`; an ExpiredError too); each names
    what a refusal may name (`EnvelopeError`: the verified sender and message id once the signature
    verified, the claimed sender when it did not). Replay is the caller's.
    """
    if len(blob) > MAX_ENVELOPE_BYTES or len(blob) < len(MAGIC) + 1 + 48 + 64:
        raise MalformedError("not a Jisr envelope (size)")
    if blob[: len(MAGIC)] != MAGIC or blob[len(MAGIC)] != WIRE_VERSION:
        raise MalformedError("not a Jisr envelope (header)")
    sealed = blob[len(MAGIC) + 1 :]
    signed: bytes | None = None
    opened_by: InstanceKeys | None = None
    for keys in own_keys:
        try:
            signed = nacl.public.SealedBox(nacl.public.PrivateKey(keys.encryption_secret)).decrypt(sealed)
        except nacl.exceptions.CryptoError:
            continue
        opened_by = keys
        break
    if signed is None or opened_by is None:
        raise NotForUsError("this envelope was not sealed to this instance")
    message = signed[64:]
    try:
        claimed = json.loads(message.decode("utf-8"))
        sender_id = str(claimed["sender"]["instance_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise MalformedError("unreadable payload") from exc
    claimed_sender = _uuid_text(sender_id)
    verify = sender_verify_key(sender_id)
    candidates = [verify] if isinstance(verify, bytes) else list(verify or ())
    if not candidates:
        raise UnknownSenderError("the sender is not a confirmed partner", claimed_sender_instance_id=claimed_sender)
    sender_key_index = -1
    for index, candidate in enumerate(candidates):
        try:
            nacl.signing.VerifyKey(candidate).verify(message, signed[:64])
        except nacl.exceptions.BadSignatureError:
            continue
        sender_key_index = index
        break
    if sender_key_index < 0:
        raise BadSignatureError("the signature does not verify with the partner's key",
                                claimed_sender_instance_id=claimed_sender)
    # From here on the sender is a confirmed partner and signed what follows: a refusal names it.
    signed_id = _uuid_text(claimed.get("message_id")) if isinstance(claimed, dict) else None

    def refused(error: type[EnvelopeError], text: str) -> EnvelopeError:
        return error(text, sender_instance_id=claimed_sender or sender_id, message_id=signed_id)

    payload: Payload = claimed
    try:
        if payload["schema"] != SCHEMA:
            raise refused(MalformedError, "unknown envelope schema")
        own_fp = key_fingerprint(opened_by.public.encryption_public)
        if (
            payload["recipient"]["instance_id"] != opened_by.instance_id
            or payload["recipient"]["key_fingerprint"] != own_fp
        ):
            raise refused(WrongRecipientError, "this envelope names another recipient")
        issued = dt.datetime.fromisoformat(payload["issued_at"])
        expires = dt.datetime.fromisoformat(payload["expires_at"])
        uuid.UUID(payload["message_id"])
        uuid.UUID(payload["referral_id"])
        if payload["kind"] not in ("referral", "status") or not isinstance(payload["body"], dict):
            raise refused(MalformedError, "unknown message kind")
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, EnvelopeError):
            raise
        raise refused(MalformedError, "incomplete payload") from exc
    if issued.tzinfo is None or expires.tzinfo is None:
        raise refused(MalformedError, "times must carry a time zone")
    if now >= expires:
        raise refused(ExpiredError, "this envelope has expired")
    if issued > now + CLOCK_SKEW:
        raise refused(MalformedError, "issued in the future")
    max_age = min(max_age, MAX_AGE_LIMIT)
    if now >= issued + max_age:
        raise TooOldError(
            f"this envelope was issued more than {max_age.days} days ago (the most this instance accepts)",
            sender_instance_id=claimed_sender or sender_id, message_id=str(uuid.UUID(payload["message_id"])),
            issued_at=issued, max_age=max_age,
        )
    return Opened(payload=payload, key_fingerprint=own_fp, sender_key_index=sender_key_index)
