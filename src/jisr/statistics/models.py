"""Imported public statistics (UNODC GLOTIP, CTDC), the privacy-budget ledger and release approvals.

Nothing here is a record about a person of this instance: GLOTIP rows are published aggregates, CTDC
rows are synthetic records, ledger and release rows describe tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jisr.common.models import BaseModel


class Dataset(models.TextChoices):
    GLOTIP = "glotip", "UNODC GLOTIP"
    CTDC = "ctdc", "CTDC synthetic victim–perpetrator"


class ImportBatch(BaseModel):
    """One imported file, identified by the SHA-256 of its bytes (re-import of the same file is a no-op)."""

    dataset = models.CharField(max_length=16, choices=Dataset.choices)
    sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=255)  # base name only
    rows = models.PositiveIntegerField()
    flagged = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)  # flags and unmapped names with line numbers

    def __str__(self) -> str:
        return f"{self.dataset}:{self.filename}"


class GlotipFigure(models.Model):
    """One GLOTIP row. The value is an interval [value_low, value_high]: a count n is [n, n], a censored
    `<5` is [0, 4]. `plausible=False` rows (publisher errors) stay out of totals."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="glotip_figures")
    line = models.PositiveIntegerField()
    iso3 = models.CharField(max_length=3)
    country = models.CharField(max_length=100)
    region = models.CharField(max_length=60)
    subregion = models.CharField(max_length=60)
    indicator = models.CharField(max_length=80)
    dimension = models.CharField(max_length=60)
    category = models.CharField(max_length=200)
    sex = models.CharField(max_length=16)
    age = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    value_low = models.PositiveIntegerField()
    value_high = models.PositiveIntegerField()
    censored = models.BooleanField(default=False)
    plausible = models.BooleanField(default=True)
    quality_note = models.CharField(max_length=200, blank=True)
    citizenship = models.CharField(max_length=2, blank=True)

    class Meta:
        indexes = [models.Index(fields=["iso3", "indicator", "dimension", "year"], name="glotip_lookup")]


class CtdcRecord(models.Model):
    """One synthetic CTDC record. None = unknown; set-valued cells are sorted `;`-joined text."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="ctdc_records")
    line = models.PositiveIntegerField()
    year_low = models.PositiveSmallIntegerField(null=True)
    year_high = models.PositiveSmallIntegerField(null=True)
    gender = models.CharField(max_length=16, null=True)  # noqa: DJ001 — None = unknown, not ""
    majority_status = models.CharField(max_length=8, null=True)  # noqa: DJ001 — None = unknown, not ""
    is_forced_labour = models.BooleanField(null=True)
    is_sexual_exploit = models.BooleanField(null=True)
    origin_region = models.CharField(max_length=24, null=True)  # noqa: DJ001 — None = unknown, not ""
    exploitation_region = models.CharField(max_length=24, null=True)  # noqa: DJ001 — None = unknown, not ""
    ip_exploiter = models.BooleanField(null=True)
    ip_gender = models.CharField(max_length=16, null=True)  # noqa: DJ001 — None = unknown, not ""
    ip_age = models.CharField(max_length=40, null=True)  # noqa: DJ001 — None = unknown, not ""
    ip_citizen_region = models.CharField(max_length=60, null=True)  # noqa: DJ001 — None = unknown, not ""
    ip_relation = models.CharField(max_length=80, null=True)  # noqa: DJ001 — None = unknown, not ""
    ip_pay_money = models.CharField(max_length=8, null=True)  # noqa: DJ001 — None = unknown, not ""
    ip_recruiter_broker = models.BooleanField(null=True)
    ip_transaction_process = models.BooleanField(null=True)
    ip_control_abuse_kidnap = models.BooleanField(null=True)


class PrivacyBudget(BaseModel):
    """The total ε an organisation may spend on DP releases of its case data (basic composition)."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    total_epsilon = models.DecimalField(max_digits=8, decimal_places=4, default=4)  # SDS/CTDC default ε = 4

    def __str__(self) -> str:
        return f"budget {self.organisation_id}"


class PrivacyLedgerEntry(BaseModel):
    """One DP release: what was released, at which ε, by whom. Append-only."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    table = models.CharField(max_length=40)
    epsilon = models.DecimalField(max_digits=8, decimal_places=4)
    file_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]


class MicrodataRelease(BaseModel):
    """One k-anonymous microdata file released: for which period [start, end), at which k, by whom.
    Append-only. A file for a period that overlaps a different period already released is refused: the
    records in one and not in the other would be the few cases of the days between them."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start = models.DateField()
    end = models.DateField()  # the day after the last day
    k = models.PositiveIntegerField()
    rows = models.PositiveIntegerField()
    file_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]


class ReleaseStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approvals")
    APPROVED = "approved", _("Approved by every contributor")
    DECLINED = "declined", _("Declined by a contributing organisation")
    WITHDRAWN = "withdrawn", _("Withdrawn by the requesting organisation")


IN_FORCE = (ReleaseStatus.PENDING, ReleaseStatus.APPROVED)
"""The statuses of a release that holds its table, year and organisations: a declined or withdrawn one
never will be published, and frees them."""


class Release(BaseModel):
    """A table of shared statistics pooled from several organisations (GBVIMS practice: aggregates only,
    no survivor or agency identifiers, released only when every contributing organisation approved).

    Of a calendar year that is over only, and a snapshot: the table is computed once, when the last
    contributor approves (`content`, `frozen_at`, `content_sha256`), and every download gives exactly
    those bytes — a table recomputed at each download, or a second release of the same year, would let
    anyone who downloads both single out the cases entered (or corrected) in between."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    contributors = models.ManyToManyField("accounts.Organisation", related_name="+")
    table = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.PENDING)
    content = models.BinaryField(null=True, editable=False)  # the CSV as approved; None until then
    content_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    frozen_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at"]


class ReleaseApproval(BaseModel):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="approvals")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["release", "organisation"], name="release_one_approval_per_org")]
