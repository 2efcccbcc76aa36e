"""Writes on referrals, instance keys and partners. Keyword-only, atomic, audited in the same
transaction; delivery to a partner happens after commit (`transaction.on_commit`) from the retry queue
(`OutboundMessage`), or by `.jisr` file.

Errors: PermissionDeniedError (role / side), StateError (the state machine refuses; nothing changes),
ValueError (bad input), envelope.EnvelopeError (an inbound envelope is refused; nothing of it is stored,
only the audit event of its refusal: `inbox_receive`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jisr.accounts.models import Organisation, Team, User
from jisr.accounts.roles import Role
from jisr.audit.services import audit_record
from jisr.care.models import Consent, ConsentPurpose
from jisr.care.selectors import consent_in_force
from jisr.cases.models import Case, CaseStatus, ExploitationType, RiskLevel
from jisr.common.errors import PermissionDeniedError, StateError
from jisr.crypto.envelope import DecryptionError
from jisr.crypto.normalise import clean_free_text
from jisr.crypto.services import data_key_create, data_key_destroy, data_key_material, seal, unseal
from jisr.referrals import envelope as env
from jisr.referrals import statemachine as sm
from jisr.referrals.models import (
    Category,
    DeclineReason,
    Direction,
    InstanceKey,
    OutboundMessage,
    Outcome,
    Partner,
    PartnerPreviousKey,
    Referral,
    ReferralReason,
    ReferralTransition,
    RefusedEnvelope,
    SeenMessage,
    SharingEnded,
)
from jisr.referrals.package import build_package, filter_package
from jisr.survivors.models import Person

log = logging.getLogger("jisr.referrals")

ANSWER_WITHIN = dt.timedelta(days=30)  # no answer by then → expired (TRM: timely acknowledgement)
ENVELOPE_TTL = dt.timedelta(days=14)  # long enough for a .jisr file carried by hand
KEY_OVERLAP = dt.timedelta(days=90)  # retired keys still open envelopes sealed before a rotation
# A partner's previous signing key still verifies its envelopes this long after we pin its new keys: an
# envelope it signed before rotating is valid for at most ENVELOPE_TTL (Jisr's own), so none is lost.
PARTNER_KEY_OVERLAP = ENVELOPE_TTL
# The replay cache keeps an envelope id this long after the envelope expired: an expired envelope is
# refused anyway, the margin only covers our own clock being set back after a prune.
REPLAY_CACHE_MARGIN = dt.timedelta(days=1)
# A refused envelope is put on record once (`RefusedEnvelope`): the same envelope refused again for the same
# reason adds no audit event until this long after its first refusal. Longer than ENVELOPE_TTL: a Jisr
# partner retries an envelope only until it expires, so all its retries of one envelope are one event.
REFUSAL_MEMORY = dt.timedelta(days=30)
# The refusal code of an envelope the state machine refuses (a StateError): what the inbox answers (409).
INVALID_TRANSITION = "invalid_transition"
BACKOFF = (60, 300, 1800, 7200, 21600, 86400)  # seconds between delivery attempts
MAX_NOTE = 4000


def _now() -> dt.datetime:
    return timezone.now()


# --- Instance identity ---------------------------------------------------------------------------------


def current_instance_key() -> InstanceKey | None:
    return InstanceKey.objects.filter(retired_at__isnull=True).select_related("data_key").first()


def _private(row: InstanceKey) -> env.InstanceKeys:
    material = data_key_material(row.data_key)
    return env.InstanceKeys(
        instance_id=str(row.instance_id),
        name=row.name,
        signing_seed=bytes.fromhex(unseal(row, "signing_private", row.data_key, material) or ""),
        encryption_secret=bytes.fromhex(unseal(row, "encryption_private", row.data_key, material) or ""),
    )


def own_private_keys() -> list[env.InstanceKeys]:
    """Our keys that may open an envelope: the current one first, then those retired within the overlap."""
    since = _now() - KEY_OVERLAP
    rows = InstanceKey.objects.filter(retired_at__isnull=True) | InstanceKey.objects.filter(retired_at__gte=since)
    return [_private(r) for r in rows.select_related("data_key").order_by("retired_at", "-created_at")]


def own_public_keys() -> env.PublicKeys:
    row = current_instance_key()
    if row is None:
        raise StateError("this instance has no keys yet: run `jisr keys init`")
    return env.PublicKeys(str(row.instance_id), row.name, bytes(row.signing_public), bytes(row.encryption_public))


def _store_keys(keys: env.InstanceKeys) -> InstanceKey:
    pub = keys.public
    row = InstanceKey(
        instance_id=uuid.UUID(keys.instance_id), name=keys.name, data_key=data_key_create(purpose="instance_key"),
        signing_public=pub.signing_public, encryption_public=pub.encryption_public, fingerprint=pub.fingerprint,
    )
    material = data_key_material(row.data_key)
    seal(row, "signing_private", keys.signing_seed.hex(), row.data_key, material)
    seal(row, "encryption_private", keys.encryption_secret.hex(), row.data_key, material)
    row.save(force_insert=True)
    return row


@transaction.atomic
def instance_keys_init(*, name: str, actor_label: str = "command") -> InstanceKey:
    """Create this instance's identity (Ed25519 + X25519). Raises StateError if it already has one."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("give the instance a short name")
    if InstanceKey.objects.exists():
        raise StateError("this instance already has keys; use `jisr keys rotate`")
    row = _store_keys(env.InstanceKeys.generate(name))
    audit_record(actor=None, action="referrals.keys_init", target=row, actor_label=actor_label,
                 details={"instance_id": str(row.instance_id)})
    return row


@transaction.atomic
def instance_keys_rotate(*, actor_label: str = "command") -> InstanceKey:
    """New keys for the same instance id; the old ones are retired but still open envelopes for
    KEY_OVERLAP. Every partner must be sent the new public keys and pin them after hearing the new
    fingerprint (`partner_rotate_keys` on their side)."""
    old = InstanceKey.objects.select_for_update().filter(retired_at__isnull=True).first()
    if old is None:
        raise StateError("this instance has no keys yet: run `jisr keys init`")
    old.retired_at = _now()
    old.save(update_fields=["retired_at", "updated_at"])
    row = _store_keys(env.InstanceKeys.generate(old.name, str(old.instance_id)))
    audit_record(actor=None, action="referrals.keys_rotate", target=row, actor_label=actor_label,
                 details={"instance_id": str(row.instance_id), "retired": str(old.pk)})
    return row


# --- Partners --------------------------------------------------------------------------------------------


def may_manage_partners(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.role == Role.COORDINATOR)


