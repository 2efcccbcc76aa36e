"""Reads of integrated care, scoped to the user through the case scope (a record on a case the user
may not see is a 404). Decryption of sealed text is offered only to the care team (roles that write
cases): a coordinator sees that a safety plan exists, not where she lives."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.care import conf
from jisr.care.models import (
    PURPOSES_WITH_RECIPIENT,
    Approval,
    ApprovalStatus,
    Consent,
    FollowUp,
    ReflectionPeriod,
    Training,
)
from jisr.cases.models import Case, CaseStatus
from jisr.cases.selectors import case_scope_q
from jisr.crypto.envelope import DecryptionError
from jisr.crypto.normalise import normalise_name
from jisr.crypto.services import unseal
from jisr.survivors.models import Person

M = TypeVar("M", bound=models.Model)


def recipient_key(name: str | None) -> str:
    """A recipient's name as a consent and a referral compare it: the same key whatever the case, the
    accents, the Arabic letter variants and diacritics (crypto.normalise.normalise_name), the spacing
    and the punctuation ("ONG de demostración (Demo ES)" = "ong de demostracion demo es"). Not the
    transliteration key: a coarse skeleton on which two different organisations could meet, and a
    consent must name its recipient. "" for a blank name."""
    text = normalise_name(name or "")
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "S", "Z", "C")))


def consents_in_force(person: Person, purpose: str, on: dt.date | None = None) -> list[Consent]:
    """The consents of `person` for `purpose` in force on `on` (today by default), newest first: given on
    or before, not past `valid_until`, not withdrawn on or before `on`. Same rule as `consent_in_force`."""
    on = on or timezone.localdate()
    return list(Consent.objects.filter(person=person, purpose=purpose, given_on__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)).order_by("-given_on", "-created_at"))


def consent_in_force(person: Person, purpose: str, recipient: str | None = None,
                     on: dt.date | None = None) -> Consent | None:
    """The newest consent of `person` for `purpose` in force on `on` (today by default): given on or
    before, not past `valid_until`, not withdrawn on or before `on`. For referral and sharing the
    consent must name `recipient`: the names are compared by `recipient_key` (case, accents, spacing
    and punctuation aside); no recipient finds nothing.

    Not scoped to a user: callers (referral code) already hold a person fetched through a scoped
    selector. Consent gates every share (DESIGN.md §6)."""
    consents = consents_in_force(person, purpose, on)
    if purpose not in PURPOSES_WITH_RECIPIENT:
        return consents[0] if consents else None
    key = recipient_key(recipient)
    if not key:
        return None
    return next((c for c in consents if recipient_key(c.recipient) == key), None)


def _case_child(model: type[M], user: User, case: Case, pk: UUID | str) -> M:
    """A record of `model` on `case` (already fetched through case_get_for_user), else 404."""
    try:
        return model.objects.select_related("case__person__data_key", "case__organisation").get(  # type: ignore[attr-defined]
            pk=pk, case=case)
    except (model.DoesNotExist, ValueError, ValidationError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc


def consent_get(user: User, case: Case, pk: UUID | str) -> Consent:
    return _case_child(Consent, user, case, pk)


def followup_get(user: User, case: Case, pk: UUID | str) -> FollowUp:
    return _case_child(FollowUp, user, case, pk)


def approval_get(user: User, case: Case, pk: UUID | str) -> Approval:
    return _case_child(Approval, user, case, pk)


def may_read_sealed(user: User) -> bool:
    """The care team (case workers and supervisors) reads sealed care text; others see that it exists."""
    return bool(user.capabilities.write_cases)


class ErasedText:
    """What `sealed_text` answers for a text sealed under the key of a person whose identity was erased:
    it went with her identity, for every reader. Falsy and printed as ""; templates test `text.erased`."""

    erased = True

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "ERASED"


ERASED = ErasedText()


def sealed_text(user: User, obj: models.Model, field: str, person: Person) -> str | ErasedText | None:
    """Decrypted text for the care team; "" when empty; `ERASED` when the person's identity (and her key)
    was erased; None when it may not be read (not the care team) or cannot be (a damaged row)."""
    if getattr(obj, field) is None:
        return ""
    if person.is_erased:
        return ERASED
    if not may_read_sealed(user):
        return None
    try:
        return unseal(obj, field, person.data_key) or ""
    except DecryptionError:
        return None


def trainings_visible_to(user: User) -> QuerySet[Training]:
    org = user.organisation if user.is_authenticated else None
    if org is None or user.capabilities.case_scope == "none":
        return Training.objects.none()
    return Training.objects.filter(organisation=org)


def training_get(user: User, pk: UUID | str) -> Training:
    try:
        return trainings_visible_to(user).get(pk=pk)
    except (Training.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class Dashboard:
    """What is due for the user: follow-ups (overdue / due soon) on cases she may see, split into
    hers and her team's; reflection periods ending soon; approvals waiting (supervisors)."""

    today: dt.date
    overdue_mine: list[FollowUp]
    overdue_team: list[FollowUp]
    due_mine: list[FollowUp]
    due_team: list[FollowUp]
    reflection_ending: list[ReflectionPeriod]
    approvals: list[Approval]
    alerts: list[Any]

    @property
    def empty(self) -> bool:
        return not any((self.overdue_mine, self.overdue_team, self.due_mine, self.due_team,
                        self.reflection_ending, self.approvals, self.alerts))


