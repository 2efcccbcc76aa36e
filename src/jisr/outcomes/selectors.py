"""Reads of outcomes, scoped through the case scope: trajectories with significant-change marks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jisr.accounts.models import User
from jisr.cases.models import Case
from jisr.cases.selectors import case_scope_q
from jisr.outcomes.instruments import INSTRUMENTS, Status
from jisr.outcomes.models import Measurement, SafetyAlert

SEVERITY_LABELS = {
    "minimal": _("minimal"),
    "mild": _("mild"),
    "moderate": _("moderate"),
    "moderately_severe": _("moderately severe"),
    "severe": _("severe"),
}

#: Display names in the reader's language (the instruments module is pure, its English names stay there);
#: each keeps the official acronym, which is how case workers and the literature name the instrument.
INSTRUMENT_NAMES = {
    "who-5": _("WHO-5 Well-Being Index"),
    "phq-9": _("Patient Health Questionnaire (PHQ-9)"),
    "gad-7": _("Generalized Anxiety Disorder scale (GAD-7)"),
    "pcl-5": _("PTSD Checklist for DSM-5 (PCL-5)"),
}


def instrument_name(code: str) -> str:
    """The translated display name of an instrument (its published English name if it has none)."""
    name = INSTRUMENT_NAMES.get(code)
    return str(name) if name is not None else INSTRUMENTS[code].spec.name


@dataclass(frozen=True)
class Point:
    measurement: Measurement
    change: int | None  # from the previous complete administration of the same instrument
    direction: str | None
    significant: bool  # the instrument's published significance threshold is reached
    meaningful: bool

    @property
    def severity(self) -> str:
        """The published severity band, translated ("" for WHO-5 and PCL-5, which have none)."""
        code = self.measurement.result.get("severity")
        return str(SEVERITY_LABELS.get(code, code or ""))


@dataclass(frozen=True)
class Trajectory:
    instrument: str
    name: str
    higher_is_better: bool
    total_max: int
    points: list[Point]

    def chart_data(self) -> dict[str, Any]:
        done = [p for p in self.points if p.measurement.score is not None]
        return {
            "instrument": self.instrument,
            "label": self.name,
            "max": self.total_max,
            "labels": [p.measurement.administered_on.isoformat() for p in done],
            "scores": [p.measurement.score for p in done],
            "significant": [p.significant for p in done],
        }


def trajectories(case: Case) -> list[Trajectory]:
    """Measurements of the case's person (every case of hers in the organisation's scope is not
    mixed in: only this case's), per instrument, oldest first, each with its change from the
    previous complete one (instrument change rules: WHO-5 ±10 percent points; PCL-5 5/10 points;
    PHQ-9/GAD-7 have no verified threshold, so no mark)."""
    out = []
    for code, inst in INSTRUMENTS.items():
        rows = list(case.measurements.filter(instrument=code).order_by("administered_on", "created_at"))
        if not rows:
            continue
        points, previous = [], None
        for m in rows:
            change = direction = None
            significant = meaningful = False
            if m.score is not None and previous is not None:
                c = inst.change(previous, m.score)
                if c.status == Status.COMPLETE:
                    change, direction = c.change, str(c.direction) if c.direction else None
                    significant, meaningful = bool(c.significant), bool(c.clinically_meaningful)
            if m.score is not None:
                previous = m.score
            points.append(Point(m, change, direction, significant, meaningful))
        total_max = 100 if code == "who-5" else inst.spec.total_max
        out.append(Trajectory(code, instrument_name(code), inst.spec.higher_is_better, total_max, points))
    return out


def safety_alerts_open(user: User) -> QuerySet[SafetyAlert]:
    """Unacknowledged alerts on cases `user` may see."""
    q = case_scope_q(user, "case__")
    if q is None:
        return SafetyAlert.objects.none()
    return SafetyAlert.objects.filter(q, acknowledged_at__isnull=True).select_related("case__person", "measurement")


def safety_alert_get(user: User, case: Case, pk: UUID | str) -> SafetyAlert:
    try:
        return SafetyAlert.objects.select_related("case").get(pk=pk, case=case)
    except (SafetyAlert.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
