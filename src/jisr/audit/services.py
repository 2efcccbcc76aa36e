"""Writing audit events. Called by services inside their own transaction, so the event commits or
rolls back with the change it records (Zulip's RealmAuditLog pattern)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction

from jisr.audit.chain import GENESIS, canonical_json, event_hash
from jisr.audit.models import AuditChainHead, AuditEvent

INSTANCE_CHAIN = "instance"


def audit_record(
    *,
    actor: Any,
    action: str,
    organisation: Any = None,
    target: models.Model | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the organisation's chain and return it.

    `action` is a dotted verb (`person.register`, `case.view`, `person.reveal` …); `target` a model
    instance (its class name and UUID are recorded, never its content); `details` small JSON of codes,
    ids and counts — no personal data, no floats. `organisation` defaults to the target's or actor's.
    Must run inside the caller's transaction; it takes the chain head's row lock.
    """
    details = details or {}
    canonical_json(details)  # validate early: raises ValueError on floats
    if organisation is None and target is not None:
        organisation = getattr(target, "organisation", None)
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
    chain = str(organisation.pk) if organisation is not None else INSTANCE_CHAIN

    # Inside the caller's transaction no savepoint is needed: a failure here must roll back the change
    # the event records anyway. Outside one, this opens (and commits) a transaction of its own.
    with transaction.atomic(savepoint=False):
        head = AuditChainHead.objects.select_for_update().filter(pk=chain).first()
        if head is None:  # the chain's first event: create its head (race-safe), then lock it
            AuditChainHead.objects.get_or_create(chain=chain, defaults={"seq": 0, "hash": GENESIS})
            head = AuditChainHead.objects.select_for_update().get(pk=chain)
        event = AuditEvent(
            chain=chain,
            seq=head.seq + 1,
            organisation=organisation,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=actor_label or (getattr(actor, "username", "") or "system"),
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            reason=reason,
            details=details,
            at=dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
            prev_hash=head.hash,
        )
        event.hash = event_hash(event.prev_hash, event.payload())
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event
