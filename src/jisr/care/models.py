"""Integrated care of a case (DESIGN.md §3 step 3-4, 6): consent per purpose, risk assessment and
safety plan, reflection and recovery period, proceedings log, needs per domain, care-plan goals,
services, follow-ups, supervisor approvals, trainings and attendance.

Free text that may name people or places (safety plan, notes, witness name, goal wording) is a
`BinaryField` sealed under the person's data key (`jisr.crypto.services.seal`), so erasing the person
shreds it too. Codes, dates and statuses stay in clear: they feed dashboards and statistics.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jisr.cases.models import ClosureReason, RiskLevel
from jisr.common.models import BaseModel


class ConsentPurpose(models.TextChoices):
    """What the consent covers (Primero `consent_for_services` / `disclosure_other_orgs` /
    `consent_reporting`; Bulgarian NRM SOP 1.4: consent per referral and per data category)."""

    ASSISTANCE = "assistance", _("Assistance by this organisation")
    REFERRAL = "referral", _("Referral to a named service or organisation")
    SHARING = "sharing", _("Sharing information with a named partner organisation")
    STATISTICS = "statistics", _("Use in anonymised statistics")


PURPOSES_WITH_RECIPIENT = {ConsentPurpose.REFERRAL, ConsentPurpose.SHARING}


class ConsentGiver(models.TextChoices):
    SURVIVOR = "survivor", _("The person herself or himself")
    GUARDIAN = "guardian", _("A parent or legal guardian (child)")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written (signed form)")
    ORAL_WITNESSED = "oral_witnessed", _("Oral, with a witness")


class ConsentLanguage(models.TextChoices):
    AR = "ar", "العربية"
    FR = "fr", "Français"
    ES = "es", "Español"


class Consent(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    person = models.ForeignKey("survivors.Person", on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    # The named recipient (an organisation or service, never a private person) for referral/sharing.
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)
    recipient_country = models.CharField(_("recipient's country"), max_length=2, blank=True)
    given_by = models.CharField(_("given by"), max_length=16, choices=ConsentGiver.choices)
    method = models.CharField(_("how"), max_length=16, choices=ConsentMethod.choices)
    witness_name = models.BinaryField(null=True, editable=False)  # sealed
    language = models.CharField(_("language"), max_length=2, choices=ConsentLanguage.choices)
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-given_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_after_given",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    @property
    def cross_border(self) -> bool:
        return bool(self.recipient_country) and self.recipient_country != self.case.organisation.country.code

    def in_force_on(self, on: dt.date) -> bool:
        return (self.given_on <= on and (self.valid_until is None or on <= self.valid_until)
                and (self.withdrawn_on is None or on < self.withdrawn_on))

    def __str__(self) -> str:
        return f"consent {self.pk}"


class RiskReason(models.TextChoices):
    """Reasons a risk level was given (common items of NGO risk-assessment grids; codes only)."""

    TRAFFICKERS_KNOW_LOCATION = "traffickers_know_location", _("The traffickers know or may find her location")
    THREATS = "threats", _("Threats against her or her family")
    DEBT = "debt", _("Debt claimed by the traffickers")
    FAMILY_INVOLVED = "family_involved", _("Family members involved in the exploitation")
    NO_SAFE_SHELTER = "no_safe_shelter", _("No safe accommodation")
    HEALTH = "health", _("Urgent health needs")
    SELF_HARM = "self_harm", _("Risk of self-harm")
    IRREGULAR_STATUS = "irregular_status", _("Irregular residence status (risk of expulsion)")
    CHILD = "child", _("She is a child")
    PROCEEDINGS = "proceedings", _("Witness in criminal proceedings")


class RiskAssessment(BaseModel):
    """A dated risk assessment with its safety plan. The newest one sets the case's risk level."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="risk_assessments")
    level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    assessed_on = models.DateField(_("assessed on"))
    review_on = models.DateField(_("review on"), null=True, blank=True)
    safety_plan = models.BinaryField(null=True, editable=False)  # sealed
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-assessed_on", "-created_at"]


class Jurisdiction(models.TextChoices):
    MA = "MA", _("Morocco")
    ES = "ES", _("Spain")


