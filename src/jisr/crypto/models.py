"""Wrapped data keys. A person's identifying fields are encrypted under her own data key; destroying
that key (crypto-shredding) makes every copy of her ciphertext unreadable at once."""

from django.db import models

from jisr.common.models import BaseModel


class DataKeyPurpose(models.TextChoices):
    PERSON = "person", "person"
    # Instance-wide root of the blind-index keys (one row); wrapped by the master key like the others.
    BLIND_INDEX_ROOT = "blind_index_root", "blind index root"
    # A user's TOTP secret (multi-factor authentication).
    MFA = "mfa", "MFA secret"
    # The instance's private signing/encryption keys (transnational referrals).
    INSTANCE_KEY = "instance_key", "instance key"
    # A referral package received from a partner, shredded when the referral ends.
    REFERRAL = "referral", "referral package"


class DataKey(BaseModel):
    purpose = models.CharField(max_length=32, choices=DataKeyPurpose.choices)
    wrapped = models.BinaryField(null=True, editable=False)
    kek_id = models.CharField(max_length=8, help_text="hex id of the master key that wrapped this key")
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["purpose"],
                condition=models.Q(purpose="blind_index_root"),
                name="one_blind_index_root",
            ),
            models.CheckConstraint(
                condition=models.Q(destroyed_at__isnull=True, wrapped__isnull=False)
                | models.Q(destroyed_at__isnull=False, wrapped__isnull=True),
                name="datakey_destroyed_iff_no_material",
            ),
        ]

    def __repr__(self) -> str:
        return f"<DataKey {self.pk} {self.purpose}{' destroyed' if self.destroyed_at else ''}>"
