"""Audit events: append-only, hash-chained per organisation, no personal data (UUIDs only)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Chain key: the organisation's UUID, or "instance" for events outside any organisation.
    chain = models.CharField(max_length=40)
    seq = models.PositiveBigIntegerField()
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_label = models.CharField(max_length=150, help_text="username or command at the time")
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True, default="")
    target_id = models.CharField(max_length=64, blank=True, default="")
    reason = models.TextField(blank=True, default="", help_text="why (reveals, overrides); no personal data")
    details = models.JSONField(default=dict, blank=True)
    at = models.CharField(max_length=32, help_text="UTC ISO-8601 with microseconds (hashed as text)")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # Rate limits count one user's recent events of one kind (e.g. name searches).
            models.Index(fields=["actor", "action", "at"], name="audit_actor_action_at_idx"),
        ]

    def payload(self) -> dict[str, Any]:
        """The fields covered by the hash (everything but the hash itself)."""
        return {
            "id": str(self.id),
            "chain": self.chain,
            "seq": self.seq,
            "organisation": str(self.organisation_id) if self.organisation_id else None,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "reason": self.reason,
            "details": self.details,
            "at": self.at,
            "prev_hash": self.prev_hash,
        }

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit events are append-only")


class AuditChainHead(models.Model):
    """The last event of each chain: appends lock this row, and verification checks the tail against
    it (so removing the newest events is detected too)."""

    chain = models.CharField(max_length=40, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