class ReflectionPeriod(BaseModel):
    """Reflection and recovery period (Directive 2011/36/EU art. 11(6); Council of Europe Convention
    art. 13; Spain: Ley Orgánica 4/2000 art. 59 bis, at least 90 days). Length per jurisdiction from
    `JISR_REFLECTION_PERIOD_DAYS` (see care/conf.py)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reflection_periods")
    jurisdiction = models.CharField(_("jurisdiction"), max_length=2, choices=Jurisdiction.choices)
    starts_on = models.DateField(_("starts on"))
    length_days = models.PositiveSmallIntegerField(_("length in days"))
    ends_on = models.DateField(_("ends on"))
    informed_on = models.DateField(_("person informed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "-created_at"]


class ProceedingKind(models.TextChoices):
    COMPLAINT_FILED = "complaint_filed", _("Complaint filed")
    COMPLAINT_NOT_FILED = "complaint_not_filed", _("Decided not to file a complaint")
    HEARING = "hearing", _("Hearing")
    PROTECTION_MEASURE = "protection_measure", _("Protection measure")
    COMPENSATION = "compensation", _("Compensation")
    JUDGMENT = "judgment", _("Judgment")
    OTHER = "other", _("Other")


class Proceeding(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="proceedings")
    kind = models.CharField(_("what"), max_length=24, choices=ProceedingKind.choices)
    on = models.DateField(_("date"))
    notes = models.BinaryField(null=True, editable=False)  # sealed
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-on", "-created_at"]


class Domain(models.TextChoices):
    SAFETY = "safety", _("Safety")
    SHELTER = "shelter", pgettext_lazy("care domain", "Shelter")
    HEALTH = "health", _("Health")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL = "legal", _("Legal")
    DOCUMENTS_RESIDENCE = "documents_residence", _("Documents and residence")
    EDUCATION_TRAINING = "education_training", _("Education and training")
    ECONOMIC_EMPOWERMENT = "economic_empowerment", _("Economic empowerment")
    FAMILY_REINTEGRATION = "family_reintegration", _("Family and reintegration")


class NeedLevel(models.TextChoices):
    NONE = "none", _("No need")
    LOW = "low", pgettext_lazy("need level", "Low")
    MEDIUM = "medium", pgettext_lazy("need level", "Medium")
    HIGH = "high", pgettext_lazy("need level", "High")
    URGENT = "urgent", _("Urgent")


class NeedAssessment(BaseModel):
    """The need in one domain, as assessed on a date (the newest per domain is the current one)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="needs")
    domain = models.CharField(_("domain"), max_length=24, choices=Domain.choices)
    level = models.CharField(_("need"), max_length=8, choices=NeedLevel.choices)
    assessed_on = models.DateField(_("assessed on"))
    notes = models.BinaryField(null=True, editable=False)  # sealed
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["domain", "-assessed_on", "-created_at"]


class GoalStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("goal status", "Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", pgettext_lazy("goal status", "Dropped")


class Training(BaseModel):
    """A training or workshop for survivors (capacity-building), organised by the organisation or
    another one; attendance is recorded per case."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        WORKSHOP = "workshop", _("Workshop")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="trainings")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "topic"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="training_dates"),
        ]

    def __str__(self) -> str:
        return self.topic


class Goal(BaseModel):
    """A care-plan goal in one domain; an empowerment goal may be linked to a training."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="goals")
    domain = models.CharField(_("domain"), max_length=24, choices=Domain.choices)
    description = models.BinaryField(editable=False)  # sealed
    target_on = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.PLANNED)
    training = models.ForeignKey(Training, on_delete=models.PROTECT, null=True, blank=True, related_name="goals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["domain", "target_on", "created_at"]


class ServiceType(models.TextChoices):
    ACCOMMODATION = "accommodation", _("Safe accommodation")
    MEDICAL = "medical", _("Medical care")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    LEGAL_AID = "legal_aid", _("Legal aid")
    INTERPRETATION = "interpretation", _("Interpretation")
    DOCUMENTS = "documents", _("Help with documents and residence")
    EDUCATION = "education", _("Education or vocational training")
    EMPLOYMENT = "employment", _("Job placement or income generation")
    FINANCIAL = "financial", _("Financial assistance")
    FAMILY = "family", _("Family mediation or reunification")
    RETURN = "return", _("Assisted voluntary return")
    OTHER = "other", _("Other")


class ServiceStatus(models.TextChoices):
    ARRANGED = "arranged", _("Arranged")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class Service(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="services")
    service_type = models.CharField(_("service"), max_length=16, choices=ServiceType.choices)
    domain = models.CharField(_("domain"), max_length=24, choices=Domain.choices)
    in_house = models.BooleanField(_("provided by our organisation"), default=True)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.ARRANGED)
    notes = models.BinaryField(null=True, editable=False)  # sealed
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "-created_at"]


class FollowUpKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Phone call")
    COURT = "court", _("Accompaniment to court")
    HOSPITAL = "hospital", _("Accompaniment to hospital")
    OTHER = "other", _("Other")


class FollowUpCancelReason(models.TextChoices):
    """Why a follow-up still to do is cancelled (kept, never deleted: the plan's history shows it)."""

    MISTAKE = "mistake", _("Scheduled by mistake")
    NOT_NEEDED = "not_needed", _("No longer needed")
    REPLACED = "replaced", _("Replaced by another follow-up")


class FollowUp(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=16, choices=FollowUpKind.choices)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=16, choices=FollowUpCancelReason.choices, blank=True
    )
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups")
    notes = models.BinaryField(null=True, editable=False)  # sealed
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "created_at"]


class ApprovalKind(models.TextChoices):
    CARE_PLAN = "care_plan", _("Care plan")
    CLOSURE = "closure", _("Closure")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the supervisor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Sent back")
    # Closed without a decision: nothing can be decided any more (the person's identity was erased).
    WITHDRAWN = "withdrawn", pgettext_lazy("approval request", "Withdrawn")


class Approval(BaseModel):
    """A request for a supervisor's approval (Primero's `case_plan` and `closure` approvals)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="approvals")
    kind = models.CharField(_("what"), max_length=16, choices=ApprovalKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.PENDING)
    closure_reason = models.CharField(_("closure reason"), max_length=32, choices=ClosureReason.choices, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.BinaryField(null=True, editable=False)  # sealed (request note / decision comment)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], condition=models.Q(status="pending"),
                                    name="one_pending_approval_per_kind"),
            models.CheckConstraint(
                condition=models.Q(kind="care_plan", closure_reason="") | ~models.Q(kind="care_plan"),
                name="closure_reason_only_for_closure",
            ),
        ]


class Attendance(BaseModel):
    training = models.ForeignKey(Training, on_delete=models.PROTECT, related_name="attendances")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="attendances")
    attended = models.BooleanField(_("attended"), default=True)
    completed = models.BooleanField(_("completed"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["training", "case"], name="attendance_once")]