def _check_url(url: str) -> str:
    from urllib.parse import urlsplit

    url = url.strip()
    parts = urlsplit(url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme not in ("https", "http") or not parts.hostname or (parts.scheme == "http" and not loopback):
        raise ValueError("the partner's inbox URL must use https")
    return url


@transaction.atomic
def partner_add(*, actor: User | None, organisation: Organisation, name: str, inbox_url: str,
                public_keys: str, country: str = "", actor_label: str = "") -> Partner:
    """Pin a partner instance's public keys (JSON from its `jisr keys show --json`). The partner stays
    unusable until a person confirms its fingerprint. Raises PermissionDeniedError, ValueError."""
    if actor is not None and (not may_manage_partners(actor) or actor.organisation != organisation):
        raise PermissionDeniedError("only a coordinator manages partners")
    name = name.strip()
    if not name or len(name) > 200:
        raise ValueError("give the partner a name")
    try:
        keys = env.PublicKeys.from_json(public_keys)
    except env.EnvelopeError as exc:
        raise ValueError("the public keys file is not valid") from exc
    own = current_instance_key()
    if own is not None and str(own.instance_id) == keys.instance_id:
        raise ValueError("these are this instance's own keys")
    if Partner.objects.filter(name__iexact=name).exists() or Partner.objects.filter(
            instance_id=keys.instance_id).exists():
        raise ValueError("a partner with this name or these keys already exists")
    partner = Partner.objects.create(
        name=name, organisation=organisation, country=country.strip().upper()[:2], inbox_url=_check_url(inbox_url),
        instance_id=uuid.UUID(keys.instance_id), signing_public=keys.signing_public,
        encryption_public=keys.encryption_public, fingerprint=keys.fingerprint, added_by=actor,
    )
    audit_record(actor=actor, action="referrals.partner_add", target=partner, organisation=organisation,
                 actor_label=actor_label, details={"partner": str(partner.pk), "fingerprint": partner.fingerprint})
    return partner


@transaction.atomic
def partner_confirm(*, actor: User | None, partner: Partner, fingerprint: str, actor_label: str = "") -> Partner:
    """Record that a person checked the partner's fingerprint out of band (read aloud on a call).
    Raises ValueError when the typed fingerprint differs (nothing changes)."""
    if actor is not None and (not may_manage_partners(actor) or actor.organisation != partner.organisation):
        raise PermissionDeniedError("only a coordinator manages partners")
    if env.normalise_fingerprint(fingerprint) != partner.fingerprint:
        raise ValueError("the fingerprint does not match the partner's keys")
    if partner.confirmed_at is not None:
        raise StateError("this partner is already confirmed")
    partner.confirmed_at, partner.confirmed_by = _now(), actor
    partner.confirmed_by_label = actor.get_username() if actor else (actor_label or "command")
    partner.save(update_fields=["confirmed_at", "confirmed_by", "confirmed_by_label", "updated_at"])
    audit_record(actor=actor, action="referrals.partner_confirm", target=partner, organisation=partner.organisation,
                 actor_label=actor_label, details={"partner": str(partner.pk)})
    return partner


@transaction.atomic
def partner_rotate_keys(*, actor: User | None, partner: Partner, public_keys: str, fingerprint: str,
                        overlap: dt.timedelta = PARTNER_KEY_OVERLAP, actor_label: str = "") -> Partner:
    """Pin the new public keys of `partner` after it rotated its own (`jisr keys rotate` there, then its
    `jisr keys show --json`), keeping the partner record, its referrals and its queue.

    `fingerprint` is the new fingerprint as a person heard it from the partner (phone call, meeting),
    exactly as for `partner_confirm`: the new keys are pinned and confirmed in one step, so the partner
    is never usable with keys nobody checked, nor unusable in between.

    The previous keys are kept (`PartnerPreviousKey`). Their signing key still verifies this partner's
    envelopes until now + `overlap` — envelopes it signed before rotating that are still in flight
    (HTTP retries, a `.jisr` file on its way); by default PARTNER_KEY_OVERLAP (= ENVELOPE_TTL, the
    longest a Jisr envelope is valid), at most that. `overlap` = 0 (old key lost or stolen) refuses the
    previous key — and any earlier key still in an overlap — at once. Keys that were never confirmed
    are never accepted.

    Envelopes of ours still queued for the partner (not delivered, not expired) were sealed to its
    previous encryption key: in the same transaction they are signed again and sealed to the new key
    (`_reseal_queued`; same message id, so a copy of the old one that arrives too is refused as a replay),
    and are due for delivery at once. Only an envelope whose payload copy is gone stays as it was (its
    referral's key was destroyed before it was queued, or it was queued before copies were kept): the
    partner's instance still opens it with its retired key (`KEY_OVERLAP` there, 90 days, longer than any
    envelope lives), and the audit event counts it. New envelopes use the new key.

    Raises PermissionDeniedError (not a coordinator of the partner's organisation), ValueError (not a
    public-keys file, another instance's keys, keys already used, fingerprint mismatch, overlap out of
    range); nothing changes then."""
    if actor is not None and (not may_manage_partners(actor) or actor.organisation != partner.organisation):
        raise PermissionDeniedError("only a coordinator manages partners")
    if not dt.timedelta(0) <= overlap <= PARTNER_KEY_OVERLAP:
        raise ValueError(f"the overlap must be between 0 and {PARTNER_KEY_OVERLAP.days} days")
    try:
        keys = env.PublicKeys.from_json(public_keys)
    except env.EnvelopeError as exc:
        raise ValueError("the public keys file is not valid") from exc
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if keys.instance_id != str(partner.instance_id):
        raise ValueError("these keys belong to another instance")
    used = {partner.fingerprint, *partner.previous_keys.values_list("fingerprint", flat=True)}
    if keys.fingerprint in used:
        raise ValueError("these keys were already pinned for this partner")
    if env.normalise_fingerprint(fingerprint) != keys.fingerprint:
        raise ValueError("the fingerprint does not match the partner's keys")
    now = _now()
    accepted_until = now + overlap if partner.confirmed_at is not None else now
    if overlap == dt.timedelta(0):
        partner.previous_keys.filter(accepted_until__gt=now).update(accepted_until=now, updated_at=now)
    previous = PartnerPreviousKey.objects.create(
        partner=partner, signing_public=bytes(partner.signing_public),
        encryption_public=bytes(partner.encryption_public), fingerprint=partner.fingerprint,
        accepted_until=accepted_until,
    )
    partner.signing_public, partner.encryption_public = keys.signing_public, keys.encryption_public
    partner.fingerprint = keys.fingerprint
    partner.confirmed_at, partner.confirmed_by = now, actor
    partner.confirmed_by_label = actor.get_username() if actor else (actor_label or "command")
    partner.save(update_fields=["signing_public", "encryption_public", "fingerprint", "confirmed_at",
                                "confirmed_by", "confirmed_by_label", "updated_at"])
    resealed, kept = _reseal_queued(partner, now)
    audit_record(actor=actor, action="referrals.partner_rotate", target=partner, organisation=partner.organisation,
                 actor_label=actor_label,
                 details={"partner": str(partner.pk), "fingerprint": partner.fingerprint,
                          "previous": str(previous.pk), "previous_fingerprint": previous.fingerprint,
                          "previous_accepted_until": accepted_until.isoformat(timespec="seconds"),
                          "queued_resealed": resealed, "queued_kept": kept})
    return partner


def _reseal_queued(partner: Partner, now: dt.datetime) -> tuple[int, int]:
    """Seal the envelopes still queued for `partner` (its new keys just pinned) to its new encryption key,
    signed with our current key: same message id, kind, referral, body, issue and expiry times; only
    the recipient key named inside changes. Inside the caller's transaction, rows locked. Returns
    (re-sealed, kept as they were: no readable payload copy)."""
    own = current_instance_key()
    queued = list(OutboundMessage.objects.select_for_update(of=("self",)).select_related("referral__data_key")
                  .filter(partner=partner, delivered_at__isnull=True, expires_at__gt=now))
    if own is None or not queued:
        return 0, len(queued)
    sender = _private(own)
    new_key = bytes(partner.encryption_public)
    resealed = kept = 0
    for msg in queued:
        payload = _queued_payload(msg)
        if payload is None:
            kept += 1
            continue
        payload["recipient"]["key_fingerprint"] = env.key_fingerprint(new_key)
        _reseal(msg, payload, sender=sender, recipient_key=new_key, now=now)
        resealed += 1
    return resealed, kept


def _queued_payload(msg: OutboundMessage) -> env.Payload | None:
    """What a queued envelope says (its payload copy, `OutboundMessage.payload`), or None when the copy
    is gone or can no longer be read (its referral's key was destroyed: erasure)."""
    key = msg.referral.data_key if msg.referral is not None else None
    try:
        text = unseal(msg, "payload", key) if key is not None else None
    except DecryptionError:
        text = None
    return json.loads(text) if text else None


def _reseal(msg: OutboundMessage, payload: env.Payload, *, sender: env.InstanceKeys, recipient_key: bytes,
            now: dt.datetime) -> None:
    """Sign `payload` again and seal it to `recipient_key` as the same queued message (same message id, so
    the partner refuses an earlier copy of it as a replay), due at once. `msg.referral` has a readable key."""
    assert msg.referral is not None
    msg.blob = env.seal(payload, sender=sender, recipient_encryption_public=recipient_key)
    seal(msg, "payload", json.dumps(payload, ensure_ascii=False), msg.referral.data_key)
    msg.next_attempt_at = now
    msg.save(update_fields=["blob", "payload", "next_attempt_at", "updated_at"])


# --- Who acts on which side ------------------------------------------------------------------------------


def is_recipient_handler(user: Any, referral: Referral) -> bool:
    """The recipient side: for a referral to a team, its case workers and supervisors; for a referral
    to an organisation (on this instance or from a partner), that organisation's partner focal points."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    m = user.membership_or_none
    if m is None or referral.direction == Direction.OUTGOING:
        return False
    if referral.recipient_team_id is not None:
        return m.team_id == referral.recipient_team_id and user.capabilities.write_cases
    return m.organisation_id == referral.recipient_organisation_id and m.role == Role.PARTNER_FOCAL_POINT


def is_sender_actor(user: Any, referral: Referral) -> bool:
    """The sender side: whoever may write on the sender's case (the sender, her supervisor)."""
    from jisr.cases.selectors import cases_visible_to

    if user is None or not getattr(user, "is_authenticated", False) or referral.case_id is None:
        return False
    if not user.capabilities.write_cases or referral.direction == Direction.INCOMING:
        return False
    return cases_visible_to(user).filter(pk=referral.case_id).exists()


# --- Referral lifecycle ------------------------------------------------------------------------------------


def _clean_note(note: str) -> str:
    """A referral's message or a transition's note, ours or a partner's, cleaned of hidden control and
    bidi characters with its lines kept (`crypto.normalise.clean_free_text`); ValueError beyond MAX_NOTE."""
    note = clean_free_text(note or "")
    if len(note) > MAX_NOTE:
        raise ValueError("the note is too long")
    return note


def _record(referral: Referral, event: sm.Event, before: str, *, actor: User | None, actor_label: str = "",
            remote: bool = False, code: str = "", note: str = "", reason: str = "") -> None:
    t = ReferralTransition(referral=referral, event=event.value, from_state=before, to_state=referral.state,
                           actor=actor, actor_label=actor_label or (actor.get_username() if actor else "system"),
                           remote=remote, code=code)
    if note and referral.data_key.wrapped is not None:
        seal(t, "note", note, referral.data_key)
    t.save(force_insert=True)
    audit_record(actor=actor, action=f"referral.{event.value}", target=referral,
                 organisation=referral.organisation, actor_label=actor_label, reason=reason,
                 details={"from": before, "to": referral.state, "direction": referral.direction,
                          "remote": remote, **({"code": code} if code else {})})


def _end_access(referral: Referral) -> None:
    """The recipient's access ends at once: the sealed package is wiped; an incoming referral's own
    key is destroyed (crypto-shredding its package and notes)."""
    referral.package = None
    referral.message = None
    if referral.direction == Direction.INCOMING and referral.data_key.wrapped is not None:
        data_key_destroy(referral.data_key)


def _apply(referral: Referral, event: sm.Event, *, actor: User | None, actor_label: str = "", remote: bool = False,
           code: str = "", note: str = "", reason: str = "") -> Referral:
    before = referral.state
    after = sm.next_state(before, event)  # InvalidTransitionError → caller (nothing written yet)
    referral.state = after.value
    if event == sm.Event.DECLINE:
        referral.decline_reason = code
    if event == sm.Event.COMPLETE:
        referral.outcome = code
    if after in sm.ENDS_ACCESS:
        _end_access(referral)
    referral.save(update_fields=["state", "decline_reason", "outcome", "package", "message", "updated_at"])
    _record(referral, event, before, actor=actor, actor_label=actor_label, remote=remote, code=code, note=note,
            reason=reason)
    return referral


def _locked(pk: Any) -> Referral:
    """The referral row, locked (only its own row: PostgreSQL refuses FOR UPDATE on an outer join)."""
    return Referral.objects.select_for_update(of=("self",)).select_related("data_key", "partner").get(pk=pk)


def _check_event_input(event: sm.Event, code: str, note: str) -> None:
    if event in sm.NEEDS_NOTE and not note:
        raise ValueError("reopening needs a note")
    if event == sm.Event.DECLINE and code not in DeclineReason.values:
        raise ValueError("give the reason for declining")
    if event == sm.Event.COMPLETE and code and code not in Outcome.values:
        raise ValueError("unknown outcome")


@transaction.atomic
def referral_create(
    *,
    actor: User,
    case: Case,
    categories: list[str],
    reason: str,
    message: str = "",
    team: Team | None = None,
    organisation: Organisation | None = None,
    partner: Partner | None = None,
) -> Referral:
    """Refer `case` (fetched through case_get_for_user) to exactly one of: a `team` of the case's
    organisation, another `organisation` on this instance, or a confirmed `partner` instance — and
    send it. The package holds only `categories`. Needs a referral consent in force naming the
    recipient (care.selectors.consent_in_force). Refused (StateError "this case already has an open
    referral to this recipient") while an open referral of the case to the same recipient exists: checked
    under the lock of her row, so concurrent requests create one referral, not one each. Raises
    PermissionDeniedError, StateError, ValueError; nothing is created then."""
    if not actor.capabilities.write_cases or actor.organisation != case.organisation:
        raise PermissionDeniedError("this role may not refer cases")
    if case.status != CaseStatus.OPEN:
        raise StateError("the case is closed; reopen it first")
    # Her row, locked and read again: an erasure running now (it holds the same lock) is waited for, and
    # one that committed since `case` was fetched is seen, so her package is never built after it.
    if case.person.is_erased or Person.objects.select_for_update().only("erased_at").get(pk=case.person_id).is_erased:
        raise StateError("this person's identity was erased")
    if sum(x is not None for x in (team, organisation, partner)) != 1:
        raise ValueError("choose one recipient")
    categories = sorted(set(categories))
    if not categories or any(c not in Category.values for c in categories):
        raise ValueError("choose at least one category of data to share")
    if reason not in ReferralReason.values:
        raise ValueError("give the reason for the referral")
    message = _clean_note(message)
    if team is not None:
        if team.organisation_id != case.organisation_id or team.pk == case.team_id:
            raise ValueError("choose another team of this organisation")
        direction, label = Direction.INTERNAL, team.name
    elif organisation is not None:
        if organisation.pk == case.organisation_id:
            raise ValueError("choose another organisation, or a team of yours")
        direction, label = Direction.INTERNAL, organisation.name
    else:
        assert partner is not None
        if partner.confirmed_at is None:
            raise StateError("this partner's fingerprint has not been confirmed")
        if partner.organisation_id != case.organisation_id:
            raise PermissionDeniedError("this partner works with another organisation")
        direction, label = Direction.OUTGOING, partner.name
    # Checked under her row's lock taken above (PostgreSQL; SQLite takes the database's write lock at BEGIN):
    # a concurrent request for the same referral waits, then sees this one's referral and is refused.
    if _open_to_same_recipient(case, team=team, organisation=organisation, partner=partner).exists():
        raise StateError("this case already has an open referral to this recipient")
    consent = consent_in_force(case.person, ConsentPurpose.REFERRAL, recipient=label)
    if consent is None:
        raise PermissionDeniedError("no referral consent in force names this recipient")
    now = _now()
    referral = Referral(
        direction=direction, sender_organisation=case.organisation, sender_user=actor, case=case, consent=consent,
        recipient_organisation=(team.organisation if team else organisation), recipient_team=team, partner=partner,
        counterpart_label=label, categories=categories, reason=reason, data_key=case.person.data_key,
        consent_proof={"reference": str(consent.pk), "purpose": consent.purpose,
                       "given_on": consent.given_on.isoformat(), "language": consent.language,
                       "given_by": consent.given_by,
                       "valid_until": consent.valid_until.isoformat() if consent.valid_until else ""},
        answer_by=now + ANSWER_WITHIN, sent_at=now,
    )
    referral.exchange_id = referral.pk
    package = build_package(case, categories)
    material = data_key_material(referral.data_key)
    seal(referral, "package", json.dumps(package, ensure_ascii=False), referral.data_key, material)
    seal(referral, "message", message, referral.data_key, material)
    referral.save(force_insert=True)
    audit_record(actor=actor, action="referral.create", target=referral, organisation=case.organisation,
                 details={"case": str(case.pk), "direction": direction, "categories": categories,
                          "consent": str(consent.pk), "reason": reason})
    _apply(referral, sm.Event.SEND, actor=actor)
    if direction == Direction.OUTGOING:
        assert partner is not None
        body = {"event": sm.Event.SEND.value, "reason": reason, "categories": categories, "package": package,
                "consent": referral.consent_proof, "message": message,
                "answer_by": referral.answer_by.isoformat() if referral.answer_by else "",
                "cas_ReferringOrganisation": case.organisation.name,
                "cas_OutgoingReferralDate": timezone.localdate().isoformat()}
        _enqueue(referral, partner, kind="referral", body=body, event=sm.Event.SEND)
    return referral


def _open_to_same_recipient(case: Case, *, team: Team | None, organisation: Organisation | None,
                            partner: Partner | None) -> Any:
    """The open referrals (`sm.OPEN_STATES`) of `case` to the one recipient given: the same team, the same
    organisation on this instance (not one of its teams), or the same partner."""
    open_referrals = Referral.objects.filter(case=case, state__in=[s.value for s in sm.OPEN_STATES])
    if team is not None:
        return open_referrals.filter(recipient_team=team)
    if organisation is not None:
        return open_referrals.filter(recipient_organisation=organisation, recipient_team__isnull=True,
                                     direction=Direction.INTERNAL)
    return open_referrals.filter(partner=partner, direction=Direction.OUTGOING)


@transaction.atomic
def referral_transition(*, actor: User, referral: Referral, event: str, code: str = "", note: str = "") -> Referral:
    """Apply `event` by `actor` on her side of `referral` (fetched through referral_get_for_user).
    Sender side: withdraw. Recipient side: receive, accept, decline (code = DeclineReason), start_service,
    complete (code = Outcome), reopen (note required). On a cross-border referral the other instance
    is told by a signed envelope — except a withdrawal of a referral it cannot have received: then its
    queued envelope is dropped and nothing is sent (`_end_sent`). Raises PermissionDeniedError,
    StateError, ValueError."""
    try:
        ev = sm.Event(event)
    except ValueError as exc:
        raise ValueError("unknown action") from exc
    if ev in (sm.Event.SEND, sm.Event.CANCEL, sm.Event.EXPIRE):
        raise PermissionDeniedError("this happens on its own")
    note = _clean_note(note)
    _check_event_input(ev, code, note)
    side = sm.EVENT_SIDE[ev]
    allowed = is_sender_actor(actor, referral) if side == sm.Side.SENDER else is_recipient_handler(actor, referral)
    if not allowed:
        raise PermissionDeniedError("you are not on this side of the referral")
    referral = _locked(referral.pk)
    try:
        if ev in ENDED_BY_SENDER:
            _end_sent(referral, ev, actor=actor, note=note)
        else:
            _apply(referral, ev, actor=actor, code=code, note=note)
            _tell_partner(referral, ev, code=code, note=note)
    except sm.InvalidTransitionError as exc:
        raise StateError("this is not possible in the referral's current state") from exc
    return referral


#: The sender's events that end a referral: withdrawn by the sender, cancelled (consent gone), expired.
ENDED_BY_SENDER: frozenset[sm.Event] = frozenset({sm.Event.WITHDRAW, sm.Event.CANCEL, sm.Event.EXPIRE})


def _end_sent(referral: Referral, ev: sm.Event, *, actor: User | None, actor_label: str = "", note: str = "",
              reason: str = "", why: str = "") -> int:
    """End `referral` on the sender's side (`ev` in ENDED_BY_SENDER) — the one path for a withdrawal, a
    cancellation and an expiry — and tell a partner only if it may hold the referral.

    Its own envelope (kind ``referral``, her package) still queued goes first: it is dropped
    (`referrals.envelope_drop` {message, kind, event, why}; `why` defaults to the event), so an ended
    referral's package never leaves afterwards (an ended referral shares nothing: statemachine.ENDS_ACCESS;
    withdrawn consent stops every share). Then the transition is applied and, for a partner that
    may have the referral, the signed notice of `ev` (with `note`) is queued. A partner cannot have it
    when it never acknowledged it (the referral was still ``sent``, or a draft) and each envelope of
    it was neither delivered, nor exported as a `.jisr` file, nor tried in a way that may have reached
    the partner all the same (`OutboundMessage.maybe_delivered`, transport.may_have_arrived): then no
    notice is queued, since the partner would refuse it (it knows no such referral) and we would retry
    it until it expired. With no envelope of it on record we cannot tell, and the notice goes.

    The referral's row is the caller's, locked; the envelopes' rows are locked here, after any delivery
    of them that is under way (`outbound_deliver` holds their lock while it sends). Raises
    sm.InvalidTransitionError before any write; StateError if the notice cannot be queued. Returns how
    many envelopes were dropped."""
    before = referral.state
    sm.next_state(before, ev)  # refused here, before anything is dropped
    envelopes = _package_envelopes(referral)
    reached = _may_have_reached(before, envelopes)
    dropped = 0
    for msg in envelopes:
        if msg.delivered_at is None:
            _drop_queued(msg, referral, actor=actor, actor_label=actor_label, reason=reason, why=why or ev.value)
            dropped += 1
    _apply(referral, ev, actor=actor, actor_label=actor_label, note=note, reason=reason)
    if reached:
        _tell_partner(referral, ev, note=note)
    return dropped


def _package_envelopes(referral: Referral) -> list[OutboundMessage]:
    """The envelopes of `referral` that carry its package (kind ``referral``), locked — after any delivery of
    them under way (`outbound_deliver` holds their lock while it sends)."""
    return list(OutboundMessage.objects.select_for_update(of=("self",)).filter(referral=referral, kind="referral"))


def _may_have_reached(state: str, envelopes: list[OutboundMessage]) -> bool:
    """Whether the partner may hold a referral of ours now in `state` whose package envelopes are
    `envelopes` (`_package_envelopes`): not when it is a draft, nor when it was never acknowledged (``sent``)
    and each of its envelopes was neither delivered, nor exported as a `.jisr` file, nor tried in a way that
    may have reached the partner all the same (`OutboundMessage.maybe_delivered`). With no envelope of it
    on record we cannot tell: it may."""
    if state == sm.State.DRAFT:
        return False
    if state != sm.State.SENT or not envelopes:
        return True
    return any(m.delivered_at or m.exported_at or m.maybe_delivered for m in envelopes)


def _drop_queued(msg: OutboundMessage, referral: Referral, *, actor: User | None, actor_label: str = "",
                 reason: str = "", why: str) -> None:
    """Delete the queued envelope `msg` of `referral` (locked by the caller) before it is delivered:
    `referrals.envelope_drop` {message, kind, event, why} on the referral."""
    msg.delete()
    audit_record(actor=actor, action="referrals.envelope_drop", target=referral, organisation=referral.organisation,
                 actor_label=actor_label, reason=reason,
                 details={"message": str(msg.message_id), "kind": msg.kind, "event": msg.event, "why": why})


def _tell_partner(referral: Referral, ev: sm.Event | str, *, code: str = "", note: str = "") -> None:
    """Queue the signed status envelope {event, code, note} of `referral` for its partner (nothing for a
    referral inside this instance). `ev` is an event of the state machine, or SHARING_ENDED."""
    if referral.partner is None or referral.direction == Direction.INTERNAL:
        return
    _enqueue(referral, referral.partner, kind="status", body={"event": str(ev), "code": code, "note": note},
             event=ev)


#: The notice a sender's instance sends its partner when what a referral shared may no longer be held there
#: although the referral's state goes on (a completed referral whose consent was withdrawn or expired; an
#: accepted one whose person the sender erased): a status envelope {"event": "sharing_ended", "code":
#: <SharingEnded>, "note": ""}. It is no event of the state machine: the partner's referral keeps its state,
#: and only what it shared is wiped there (`_receive_sharing_ended`). An open referral whose consent ends is
#: cancelled instead (the ``cancel`` event ends the partner's access the same way).
SHARING_ENDED = "sharing_ended"


def _end_sharing(referral: Referral, why: SharingEnded, *, actor: User | None, actor_label: str = "",
                 reason: str = "") -> bool:
    """Sender side: what `referral` (ours: internal or outgoing; locked by the caller) shared may no longer
    be held, for `why`, while its state stays as it is (a completed referral, or one the recipient accepted).
    Our copy of the package and note is wiped and the fact recorded (`_erase_package`: `sharing_ended`,
    `referrals.package_erased` {why, direction, notes_cleared}: in the recipient organisation's chain for a
    referral inside this instance, where the recipient's page then says so; ours for a partner). A partner
    that may hold the referral (`_may_have_reached`) is sent the SHARING_ENDED notice with `why`.

    Does nothing and returns False when `referral` already ended its sharing for the same reason. Raises
    StateError when the notice cannot be queued (no instance keys, partner unconfirmed): the caller's
    transaction then changes nothing."""
    if referral.sharing_ended == why:
        return False
    reached = referral.direction == Direction.OUTGOING and _may_have_reached(referral.state,
                                                                             _package_envelopes(referral))
    _erase_package(referral, why=why, actor=actor, actor_label=actor_label, reason=reason)
    if reached:
        _tell_partner(referral, SHARING_ENDED, code=why)
    return True


@transaction.atomic
def referral_open_case(*, actor: User, referral: Referral, assignee: User) -> Case:
    """The recipient focal point turns an accepted referral into a case of her organisation, assigned to
    `assignee` (a case worker or supervisor there), in one action. The person is registered from the
    shared identity (or under a placeholder name when identity was not shared): `referral.register_person`
    {referral} on her record, by the focal point. The case takes over what the package holds and the
    referral's consent covered (`carried_from_package`): the risk level and the forms of exploitation,
    through the cases services, so each is versioned and audited as an entry made here would be
    (`case.risk`, `case.exploitation`, with {"source": "referral", "referral": <id>}; by the assignee, as
    the case's opening is). The referral keeps the link; neither side can read the other's case. Raises
    PermissionDeniedError, StateError, ValueError (SHARED_IDENTITY_INVALID when what was shared cannot be
    registered: a field of another type, e.g. a date of birth that is no ISO date, or a value her record
    cannot hold: `_registration_from_package`); nothing changes then."""
    from jisr.cases.services import case_open, case_set_exploitation, case_set_risk
    from jisr.survivors.identity import Identity
    from jisr.survivors.services import person_register

    if not is_recipient_handler(actor, referral) or referral.recipient_team_id is not None:
        raise PermissionDeniedError("only the recipient organisation's focal point opens a case")
    referral = Referral.objects.select_for_update(of=("self",)).select_related("data_key").get(pk=referral.pk)
    if referral.state not in (sm.State.ACCEPTED, sm.State.IN_SERVICE) or referral.recipient_case_id:
        raise StateError("only an accepted referral without a case can become a case")
    org = referral.recipient_organisation
    if assignee.organisation != org or not assignee.capabilities.write_cases:
        raise ValueError("the assignee must be a case worker or supervisor of this organisation")
    package = shared_package(referral)
    identity, registration = _registration_from_package(package)
    if not any(identity.name_variants()):
        # No identity shared: a pseudonymous placeholder the team replaces when they meet her.
        identity = Identity(given_name_latin="Referral", family_name_latin=str(referral.exchange_id)[:8])
    try:
        person = person_register(actor=None, organisation=org, identity=identity, **registration,
                                 audit_details={"referral": str(referral.pk)})
    except (ValueError, ValidationError) as exc:  # a value her record cannot hold; the transaction rolls back
        raise ValueError(SHARED_IDENTITY_INVALID) from exc
    # `person_register` writes `person.register` as an import (no actor); this says by whom and from what.
    audit_record(actor=actor, action="referral.register_person", target=person, organisation=org,
                 details={"referral": str(referral.pk)})
    case = case_open(actor=assignee, person=person, assigned_to=assignee)
    risk_level, exploitation = carried_from_package(referral, package)
    source = {"source": "referral", "referral": str(referral.pk)}
    if risk_level:
        case = case_set_risk(actor=assignee, case=case, risk_level=risk_level, source=source)
    if exploitation:
        case = case_set_exploitation(actor=assignee, case=case, types=exploitation, source=source)
    referral.recipient_case = case
    referral.save(update_fields=["recipient_case", "updated_at"])
    audit_record(actor=actor, action="referral.open_case", target=referral, organisation=org,
                 details={"case": str(case.pk), "assigned_to": assignee.pk})
    return case


SHARED_IDENTITY_INVALID = "the shared identity cannot be registered as it is"


def _registration_from_package(package: dict[str, dict[str, Any]]) -> tuple[Any, dict[str, Any]]:
    """What `referral_open_case` registers from `package` (`shared_package`): (survivors.identity.Identity,
    the other keyword arguments of `person_register`: sex, nationality, languages, estimated_age,
    age_estimated_on). A partner's package is its own: every field is checked for its shape first — names,
    phone, sex and languages text; `prs_Birthdate` an ISO date; `jisr_EstimatedAge` an object {age: whole
    number, estimated_on: ISO date}; `prs_Citizenship` a list of text; `prs_IdentityNumber` a list of
    objects of text. Absent or null fields are empty. Raises ValueError(SHARED_IDENTITY_INVALID) otherwise,
    naming no value."""
    from jisr.survivors.identity import Identity, IdentityDocument

    def text(values: dict[str, Any], name: str) -> str:
        value = values.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError(SHARED_IDENTITY_INVALID)
        return value

    def day(value: Any) -> dt.date | None:
        if value is None or value == "":
            return None
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(SHARED_IDENTITY_INVALID) from exc

    def listed(value: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise ValueError(SHARED_IDENTITY_INVALID)
        return value

    ident = package.get(Category.IDENTITY) or {}
    birth = day(ident.get("prs_Birthdate"))
    estimate = ident.get("jisr_EstimatedAge")
    if estimate is None:
        estimate = {}
    if not isinstance(estimate, dict):
        raise ValueError(SHARED_IDENTITY_INVALID)
    age = estimate.get("age")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int)):
        raise ValueError(SHARED_IDENTITY_INVALID)
    estimated_on = day(estimate.get("estimated_on"))
    citizenship = listed(ident.get("prs_Citizenship"))
    documents = listed((package.get(Category.DOCUMENTS) or {}).get("prs_IdentityNumber"))
    if not all(isinstance(c, str) for c in citizenship) or not all(isinstance(d, dict) for d in documents):
        raise ValueError(SHARED_IDENTITY_INVALID)
    identity = Identity(
        given_name=text(ident, "prs_FirstName"), family_name=text(ident, "prs_SecondName"),
        given_name_latin=text(ident, "jisr_FirstNameLatin"), family_name_latin=text(ident, "jisr_SecondNameLatin"),
        date_of_birth=birth, phone=text(package.get(Category.CONTACT) or {}, "prs_MobilePhone"),
        documents=tuple(IdentityDocument(text(d, "kind") or "other", text(d, "number"), text(d, "country"))
                        for d in documents),
    )
    with_age = age is not None and birth is None
    return identity, {
        "sex": text(ident, "prs_Gender") or "NonSpecifiedUnknown",
        "nationality": citizenship[0] if citizenship else "",
        "languages": [x for x in (text(ident, "prs_PrimaryLanguage"), text(ident, "prs_SecondaryLanguage")) if x],
        "estimated_age": age if with_age else None,
        "age_estimated_on": estimated_on if with_age else None,
    }