def followups_dashboard(user: User, today: dt.date | None = None) -> Dashboard:
    """Follow-ups due within the horizon (care/conf.py) or overdue, on open cases `user` may see.
    "Mine": assigned to the user. "Team": the rest of what her scope shows (a case worker sees only
    her own caseload; a supervisor her team's). Nothing outside the scope ever appears."""
    today = today or timezone.localdate()
    q = case_scope_q(user, "case__")
    if q is None:
        return Dashboard(today, [], [], [], [], [], [], [])
    horizon = today + dt.timedelta(days=conf.followup_horizon_days())
    pending = (FollowUp.objects.filter(q, case__status=CaseStatus.OPEN, done_on__isnull=True, cancelled_on__isnull=True,
                                       due_on__lte=horizon)
               .select_related("case__person", "assigned_to").order_by("due_on"))
    overdue_mine, overdue_team, due_mine, due_team = [], [], [], []
    for f in pending:
        mine = f.assigned_to_id == user.pk
        if f.due_on < today:
            (overdue_mine if mine else overdue_team).append(f)
        else:
            (due_mine if mine else due_team).append(f)
    alert_until = today + dt.timedelta(days=conf.reflection_alert_days())
    periods = (ReflectionPeriod.objects.filter(q, case__status=CaseStatus.OPEN, ends_on__gte=today,
                                               ends_on__lte=alert_until)
               .select_related("case__person").order_by("ends_on"))
    # Only the newest period of a case counts (a restated period replaces the earlier one).
    newest: dict[Any, ReflectionPeriod] = {}
    for p in ReflectionPeriod.objects.filter(case__in={p.case_id for p in periods}).order_by("starts_on", "created_at"):
        newest[p.case_id] = p
    reflection = [p for p in periods if newest.get(p.case_id) == p]
    approvals: list[Approval] = []
    if user.role == Role.SUPERVISOR:
        approvals = list(Approval.objects.filter(q, status=ApprovalStatus.PENDING)
                         .exclude(requested_by=user).select_related("case__person", "requested_by"))
    alerts: list[Any] = []
    if user.role == Role.SUPERVISOR:
        from jisr.outcomes.selectors import safety_alerts_open

        alerts = list(safety_alerts_open(user))
    return Dashboard(today, overdue_mine, overdue_team, due_mine, due_team, reflection, approvals, alerts)

