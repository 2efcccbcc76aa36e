"""Writes on outcomes: record a measurement (scored by the pure instruments), acknowledge an alert.

A PHQ-9 with item 9 above 0 raises a SafetyAlert in the same transaction, audited as
`outcomes.safety_alert` for the case's team supervisors; it fires once per measurement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from jisr.accounts.models import Membership, User
from jisr.accounts.roles import Role
from jisr.audit.services import audit_record
from jisr.cases.models import Case, CaseStatus
from jisr.common.errors import PermissionDeniedError, StateError
from jisr.outcomes.instruments import Status, get_instrument
from jisr.outcomes.instruments.phq9 import SAFETY_ITEM
from jisr.outcomes.models import Measurement, SafetyAlert


def _require_write(actor: User, case: Case) -> None:
    if not actor.capabilities.write_cases or actor.organisation != case.organisation:
        raise PermissionDeniedError("this role may not change cases")


def plotted_score(instrument: str, result: dict[str, object]) -> int | None:
    """WHO-5: the percentage (its change rule is on that scale); others: the total."""
    value = result.get("percent" if instrument == "who-5" else "total")
    return value if isinstance(value, int) else None


def alert_recipients(case: Case) -> list[User]:
    """Supervisors of the case's team (or of the organisation when the case has no team)."""
    members = Membership.objects.filter(organisation=case.organisation, role=Role.SUPERVISOR, user__is_active=True)
    if case.team_id is not None:
        members = members.filter(team=case.team)
    return [m.user for m in members.select_related("user")]


@transaction.atomic
def measurement_record(*, actor: User, case: Case, instrument: str, answers: Sequence[int | None],
                       administered_on: dt.date) -> Measurement:
    """Score and store one administration. Raises ValueError for an unknown instrument, answers out
    of range or of the wrong count (VALIDATION_ERROR), a future date; PermissionDeniedError,
    StateError (closed case, or the person's identity erased: nothing new is recorded about her). An
    INCOMPLETE administration is stored without a score (never zero)."""
    _require_write(actor, case)
    if case.status != CaseStatus.OPEN:
        raise StateError("the case is closed; reopen it first")
    if case.person.is_erased:
        raise StateError("this person's identity was erased")
    spec = get_instrument(instrument)
    if administered_on > timezone.localdate():
        raise ValueError("the date cannot be in the future")
    result = spec.score(list(answers))
    if result.status == Status.VALIDATION_ERROR:
        raise ValueError("answers out of range or of the wrong count")
    doc = result.as_dict()
    m = Measurement(case=case, person=case.person, instrument=instrument, administered_on=administered_on,
                    answers=list(answers), status=str(result.status), score=plotted_score(instrument, doc),
                    result=doc, recorded_by=actor)
    m.save(force_insert=True)
    audit_record(actor=actor, action="outcomes.measure", target=case, details={
        "measurement": str(m.pk), "instrument": instrument, "status": m.status,
    })
    if instrument == "phq-9":
        item9 = answers[SAFETY_ITEM - 1] if len(answers) >= SAFETY_ITEM else None
        if item9 is not None and item9 > 0:
            _raise_alert(actor, m, item9)
    return m


def _raise_alert(actor: User, measurement: Measurement, item9: int) -> SafetyAlert:
    alert, created = SafetyAlert.objects.get_or_create(
        measurement=measurement, defaults={"case": measurement.case, "item9": item9})
    if created:
        recipients = alert_recipients(measurement.case)
        audit_record(actor=actor, action="outcomes.safety_alert", target=measurement.case, details={
            "alert": str(alert.pk), "measurement": str(measurement.pk), "item9": item9,
            "supervisors": sorted(u.pk for u in recipients),
        })
    return alert


@transaction.atomic
def safety_alert_acknowledge(*, actor: User, alert: SafetyAlert) -> SafetyAlert:
    """A supervisor (or the case's writers) records that the safety protocol was started."""
    _require_write(actor, alert.case)
    alert = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise StateError("this alert was already acknowledged")
    alert.acknowledged_by, alert.acknowledged_at = actor, timezone.now()
    alert.save(update_fields=["acknowledged_by", "acknowledged_at", "updated_at"])
    audit_record(actor=actor, action="outcomes.safety_alert_ack", target=alert.case,
                 details={"alert": str(alert.pk)})
    return alert