def carried_from_package(referral: Referral, package: dict[str, dict[str, Any]]) -> tuple[str, list[str]]:
    """What a case opened from `referral` takes over from `package` (`shared_package(referral)`: only what
    its state and consent still share): (risk level, forms of exploitation).

    - The risk level (`jisr_RiskLevel`) only when the referral shares the risk category, and only a level
      Jisr knows other than "not assessed"; otherwise "".
    - The forms of exploitation (`vic_TypeOfExploitation`) only when it shares the screening category:
      the HTCDS codes Jisr knows, in the standard's order; otherwise [].

    Anything else, or of another shape (a partner's package is its own), is left out, never refused."""
    categories = set(referral.categories)
    risk = package.get(Category.RISK) if Category.RISK in categories else None
    level = risk.get("jisr_RiskLevel") if isinstance(risk, dict) else None
    if not isinstance(level, str) or level not in RiskLevel.values or level == RiskLevel.UNKNOWN:
        level = ""
    screening = package.get(Category.SCREENING) if Category.SCREENING in categories else None
    codes = screening.get("vic_TypeOfExploitation") if isinstance(screening, dict) else None
    known = {c for c in codes if isinstance(c, str)} if isinstance(codes, list) else set()
    return level, [t for t in ExploitationType.values if t in known]


