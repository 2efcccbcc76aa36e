"""Organisations, teams, users and their one membership (with a role)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from jisr.accounts.roles import CAPABILITIES, NO_CAPABILITIES, Capabilities, Role
from jisr.common.models import BaseModel

ROLE_LABELS = {
    Role.CASE_WORKER: _("Case worker"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.COORDINATOR: _("Coordinator"),
    Role.PARTNER_FOCAL_POINT: _("Partner focal point"),
    Role.ANALYST: _("Data analyst"),
    Role.ROADMAP_MEMBER: _("Roadmap member"),
}


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("NGO")
    SHELTER = "shelter", _("Shelter")
    INTEGRATED_CARE_CENTRE = "integrated_care_centre", _("Integrated care centre")
    HEALTH = "health", _("Health service")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")


class Organisation(BaseModel):
    slug = models.SlugField(unique=True, max_length=50)
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    # Prefix of the pseudonymous person codes, e.g. "MA-DEMO" → MA-DEMO-2026-0001.
    code_prefix = models.CharField(max_length=20, unique=True)
    languages = models.JSONField(default=list, help_text="working languages, e.g. ['ar', 'fr']")
    time_zone = models.CharField(max_length=64, default="Africa/Casablanca")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(BaseModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member. Each user belongs to at most one organisation (see Membership): a person who
    works for two organisations has two accounts, so no session ever mixes two organisations' data."""

    preferred_language = models.CharField(max_length=8, blank=True, default="")

    @property
    def membership_or_none(self) -> Membership | None:
        try:
            return self.membership
        except Membership.DoesNotExist:
            return None

    @property
    def organisation(self) -> Organisation | None:
        m = self.membership_or_none
        return m.organisation if m else None

    @property
    def role(self) -> Role | None:
        m = self.membership_or_none
        return Role(m.role) if m else None

    @property
    def capabilities(self) -> Capabilities:
        role = self.role
        return CAPABILITIES[role] if role and self.is_active else NO_CAPABILITIES


class Membership(BaseModel):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=[(r.value, label) for r, label in ROLE_LABELS.items()])

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organisation_id}:{self.role}"


class MfaDevice(BaseModel):
    """A TOTP authenticator (RFC 6238) of one user. The shared secret is encrypted at rest under a data
    key of its own (wrapped by the master key, so key rotation covers it); `last_step` refuses a code
    used twice."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mfa_device")
    data_key = models.OneToOneField("crypto.DataKey", on_delete=models.PROTECT, related_name="+")
    secret = models.BinaryField(editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)


class RecoveryCode(BaseModel):
    """A one-time recovery code, stored hashed like a password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=200)
    used_at = models.DateTimeField(null=True, blank=True)
