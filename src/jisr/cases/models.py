"""Cases and case notes.

TRM stages are those of the OSCE/ICMPD Transnational Referral Mechanism (identification; first
assistance and protection; long-term assistance and social inclusion; return and social inclusion;
criminal and civil proceedings)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jisr.common.models import BaseModel


class TrmStage(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification")
    FIRST_ASSISTANCE = "first_assistance", _("First assistance and protection")
    LONG_TERM_ASSISTANCE = "long_term_assistance", _("Long-term assistance and social inclusion")
    RETURN_INCLUSION = "return_inclusion", _("Return and social inclusion")
    PROCEEDINGS = "proceedings", _("Criminal and civil proceedings")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    UNKNOWN = "unknown", _("Not assessed")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class ClosureReason(models.TextChoices):
    REINTEGRATED = "reintegrated_recovered", _("Reintegrated and recovered")
    TRANSFERRED = "transferred", _("Transferred")
    VOLUNTARY_RETURN = "voluntary_return", _("Voluntary return")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    DECLINED = "declined_support", _("Declined further support")
    OTHER = "other", _("Other")


class ExploitationType(models.TextChoices):
    """HTCDS 2.0 `vic_TypeOfExploitation` picklist (codes as the standard spells them)."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Domestic servitude")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced military service by non-state actors")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    OTHER = "Other", _("Other")


class Case(BaseModel):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    person = models.ForeignKey("survivors.Person", on_delete=models.PROTECT, related_name="cases")
    number = models.PositiveSmallIntegerField(help_text="1 for the person's first case, 2 for the next…")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_cases"
    )
    trm_stage = models.CharField(
        _("TRM stage"), max_length=32, choices=TrmStage.choices, default=TrmStage.IDENTIFICATION
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    risk_level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices, default=RiskLevel.UNKNOWN)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=32, choices=ClosureReason.choices, blank=True)
    # Forms of exploitation as recorded by the case worker (HTCDS codes, a set); feeds statistics.
    exploitation_types = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    # Optimistic locking: every change increments it; a form that saw another version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_on", "-created_at"]
        # Caseload statistics and the case lists filter by organisation and opening date.
        indexes = [
            models.Index(fields=["organisation", "opened_on"], name="case_org_opened_idx"),
            # Whose people a case worker sees (persons_visible_to: her organisation's cases assigned to her):
            # her cases' persons from the index alone, the organisation included (an index-only scan).
            models.Index(fields=["assigned_to", "organisation", "person"], name="case_assignee_org_person_idx"),
            # A case worker's open cases, newest first (the dashboard): counted and paged from the index.
            models.Index(
                fields=["assigned_to", "status", "organisation", "-opened_on"], name="case_assignee_open_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="case_number_per_person"),
            models.CheckConstraint(
                condition=(
                    models.Q(status="open", closed_on__isnull=True, closure_reason="")
                    | models.Q(status="closed", closed_on__isnull=False) & ~models.Q(closure_reason="")
                ),
                name="case_closed_iff_closure",
            ),
        ]

    @property
    def code(self) -> str:
        """`<person code>/<n>`, e.g. MA-DEMO-2026-0001/1 (no personal data)."""
        return f"{self.person.code}/{self.number}"

    def __str__(self) -> str:
        return self.code


class CaseNote(BaseModel):
    """A case note; its text is encrypted under the person's data key, so erasing her shreds it too."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.BinaryField(editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"note {self.pk}"