#: States of a referral of ours, not open any more, in which the recipient still holds what it shared.
HELD_AFTER_CLOSE: frozenset[sm.State] = sm.SHARES_PACKAGE - sm.OPEN_STATES


@transaction.atomic
def on_consent_withdrawn(*, actor: User | None, consent: Consent) -> list[Referral]:
    """Hook: `care.services.consent_withdraw` calls it in its transaction. Every referral based on
    `consent` in which the recipient may still hold what it shared stops sharing it:

    - an open one is cancelled (`referral.cancel`: recipient access ends at once; its package still
      queued for a partner is dropped, and a partner that may have it is told by a signed ``cancel``
      envelope, on which it wipes its copy: `_end_sent`);
    - a completed one keeps its state and stops sharing (`_end_sharing`, SharingEnded.CONSENT_WITHDRAWN):
      inside this instance the recipient's page hides the package at once and says why; a partner is
      sent the SHARING_ENDED notice, on which it wipes its copy and records it in its chain.

    What a recipient copied into a case it opened from the referral (her person record there) is its own
    record and is not touched: its page tells it to review that record. Returns the referrals acted on.
    Raises StateError when a notice cannot be queued (nothing changes then)."""
    done = []
    for referral in Referral.objects.select_for_update(of=("self",)).select_related("data_key", "partner").filter(
            consent=consent, direction__in=[Direction.INTERNAL, Direction.OUTGOING],
            state__in=[s.value for s in sm.OPEN_STATES | HELD_AFTER_CLOSE]).order_by("created_at"):
        label = "" if actor else "consent"
        if referral.state in sm.OPEN_STATES:
            _end_sent(referral, sm.Event.CANCEL, actor=actor, actor_label=label)
        elif not _end_sharing(referral, SharingEnded.CONSENT_WITHDRAWN, actor=actor, actor_label=label):
            continue
        done.append(referral)
    return done


