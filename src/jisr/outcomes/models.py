"""Measurements of recovery outcomes over time (WHO-5, PHQ-9, GAD-7, PCL-5) and safety alerts.

Scores come from the pure modules in `instruments/` (scoring exactly as published); the stored
`result` is the instrument's `as_dict()` so a later reader sees what was computed and with which
cut-off. Answers and scores are codes and integers — no free text, nothing identifying.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jisr.common.models import BaseModel
from jisr.outcomes.instruments import INSTRUMENTS

INSTRUMENT_CHOICES = [(code, i.spec.name) for code, i in INSTRUMENTS.items()]


class Measurement(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="measurements")
    person = models.ForeignKey("survivors.Person", on_delete=models.PROTECT, related_name="measurements")
    instrument = models.CharField(_("instrument"), max_length=8, choices=INSTRUMENT_CHOICES)
    administered_on = models.DateField(_("administered on"))
    answers = models.JSONField(default=list)  # item values in published order, null = missing
    status = models.CharField(max_length=20)  # COMPLETE / INCOMPLETE
    # The score the trajectory plots: WHO-5 percent (0-100), others the total. Null when incomplete.
    score = models.SmallIntegerField(null=True, blank=True)
    result = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["administered_on", "created_at"]
        indexes = [models.Index(fields=["person", "instrument", "administered_on"])]


class SafetyAlert(BaseModel):
    """PHQ-9 item 9 above 0: the NGO's same-day safety protocol (identification.md §4.3 [A]). One
    alert per measurement (unique), addressed to the supervisors of the case's team."""

    measurement = models.OneToOneField(Measurement, on_delete=models.PROTECT, related_name="safety_alert")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="safety_alerts")
    item9 = models.PositiveSmallIntegerField()
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
