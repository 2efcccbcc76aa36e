"""The partnership's roadmap: events, strategic areas, recommendations, actions (status history,
progress updates, indicators), professional trainings and good practices.

Recommendations are linked to the actions that carry them out, with a lead institution, indicators
and a status history, the way national recommendation-tracking databases do (e.g. OHCHR's National
Recommendations Tracking Database). No survivor data lives here: the roadmap is about institutions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from jisr.common.models import BaseModel

TEXT_LANGUAGES = ("ar", "fr", "es")


def search_key(*parts: str) -> str:
    """Text folded for search: `normalise_name` (NFKC, case, Latin accents, Arabic letter variants,
    diacritics and tatweel, Eastern digits), padded with spaces so words can be matched."""
    from jisr.crypto.normalise import normalise_name

    return " " + normalise_name(" ".join(p for p in parts if p)) + " "


def text_in(obj: Any, prefix: str, language: str | None = None) -> str:
    """`obj.<prefix>_<language>`, else the first non-empty of the other languages (ar, fr, es, en)."""
    language = (language or get_language() or "ar")[:2]
    order = [language, *(lang for lang in (*TEXT_LANGUAGES, "en") if lang != language)]
    for lang in order:
        value = getattr(obj, f"{prefix}_{lang}", "")
        if value:
            return str(value)
    return ""


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    WORKSHOP = "workshop", _("Workshop")
    TRAINING = "training", _("Training")


class CountryScope(models.TextChoices):
    MOROCCO = "MA", _("Morocco")
    SPAIN = "ES", _("Spain")
    BOTH = "both", _("Morocco and Spain")
    REGIONAL = "regional", _("Regional")


class Priority(models.TextChoices):
    HIGH = "high", pgettext_lazy("priority", "High")
    MEDIUM = "medium", pgettext_lazy("priority", "Medium")
    LOW = "low", pgettext_lazy("priority", "Low")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")
    DROPPED = "dropped", _("Dropped")


# A change to one of these needs a reason (why it is blocked, why it was dropped).
STATUSES_NEEDING_REASON = frozenset({ActionStatus.BLOCKED, ActionStatus.DROPPED})
# Actions in these statuses can no longer be overdue.
CLOSED_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.DROPPED})


class Profession(models.TextChoices):
    """Professional roles counted in training attendance (never names)."""

    CASE_WORKER = "case_worker", _("Case workers and social workers")
    POLICE = "police", _("Police and border guards")
    HEALTH = "health", _("Health staff")
    JUSTICE = "justice", _("Judges, prosecutors and lawyers")
    LABOUR = "labour", _("Labour inspectors")
    EDUCATION = "education", _("Teachers and educators")
    CIVIL_SOCIETY = "civil_society", _("Civil-society volunteers")
    PUBLIC_ADMINISTRATION = "public_administration", _("Public administration")
    OTHER = "other", _("Other")


class AppendOnlyModel(BaseModel):
    """A row that is never changed or deleted once written (status history, measurements)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"{type(self).__name__} rows are append-only")


# Optimistic locking of the records people edit on a form (events, recommendations, actions), as cases
# do: every change to what the edit form shows adds one, and a form saved from an older version is
# refused (services.*_update, ConflictError) instead of silently overwriting someone else's change.
VERSION_HELP = "optimistic lock: increases with every change to the fields of the edit form"


# --- Files (event documents, progress evidence) ------------------------------------------------------


class EvidenceStorage(FileSystemStorage):
    """Files under JISR_DATA_DIR/media, resolved at each use (so tests can point DATA_DIR elsewhere).

    There is no public URL: `url()` refuses, and files are served only by `roadmap:file_download`,
    which checks access first."""

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(Path(settings.DATA_DIR) / "media")

    @property
    def location(self) -> str:  # type: ignore[override]
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise NotImplementedError("roadmap files have no public URL; use roadmap:file_download")


def evidence_storage() -> EvidenceStorage:
    return EvidenceStorage()