def _consent_ended_why(consent: Consent, today: dt.date) -> SharingEnded:
    """Why `consent`, no longer in force on `today`, ended: withdrawn, or past its `valid_until`."""
    if consent.withdrawn_on is not None and consent.withdrawn_on <= today:
        return SharingEnded.CONSENT_WITHDRAWN
    return SharingEnded.CONSENT_EXPIRED


def consent_proof_expired(referral: Referral, today: dt.date | None = None) -> bool:
    """Whether the consent proof a partner sent with `referral` (incoming) says the consent ended before
    `today` (`valid_until`, an ISO date, in force on that day; "" = no end). False for our own referrals,
    whose consent is read itself."""
    if referral.direction != Direction.INCOMING:
        return False
    try:
        until = _proof_valid_until(referral.consent_proof)
    except ValueError:
        return True  # an end we cannot read (stored before proofs were checked): not shown as in force
    return until is not None and until < (today or timezone.localdate())


def _proof_valid_until(proof: dict[str, Any]) -> dt.date | None:
    """The `valid_until` of a consent proof: a date, or None when it has no end. Raises ValueError when it is
    neither an ISO date nor empty."""
    value = proof.get("valid_until") or ""
    if not isinstance(value, str):
        raise ValueError("valid_until must be an ISO date")
    return dt.date.fromisoformat(value) if value else None


#: Her referrals that erasure withdraws: not yet accepted, so no service rests on them yet. An accepted
#: referral (the partner may be serving her) and a closed one keep their state; the recipient of one it
#: accepted is told of the erasure (`_recipient_may_have_copied`).
WITHDRAWN_ON_ERASURE: frozenset[sm.State] = frozenset({sm.State.DRAFT, sm.State.SENT, sm.State.RECEIVED})
#: The states in which the recipient has accepted a referral (and may have opened a case from it).
ACCEPTED_STATES: frozenset[sm.State] = frozenset({sm.State.ACCEPTED, sm.State.IN_SERVICE, sm.State.COMPLETED})


def _recipient_may_have_copied(referral: Referral) -> bool:
    """Whether the recipient organisation of `referral` (ours) may have registered her in a record of its
    own: another organisation (not a team of ours) that accepted it — it is accepted now, or was once, or
    opened a case from it. A partner abroad does not tell us whether it opened a case: having accepted is
    enough."""
    if referral.recipient_team_id is not None:
        return False
    return (referral.state in ACCEPTED_STATES or referral.recipient_case_id is not None
            or referral.transitions.filter(to_state=sm.State.ACCEPTED.value).exists())


def on_person_erased(*, actor: User, person: Any, reason: str) -> dict[str, int]:
    """Hook: `survivors.services.person_erase` calls this inside its transaction, before her data key is
    destroyed, so that nothing of hers leaves after she is erased.

    - Each of her referrals sent from here (internal or to a partner) not yet accepted
      (`WITHDRAWN_ON_ERASURE`) is withdrawn (`referral.withdraw`: the recipient's access ends at once),
      as a sender withdraws it (`_end_sent`): its package still queued is dropped, and a partner that may
      have it is told by a signed ``withdraw`` envelope without a note, and then withdraws its copy and
      destroys its key; a partner that cannot have it is told nothing (it would refuse the notice).
    - Each of her other referrals to another organisation that accepted it (`_recipient_may_have_copied`:
      accepted, in service, completed, or ended after it was accepted) keeps its state — a service may
      rest on it — but stops sharing (`_end_sharing`, SharingEnded.SENDER_ERASED): what it shared is
      wiped, and the recipient is told, without any personal data, that the sender erased her. Inside
      this instance: `referrals.package_erased` {why: sender_erased} in the recipient organisation's chain
      (by the sending organisation, no staff named) and a note on its referral page and on the case it
      opened; a partner abroad is sent the signed SHARING_ENDED notice (code ``sender_erased``), on which
      it does the same. A case the recipient opened from the referral, with the person record it
      registered, is the recipient's own record: it is never erased from here; the note asks the
      recipient to review it under its own obligations.
    - Every other envelope still queued (not delivered) that carries her shared package (kind
      ``referral``) is dropped: `referrals.envelope_drop` on its referral.
    - A queued status envelope of her referrals (a withdrawal, a cancellation, an expiry: the partner must
      still learn that its access ended) goes on, but without the free-text note the sender may have
      written: it is signed and sealed again without it, as the same message
      (`referrals.envelope_note_removed`). Event and reason code are no personal data.
    - The receiving side: a referral she came through (her case here was opened from it,
      `referral_open_case`) holds what its sender shared about her, sealed under the referral's own key
      (from a partner) or her sender-side record's key (inside this instance), which erasing her here
      does not destroy. Our replies about it still queued for the partner are treated as above (sealed
      again without their note); then the package and the sender's note are wiped and, for a referral
      from a partner, the notes of its history are cleared and its key destroyed (crypto-shredding any
      copy left, queued payload copies included) — `referrals.package_erased` {why, direction,
      notes_cleared}. Its state is left as it is: the service may go on, and the partner still hears
      how it ends, without notes.

    Every event carries `reason`, which must name no one (the caller passes a fixed text). Returns the
    counts {"withdrawn", "dropped", "notes_removed", "recipients_told", "packages_erased"}. Raises
    StateError if a notice cannot be queued (no instance keys, partner unconfirmed): the caller's
    transaction then changes nothing."""
    referrals = list(Referral.objects.select_for_update(of=("self",)).select_related("data_key", "partner")
                     .filter(case__person=person, direction__in=[Direction.INTERNAL, Direction.OUTGOING])
                     .order_by("created_at"))
    came_through = list(Referral.objects.select_for_update(of=("self",)).select_related("data_key", "partner")
                        .filter(recipient_case__person=person, direction__in=[Direction.INTERNAL,
                                                                             Direction.INCOMING])
                        .order_by("created_at"))
    now = _now()
    own = current_instance_key()
    dropped = notes_removed = withdrawn = 0
    told = 0
    for referral in referrals:
        if referral.state in WITHDRAWN_ON_ERASURE:
            dropped += _end_sent(referral, sm.Event.WITHDRAW, actor=actor, reason=reason, why="person_erased")
            withdrawn += 1
        elif _recipient_may_have_copied(referral):
            # Inside this instance the event is the recipient organisation's: the sender organisation acts,
            # none of its staff is named in the other organisation's chain.
            inside = referral.direction == Direction.INTERNAL
            told += _end_sharing(referral, SharingEnded.SENDER_ERASED, actor=None if inside else actor,
                                 actor_label=referral.sender_organisation.name[:150] if inside and
                                 referral.sender_organisation else "", reason=reason)
    queued = (OutboundMessage.objects.select_for_update(of=("self",)).select_related("referral__data_key", "partner")
              .filter(referral__in=[*referrals, *came_through], delivered_at__isnull=True).order_by("created_at"))
    for msg in queued:
        assert msg.referral is not None
        where = {"target": msg.referral, "organisation": msg.referral.organisation, "reason": reason}
        details = {"message": str(msg.message_id), "kind": msg.kind, "event": msg.event, "why": "person_erased"}
        if msg.kind != "status":
            _drop_queued(msg, msg.referral, actor=actor, reason=reason, why="person_erased")
            dropped += 1
            continue
        if msg.expires_at <= now:
            continue  # no partner accepts it any more
        payload = _queued_payload(msg)
        if payload is None:
            # No readable copy to take the note out of (queued before copies were kept): it goes, and the
            # same notice is queued again without a note, so the partner still learns what happened.
            _drop_queued(msg, msg.referral, actor=actor, reason=reason, why="person_erased")
            dropped += 1
            if msg.event != SHARING_ENDED:  # that notice never has a note, and always a copy
                _tell_partner(msg.referral, sm.Event(msg.event))
            continue
        if not payload["body"].get("note") or own is None:
            continue
        payload["body"]["note"] = ""
        partner_key = bytes(msg.partner.encryption_public)
        payload["recipient"]["key_fingerprint"] = env.key_fingerprint(partner_key)
        _reseal(msg, payload, sender=_private(own), recipient_key=partner_key, now=now)
        audit_record(actor=actor, action="referrals.envelope_note_removed", details=details, **where)
        notes_removed += 1
    for referral in came_through:
        _erase_package(referral, why="person_erased", actor=actor, reason=reason)
    return {"withdrawn": withdrawn, "dropped": dropped, "notes_removed": notes_removed,
            "recipients_told": told, "packages_erased": len(came_through)}


def _erase_package(referral: Referral, *, why: str, actor: User | None, actor_label: str = "",
                   reason: str = "") -> None:
    """Wipe what `referral` (locked by the caller) shared: its package and the sender's note go
    (`_end_access`, as when the recipient's access ends); for a referral from a partner, the notes of its
    history are cleared too and its own key is destroyed. Its state is left as it is.

    `why`: ``person_erased`` (the person was erased here, on the receiving side), or a SharingEnded code,
    then kept in `sharing_ended` (with `sharing_ended_at`) for the referral's page. One audit event,
    `referrals.package_erased` {why, direction, notes_cleared}, in the receiving organisation's chain (also
    for a referral inside this instance), or ours for a referral to a partner."""
    notes = 0
    if referral.direction == Direction.INCOMING:
        # A referral from a partner is ours alone, its history included. Inside this instance the history
        # is shared with the sender, sealed under the sender's record of her: that is the sender's to erase.
        notes = ReferralTransition.objects.filter(referral=referral, note__isnull=False).update(note=None)
    _end_access(referral)
    fields = ["package", "message", "updated_at"]
    if why in SharingEnded.values:
        referral.sharing_ended, referral.sharing_ended_at = why, _now()
        fields += ["sharing_ended", "sharing_ended_at"]
    referral.save(update_fields=fields)
    audit_record(actor=actor, action="referrals.package_erased", target=referral,
                 organisation=referral.recipient_organisation or referral.organisation, actor_label=actor_label,
                 reason=reason, details={"why": str(why), "direction": referral.direction, "notes_cleared": notes})


def referrals_tick(now: dt.datetime | None = None) -> dict[str, int]:
    """Periodic work (`jisr referral deliver`): expire referrals not answered in time; for our referrals
    whose consent is no longer in force (lapsed `valid_until`, or withdrawn), cancel the open ones and end
    the sharing of completed ones (`_end_sharing`: a partner is sent the SHARING_ENDED notice); wipe the
    package of a referral from a partner whose consent proof's `valid_until` has passed
    (SharingEnded.CONSENT_EXPIRED, `referrals.package_erased`); retry due deliveries, prune the replay
    cache (`replay_cache_prune`) and forget refusals put on record long enough ago
    (`envelope_refusals_prune`). Returns the counts {expired, cancelled, sharing_ended, delivered, pruned,
    refusals_pruned}."""
    now = now or _now()
    expired = cancelled = sharing_ended = 0
    for referral in Referral.objects.filter(direction__in=[Direction.INTERNAL, Direction.OUTGOING],
                                            state__in=[sm.State.SENT.value, sm.State.RECEIVED.value],
                                            answer_by__lt=now):
        with transaction.atomic():
            r = _locked(referral.pk)
            if r.state in (sm.State.SENT, sm.State.RECEIVED):
                _end_sent(r, sm.Event.EXPIRE, actor=None, actor_label="expiry")
                expired += 1
    today = timezone.localdate()
    open_states = [s.value for s in sm.OPEN_STATES]
    held = [s.value for s in HELD_AFTER_CLOSE]
    for referral in Referral.objects.filter(Q(state__in=open_states) | Q(state__in=held, sharing_ended=""),
                                            consent__isnull=False).select_related("consent"):
        if referral.consent is not None and not referral.consent.in_force_on(today):
            with transaction.atomic():
                r = _locked(referral.pk)
                if r.state in sm.OPEN_STATES:
                    _end_sent(r, sm.Event.CANCEL, actor=None, actor_label="consent")
                    cancelled += 1
                elif r.state in HELD_AFTER_CLOSE and _end_sharing(
                        r, _consent_ended_why(referral.consent, today), actor=None, actor_label="consent"):
                    sharing_ended += 1
    # A referral from a partner whose consent proof ended: hidden at once (`shared_package`), wiped here.
    for referral in Referral.objects.filter(direction=Direction.INCOMING, package__isnull=False, sharing_ended=""):
        if consent_proof_expired(referral, today):
            with transaction.atomic():
                r = _locked(referral.pk)
                if r.package is not None and not r.sharing_ended:
                    _erase_package(r, why=SharingEnded.CONSENT_EXPIRED, actor=None, actor_label="consent")
                    sharing_ended += 1
    delivered = outbound_deliver_due(now)
    # An envelope past its expiry is never sent again: the copy kept for re-sealing goes.
    OutboundMessage.objects.filter(expires_at__lte=now, payload__isnull=False).update(payload=None)
    pruned = replay_cache_prune(now)
    refusals_pruned = envelope_refusals_prune(now)
    return {"expired": expired, "cancelled": cancelled, "sharing_ended": sharing_ended, "delivered": delivered,
            "pruned": pruned, "refusals_pruned": refusals_pruned}


@transaction.atomic
def replay_cache_prune(now: dt.datetime | None = None) -> int:
    """Forget the ids of received envelopes that expired more than REPLAY_CACHE_MARGIN ago; returns how
    many. Safe by construction: an entry's `expires_at` is the expiry signed inside that envelope, or
    env.MAX_AGE_LIMIT after its signed issue time if that is sooner (`env.replay_cache_until`), and
    `open_envelope` refuses an envelope from either moment on, before the replay cache is asked — so an
    envelope whose id is forgotten can no longer be accepted, and an envelope still within its validity
    window always keeps its id here. Audited (instance chain) when something was pruned."""
    now = now or _now()
    cutoff = now - REPLAY_CACHE_MARGIN
    pruned, _ = SeenMessage.objects.filter(expires_at__lt=cutoff).delete()
    if pruned:
        audit_record(actor=None, action="referrals.replay_cache_prune", actor_label="deliver",
                     details={"pruned": pruned, "expired_before": cutoff.isoformat(timespec="seconds")})
    return pruned


@transaction.atomic
def envelope_refusals_prune(now: dt.datetime | None = None) -> int:
    """Forget refused envelopes whose `forget_after` has passed (REFUSAL_MEMORY after they were refused);
    returns how many. The audit events of their refusals stay; the same envelope refused again from now
    on is put on record again (once more). Audited (instance chain) when something was forgotten."""
    now = now or _now()
    forgotten, _ = RefusedEnvelope.objects.filter(forget_after__lt=now).delete()
    if forgotten:
        audit_record(actor=None, action="referrals.refusals_prune", actor_label="deliver",
                     details={"forgotten": forgotten, "before": now.isoformat(timespec="seconds")})
    return forgotten


# --- Reading the package (selectors call this after authorising) ---------------------------------------------


def shared_package(referral: Referral) -> dict[str, dict[str, Any]]:
    """The package as the recipient may see it now: {category: {HTCDS field: value}}, filtered to the
    chosen categories' fields. Only while the state shares it, its sharing has not ended
    (`sharing_ended`), and the consent it rests on is in force — for a referral inside this instance the
    consent itself, for one from a partner the `valid_until` of the consent proof it sent (until the day
    it names, included). {} otherwise, and when its key is gone."""
    if referral.state not in sm.SHARES_PACKAGE or referral.package is None or referral.sharing_ended:
        return {}
    if referral.consent is not None and not referral.consent.in_force_on(timezone.localdate()):
        return {}
    if consent_proof_expired(referral):
        return {}
    try:
        raw = unseal(referral, "package", referral.data_key) or "{}"
    except Exception:  # destroyed or unreadable key: nothing to show, never ciphertext
        return {}
    return filter_package(json.loads(raw), list(referral.categories))