def _stored_name(instance: StoredFile, filename: str) -> str:
    # No user-supplied text in the stored name (it could carry personal data): UUID + known extension.
    return f"roadmap/{instance.pk}{instance.extension}"


class StoredFile(BaseModel):
    """An uploaded document (minutes, photo of an attendance count, report), checked and size-limited
    by `roadmap.files.check_upload` before it is stored."""

    file = models.FileField(storage=evidence_storage, upload_to=_stored_name, max_length=200)
    # The uploader's file name, shown when downloading; cleaned of path parts.
    display_name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(help_text="bytes")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.display_name


# --- Strategic areas and events ----------------------------------------------------------------------


class StrategicArea(BaseModel):
    """A priority area of the roadmap. Configurable; seeded by migration 0002 with the six areas the
    partnership works on (prevention; protection and assistance; prosecution; partnership and
    coordination; data and research; survivor empowerment and reintegration)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=150)
    name_fr = models.CharField(_("name (French)"), max_length=150)
    name_es = models.CharField(_("name (Spanish)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return text_in(self, "name")


class Event(BaseModel):
    """A meeting, workshop or training of the partnership. A workshop may belong to a meeting."""

    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices, default=EventKind.MEETING)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True, default="")
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True, default="")
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True, default="")
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    country = CountryField(_("country"), blank=True, default="")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sessions", verbose_name=_("part of")
    )
    organisers = models.ManyToManyField("accounts.Organisation", related_name="+", blank=True)
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes, e.g. ['ar', 'es']")
    areas = models.ManyToManyField(StrategicArea, related_name="events", blank=True)
    summary = models.TextField(_("summary"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False, help_text=VERSION_HELP)

    class Meta:
        ordering = ["starts_on", "created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return text_in(self, "title")


class EventParticipant(BaseModel):
    """An organisation that took part in an event: one on this instance, or any other by name."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("organisation"), max_length=200, blank=True, default="")
    country = CountryField(_("country"))

    class Meta:
        ordering = ["country", "name"]

    def __str__(self) -> str:
        return self.organisation.name if self.organisation_id else self.name


class EventDocument(BaseModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="documents")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)

    def __str__(self) -> str:
        return self.title


# --- Recommendations and actions ---------------------------------------------------------------------


class Recommendation(BaseModel):
    """One recommendation adopted at an event, in up to three languages."""

    reference = models.CharField(_("reference"), max_length=30, blank=True, default="")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="recommendations",
                              verbose_name=_("source event"))
    area = models.ForeignKey(StrategicArea, on_delete=models.PROTECT, related_name="recommendations",
                             verbose_name=_("strategic area"))
    text_ar = models.TextField(_("text (Arabic)"), blank=True, default="")
    text_fr = models.TextField(_("text (French)"), blank=True, default="")
    text_es = models.TextField(_("text (Spanish)"), blank=True, default="")
    scope = models.CharField(_("country scope"), max_length=10, choices=CountryScope.choices)
    addressee = models.CharField(_("addressed to"), max_length=300, blank=True, default="")
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    search_text = models.TextField(blank=True, default="", editable=False)  # see GoodPractice.search_text
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False, help_text=VERSION_HELP)

    class Meta:
        ordering = ["area__order", "reference", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(text_ar="") & models.Q(text_fr="") & models.Q(text_es="")),
                name="recommendation_has_text",
            )
        ]

    def __str__(self) -> str:
        return self.reference or self.text[:60]

    @property
    def text(self) -> str:
        return text_in(self, "text")