def referral_message(referral: Referral) -> str:
    if referral.message is None or referral.state in sm.ENDS_ACCESS:
        return ""
    try:
        return unseal(referral, "message", referral.data_key) or ""
    except Exception:
        return ""


# --- Envelopes: out ---------------------------------------------------------------------------------------


def _enqueue(referral: Referral, partner: Partner, *, kind: str, body: dict[str, Any],
             event: sm.Event | str) -> OutboundMessage:
    if partner.confirmed_at is None:
        raise StateError("this partner's fingerprint has not been confirmed")
    own = current_instance_key()
    if own is None:
        raise StateError("this instance has no keys yet: run `jisr keys init`")
    now = _now()
    recipient = env.PublicKeys(str(partner.instance_id), partner.name, bytes(partner.signing_public),
                               bytes(partner.encryption_public))
    payload = env.make_payload(sender=_private(own), recipient=recipient, kind=kind,
                               referral_id=str(referral.exchange_id), body=body, now=now, ttl=ENVELOPE_TTL)
    blob = env.seal(payload, sender=_private(own), recipient_encryption_public=recipient.encryption_public)
    msg = OutboundMessage(
        partner=partner, referral=referral, message_id=uuid.UUID(payload["message_id"]), kind=kind, event=str(event),
        blob=blob, expires_at=now + ENVELOPE_TTL, next_attempt_at=now,
    )
    if referral.data_key.wrapped is not None:  # kept to seal it again after a rotation of the partner's keys
        seal(msg, "payload", json.dumps(payload, ensure_ascii=False), referral.data_key)
    msg.save(force_insert=True)
    if getattr(settings, "JISR_REFERRALS_DELIVER_ON_COMMIT", True):
        transaction.on_commit(lambda: outbound_deliver(msg.pk))
    return msg


def outbound_deliver(message_pk: Any) -> bool:
    """Try to POST one queued envelope to its partner's inbox. Success, or the partner saying it has
    already seen it, marks it delivered; any other answer schedules a retry with back-off.

    The envelope's row is locked while it is sent (PostgreSQL). A delivery that finds it locked (an
    erasure dropping it, a key rotation sealing it again, another deliverer sending it) skips it and
    returns False; the next attempt sees what they left. An erasure that starts during a send waits for
    the send to end, then finds it delivered and tells the partner to withdraw. So a package dropped by
    an erasure is never sent, and no envelope is sent twice at once."""
    from jisr.referrals.transport import may_have_arrived, post_envelope

    with transaction.atomic():
        msg = (
            OutboundMessage.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("partner")
            .filter(pk=message_pk, delivered_at__isnull=True)
            .first()
        )
        if msg is None:
            return False
        ok, error = post_envelope(msg.partner.inbox_url, bytes(msg.blob))
        now = _now()
        if ok or error == env.ReplayError.code:
            OutboundMessage.objects.filter(pk=msg.pk).update(delivered_at=now, attempts=msg.attempts + 1,
                                                             last_error="", payload=None)
            return True
        delay = BACKOFF[min(msg.attempts, len(BACKOFF) - 1)]
        # Once an attempt may have left it with the partner, it stays so (`_end_sent` reads it).
        OutboundMessage.objects.filter(pk=msg.pk).update(attempts=msg.attempts + 1, last_error=error[:64],
                                                         next_attempt_at=now + dt.timedelta(seconds=delay),
                                                         maybe_delivered=msg.maybe_delivered or may_have_arrived(error))
    log.warning("referral envelope %s not delivered (%s); retry in %ss", msg.message_id, error, delay)
    return False


def outbound_deliver_due(now: dt.datetime | None = None) -> int:
    now = now or _now()
    due = OutboundMessage.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=now, expires_at__gt=now)
    return sum(1 for pk in list(due.values_list("pk", flat=True)) if outbound_deliver(pk))


@transaction.atomic
def outbound_mark_exported(*, message: OutboundMessage, actor_label: str = "") -> None:
    """A `.jisr` file of `message` left by hand; delivery by HTTP continues until it is acknowledged."""
    OutboundMessage.objects.filter(pk=message.pk).update(exported_at=_now())
    audit_record(actor=None, action="referrals.envelope_export", organisation=message.partner.organisation,
                 actor_label=actor_label or "command", target=message.referral,
                 details={"message": str(message.message_id)})


# --- Envelopes: in ------------------------------------------------------------------------------------------


def _pinned_keys(instance_id: str) -> list[bytes]:
    """The signing keys a confirmed partner's envelope may verify with: its current key first, then
    previous keys still within their rotation overlap (`partner_rotate_keys`). [] for anyone else."""
    try:
        partner = Partner.objects.get(instance_id=instance_id, confirmed_at__isnull=False)
    except (Partner.DoesNotExist, ValueError, ValidationError):
        return []
    previous = partner.previous_keys.filter(accepted_until__gt=_now()).order_by("-created_at")
    return [bytes(partner.signing_public), *(bytes(k) for k in previous.values_list("signing_public", flat=True))]


def envelope_max_age() -> dt.timedelta:
    """The oldest envelope accepted from a partner (`JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS`, default 14 days;
    never more than env.MAX_AGE_LIMIT)."""
    days = getattr(settings, "JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS", 14)
    return min(dt.timedelta(days=days), env.MAX_AGE_LIMIT)


def inbox_receive(blob: bytes, *, via: str = "http") -> Referral:
    """Verify and apply one envelope from a partner (HTTP inbox or `.jisr` file: same path).

    Refuses — raising env.EnvelopeError (or StateError for a transition the state machine refuses) and
    storing nothing of it — an envelope that is malformed (a signed one too, when a field of its body has
    another shape: an `answer_by` that is no date-time, a `consent` or `package` that is no object, a note
    too long: env.MalformedError, never a server error), sealed to another instance, from an unknown or
    unconfirmed partner, badly signed (tampered / wrong signer), addressed to another recipient,
    expired, older than `envelope_max_age()` (env.TooOldError, code ``expired``, whatever expiry the
    sender wrote), or replayed. A new referral is acknowledged at once by a signed `receive` envelope.

    Every refusal is put on record, once per envelope and code (`_record_refusal`), written after the
    refused envelope's own transaction rolled back: the event is all that remains of it. It names the
    code, how it came (`via`) and identifiers only, never anything the envelope carries."""
    opened: env.Opened | None = None
    try:
        opened = _inbox_open(blob)
        return _inbox_apply(opened, via=via)
    except (env.EnvelopeError, StateError) as exc:
        _record_refusal(blob, exc, opened, via=via)
        raise


def _inbox_open(blob: bytes) -> env.Opened:
    keys = own_private_keys()
    if not keys:
        raise env.NotForUsError("this instance has no keys")
    return env.open_envelope(blob, own_keys=keys, sender_verify_key=_pinned_keys, now=_now(),
                             max_age=envelope_max_age())


def _partner_by_instance(instance_id: str | None) -> Partner | None:
    try:
        return Partner.objects.filter(instance_id=instance_id).first() if instance_id else None
    except (ValueError, ValidationError):
        return None


def _record_refusal(blob: bytes, exc: env.EnvelopeError | StateError, opened: env.Opened | None, *,
                    via: str) -> None:
    """Put the refusal of an inbound envelope on record, once per envelope and code (`RefusedEnvelope`).

    Whom the event names depends on what was verified:

    - the signature verified (the envelope opened, or `exc` names its verified sender): the partner and
      the message id it signed — `referrals.envelope_refused` {code, via, partner, message} in the
      partner's organisation's chain, target the partner (`referrals.envelope_too_old` for one older
      than we accept, as before). The envelope is known by its sender and message id, so a copy sealed
      again (other bytes, same message) is the same envelope.
    - otherwise (size, header, not sealed to us, unreadable, unknown sender, bad signature) nobody
      vouches for anything it says: `referrals.envelope_refused` {code, via, sha256} in the instance's
      chain, never an organisation's (anyone may post anything), and the envelope is known by the
      SHA-256 of its bytes. When it claims to come from a partner we know, `claimed_partner` names it.

    Why not the replay cache, as the age refusal once did: an id put there is answered ``replay``
    whenever it comes again, and a partner takes ``replay`` for "delivered". A refused envelope in the
    replay cache could therefore never be accepted later (a status that arrived before its referral; an
    old envelope after the maximum age was raised) and its sender would stop retrying it; and an
    unsigned envelope could put the id of a partner's genuine envelope there, so that the genuine one is
    refused. `RefusedEnvelope` only decides whether the refusal is already on record, and an unsigned
    envelope is never named in it by the id it claims. Posting other bytes each time still adds an event
    each time: rate limits belong in front of the inbox."""
    code = exc.code if isinstance(exc, env.EnvelopeError) else INVALID_TRANSITION
    if opened is not None:
        sender, message_id = opened.payload["sender"]["instance_id"], str(uuid.UUID(opened.payload["message_id"]))
    elif isinstance(exc, env.EnvelopeError):
        sender, message_id = exc.sender_instance_id, exc.message_id
    else:
        sender = message_id = None
    partner = _partner_by_instance(sender)
    digest = hashlib.sha256(blob).hexdigest()
    if partner is not None and message_id:
        key = f"message:{partner.instance_id}:{uuid.UUID(message_id)}"
    else:
        key = f"sha256:{digest}"
    if isinstance(exc, env.TooOldError):
        log.warning("referral envelope refused: older than %s days", exc.max_age.days)
    now = _now()
    with transaction.atomic():
        _row, first = RefusedEnvelope.objects.get_or_create(key=key, code=code,
                                                            defaults={"forget_after": now + REFUSAL_MEMORY})
        if not first:
            return
        if partner is None:
            claimed = (_partner_by_instance(exc.claimed_sender_instance_id)
                       if isinstance(exc, env.EnvelopeError) else None)
            audit_record(actor=None, action="referrals.envelope_refused", actor_label="inbox",
                         details={"code": code, "via": via, "sha256": digest,
                                  **({"claimed_partner": str(claimed.pk)} if claimed is not None else {})})
            return
        where = {"target": partner, "organisation": partner.organisation, "actor_label": partner.name[:150]}
        if isinstance(exc, env.TooOldError):
            audit_record(actor=None, action="referrals.envelope_too_old", **where,
                         details={"partner": str(partner.pk), "message": str(message_id), "via": via,
                                  "issued_at": exc.issued_at.isoformat(timespec="seconds"),
                                  "max_age_days": exc.max_age.days})
            return
        audit_record(actor=None, action="referrals.envelope_refused", **where,
                     details={"code": code, "via": via, "partner": str(partner.pk), "message": message_id or ""})