class Action(BaseModel):
    """Something a lead organisation (with partners) does to carry out one or more recommendations.

    `status` mirrors the newest row of the append-only `ActionStatusChange` history; it is written only
    by `services.action_set_status`, together with that row."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, default="")
    lead_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("lead organisation"))
    partners = models.ManyToManyField("accounts.Organisation", related_name="+", blank=True)
    # Partners that have no account on this instance (a ministry, a UN agency …), by name.
    other_partners = models.CharField(_("other partners"), max_length=500, blank=True, default="")
    recommendations = models.ManyToManyField(Recommendation, related_name="actions", blank=True)
    start_on = models.DateField(_("start date"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False, help_text=VERSION_HELP)

    class Meta:
        ordering = ["due_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_on__isnull=True) | models.Q(due_on__isnull=True)
                | models.Q(due_on__gte=models.F("start_on")),
                name="action_due_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue_on(self, today: dt.date) -> bool:
        """Due before `today` (a date in the lead organisation's time zone) and not done or dropped."""
        return self.due_on is not None and self.due_on < today and self.status not in CLOSED_STATUSES


class ActionStatusChange(AppendOnlyModel):
    """One step of an action's status history. Append-only: rows are never changed or deleted."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="status_history")
    status = models.CharField(max_length=16, choices=ActionStatus.choices)
    previous_status = models.CharField(max_length=16, choices=ActionStatus.choices, blank=True, default="")
    reason = models.TextField(_("reason"), blank=True, default="")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "created_at"]

    def __str__(self) -> str:
        return f"{self.action_id}:{self.status}"


class ProgressUpdate(AppendOnlyModel):
    """A note on how an action is going, with optional evidence (a file and/or a link)."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="progress_updates")
    note = models.TextField(_("note"))
    link = models.URLField(_("link"), max_length=500, blank=True, default="")
    evidence = models.ForeignKey(StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action_id}:{self.created_at:%Y-%m-%d}"


class Indicator(BaseModel):
    """What tells whether an action works: a baseline, a target, and values measured over time."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50, blank=True, default="")
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def latest(self) -> IndicatorMeasurement | None:
        """The most recent measurement (uses prefetched measurements when there are some)."""
        rows = list(self.measurements.all())
        return max(rows, key=lambda m: (m.measured_on, m.created_at)) if rows else None


class IndicatorMeasurement(AppendOnlyModel):
    """A value of an indicator on a date. Append-only: a correction is a new measurement."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="measurements")
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["measured_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.measured_on}"


# --- Trainings and good practices --------------------------------------------------------------------


class Training(BaseModel):
    """A professional training (capacity of case workers, police, health staff …)."""

    title = models.CharField(_("title"), max_length=300)
    organiser = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("organiser"))
    area = models.ForeignKey(StrategicArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("strategic area"))
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="trainings")
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    country = CountryField(_("country"))
    languages = models.JSONField(default=list, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    topics = models.TextField(_("topics"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title


class TrainingAttendance(BaseModel):
    """How many people of one professional role from one organisation attended. Counts only: Jisr
    never stores the names of the people trained."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True, default="")
    country = CountryField(_("country"), blank=True, default="")
    # "role" here is a participant's function (fonction / función / الصفة), not a role in Jisr (accounts User.role).
    profession = models.CharField(
        pgettext_lazy("professional function", "role"), max_length=32, choices=Profession.choices
    )
    count = models.PositiveIntegerField(_("number of people"))

    class Meta:
        ordering = ["organisation_name", "profession"]

    def __str__(self) -> str:
        return f"{self.training_id}:{self.profession}={self.count}"

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name


class GoodPractice(BaseModel):
    """A practice worth sharing across the Strait, linked to the recommendations it answers."""

    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True, default="")
    country = CountryField(_("country"))
    area = models.ForeignKey(StrategicArea, on_delete=models.PROTECT, related_name="practices",
                             verbose_name=_("strategic area"))
    tags = models.JSONField(default=list, blank=True)
    evidence = models.TextField(_("evidence"), blank=True, default="")
    link = models.URLField(_("link"), max_length=500, blank=True, default="")
    languages = models.JSONField(default=list, blank=True)
    recommendations = models.ManyToManyField(Recommendation, related_name="practices", blank=True)
    # Normalised text for search (accents, case, Arabic letter variants and diacritics folded): set by
    # the services from title, summary, evidence, organisation and tags.
    search_text = models.TextField(blank=True, default="", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name