@transaction.atomic
def _inbox_apply(opened: env.Opened, *, via: str) -> Referral:
    p = opened.payload
    partner = Partner.objects.get(instance_id=p["sender"]["instance_id"])
    message_id = uuid.UUID(p["message_id"])
    if SeenMessage.objects.filter(pk=message_id).exists():
        raise env.ReplayError("this message was already received")
    if opened.sender_key_index:
        # Signed with a key the partner has replaced: accepted during the overlap only, and on record.
        audit_record(actor=None, action="referrals.partner_previous_key", target=partner,
                     organisation=partner.organisation, actor_label=partner.name[:150],
                     details={"partner": str(partner.pk), "message": str(message_id)})
    body = p["body"]
    notice = p["kind"] == "status" and body.get("event") == SHARING_ENDED
    try:
        ev = sm.Event.SEND if notice else sm.Event(str(body.get("event", "")))
    except ValueError as exc:
        raise env.MalformedError("unknown event") from exc
    exchange_id = uuid.UUID(p["referral_id"])
    try:
        with transaction.atomic():
            SeenMessage.objects.create(message_id=message_id, partner=partner,
                                       expires_at=env.replay_cache_until(p))
            if p["kind"] == "referral":
                referral = _receive_referral(partner, exchange_id, body, via=via)
            elif notice:
                referral = _receive_sharing_ended(partner, exchange_id, body)
            else:
                referral = _receive_status(partner, exchange_id, ev, body)
    except IntegrityError as exc:
        raise env.ReplayError("this message or referral was already received") from exc
    return referral


def _object(body: dict[str, Any], name: str) -> dict[str, Any]:
    """`body[name]`, a JSON object ({} when absent or null). Raises env.MalformedError otherwise."""
    value = body.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise env.MalformedError(f"a referral's {name} must be an object")
    return value


def _remote_note(value: Any, name: str) -> str:
    """A free-text note from a partner (`body[name]`): text ("" when absent or null) of at most MAX_NOTE
    characters once stripped. Raises env.MalformedError otherwise (never ValueError: the inbox refuses)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise env.MalformedError(f"the {name} must be text")
    try:
        return _clean_note(value)
    except ValueError as exc:
        raise env.MalformedError(f"the {name} is too long") from exc


def _answer_by(value: Any) -> dt.datetime | None:
    """The answer date a partner asks for: an ISO 8601 date-time with its time zone, or None when absent
    or empty. Raises env.MalformedError otherwise."""
    if value is None or value == "":
        return None
    try:
        at = dt.datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 64 else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise env.MalformedError("answer_by must be a date-time with its time zone")
    return at


def _receive_referral(partner: Partner, exchange_id: uuid.UUID, body: dict[str, Any], *, via: str) -> Referral:
    """Store a referral from `partner` (its signature verified). Its `exchange_id` must be new between us and
    this partner: the id of one of our referrals to it is refused as malformed, one it already sent us as a
    replay. Every field of the body is checked before anything is used: the reason (HTCDS), `categories` (a
    list; unknown names are left out), `package` and `consent` (JSON objects; the package is filtered to the
    categories' fields), `answer_by` (ISO date-time with time zone, or empty), `message` (text, MAX_NOTE at
    most). Raises env.MalformedError for any other shape: the caller's transaction then stores nothing and
    the refusal is put on record."""
    if body.get("event") != sm.Event.SEND.value or body.get("reason") not in ReferralReason.values:
        raise env.MalformedError("a referral must be sent with an HTCDS reason")
    # (partner, exchange id) names one referral whichever way it went (the model's constraint): the id of one
    # of our referrals to this partner is refused, so that no decoy takes the partner's status updates of it.
    known = list(Referral.objects.filter(partner=partner, exchange_id=exchange_id).values_list("direction", flat=True))
    if Direction.OUTGOING in known:
        raise env.MalformedError("this referral id names one of our referrals to the partner")
    if known:
        raise env.ReplayError("this referral was already received")
    chosen = body.get("categories")
    if chosen is not None and not isinstance(chosen, list):
        raise env.MalformedError("a referral's categories must be a list")
    categories = sorted({c for c in chosen or [] if isinstance(c, str) and c in Category.values})
    package = filter_package(_object(body, "package"), categories)
    consent = _object(body, "consent")
    answer_by = _answer_by(body.get("answer_by"))
    message = _remote_note(body.get("message"), "message")
    referral = Referral(
        direction=Direction.INCOMING, exchange_id=exchange_id, state=sm.State.SENT.value,
        recipient_organisation=partner.organisation, partner=partner, counterpart_label=partner.name,
        categories=categories, reason=body["reason"], data_key=data_key_create(purpose="referral"),
        consent_proof={k: str(consent.get(k, ""))[:40] for k in ("reference", "purpose", "given_on", "language",
                                                                 "given_by", "valid_until")},
        answer_by=answer_by, sent_at=_now(),
    )
    if referral.consent_proof.get("purpose") != ConsentPurpose.REFERRAL:
        raise env.MalformedError("a referral must carry its consent proof")
    try:
        until = _proof_valid_until(consent)
    except ValueError as exc:
        raise env.MalformedError("the consent proof's valid_until must be an ISO date") from exc
    if until is not None and until < timezone.localdate():
        raise env.ConsentExpiredError("the consent this referral rests on has expired")
    material = data_key_material(referral.data_key)
    seal(referral, "package", json.dumps(package, ensure_ascii=False), referral.data_key, material)
    seal(referral, "message", message, referral.data_key, material)
    referral.save(force_insert=True)
    audit_record(actor=None, action="referral.arrive", target=referral, organisation=partner.organisation,
                 actor_label=partner.name[:150], details={"partner": str(partner.pk), "via": via,
                                                          "categories": categories})
    _apply(referral, sm.Event.RECEIVE, actor=None, actor_label="inbox")
    _tell_partner(referral, sm.Event.RECEIVE)
    return referral


def _partner_referral(partner: Partner, exchange_id: uuid.UUID) -> Referral:
    """The referral between us and `partner` that the envelope names, locked: looked up by (partner,
    exchange id), which names one referral whichever its direction (never another partner's). Raises
    env.MalformedError when there is none."""
    referral = (Referral.objects.select_for_update(of=("self",)).select_related("data_key", "partner")
                .filter(partner=partner, exchange_id=exchange_id).first())
    if referral is None:
        raise env.MalformedError("unknown referral")
    return referral


def _receive_sharing_ended(partner: Partner, exchange_id: uuid.UUID, body: dict[str, Any]) -> Referral:
    """The SHARING_ENDED notice of the partner that sent us a referral: what it shared may no longer be held
    (`code`: a SharingEnded value — its consent was withdrawn or expired, or the partner erased her). The
    package, the sender's note and the notes of the history are wiped and the referral's own key destroyed
    (`_erase_package`; `sharing_ended` kept for its page; `referrals.package_erased` {why = code} in our
    chain, by the partner). The state is left as it is. A case we opened from the referral is our own
    record: it is not touched, and the referral's page asks us to review it.

    Raises env.MalformedError (unknown referral or code, a note), StateError (the notice names a referral
    we sent: only a sender ends sharing); nothing changes then. The same notice for a referral whose
    sharing already ended for that reason changes nothing more."""
    code = body.get("code")
    if code not in SharingEnded.values or body.get("note"):
        raise env.MalformedError("a sharing_ended notice carries a known code and no note")
    referral = _partner_referral(partner, exchange_id)
    if referral.direction != Direction.INCOMING:
        raise StateError("this event does not come from that side")
    if referral.sharing_ended != code:
        _erase_package(referral, why=SharingEnded(code), actor=None, actor_label=partner.name[:150])
    return referral


def _receive_status(partner: Partner, exchange_id: uuid.UUID, ev: sm.Event, body: dict[str, Any]) -> Referral:
    referral = _partner_referral(partner, exchange_id)
    # The other side may only fire its own side's events.
    expected = sm.Side.RECIPIENT if referral.direction == Direction.OUTGOING else sm.Side.SENDER
    if sm.EVENT_SIDE[ev] != expected or ev == sm.Event.SEND:
        raise StateError("this event does not come from that side")
    code, note = str(body.get("code", ""))[:24], _remote_note(body.get("note"), "note")
    try:
        _check_event_input(ev, code, note)
    except ValueError as exc:
        raise env.MalformedError(str(exc)) from exc
    try:
        _apply(referral, ev, actor=None, actor_label=partner.name[:150], remote=True, code=code, note=note)
    except sm.InvalidTransitionError as exc:
        raise StateError("this is not possible in the referral's current state") from exc
    return referral
