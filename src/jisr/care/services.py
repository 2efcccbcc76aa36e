"""Writes of integrated care. Keyword-only, atomic, one audit event in the same transaction; free
text sealed under the person's data key; no personal data in audit details (codes, ids, dates only).

Callers pass a case fetched through `case_get_for_user` (authorise when you fetch); the services check
the role's write capability on top (`PermissionDeniedError`), the case's state (`StateError`) and
the values (`ValueError`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.audit.services import audit_record
from jisr.care import conf
from jisr.care.models import (
    PURPOSES_WITH_RECIPIENT,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Attendance,
    Consent,
    ConsentGiver,
    ConsentLanguage,
    ConsentMethod,
    ConsentPurpose,
    Domain,
    FollowUp,
    FollowUpCancelReason,
    FollowUpKind,
    Goal,
    GoalStatus,
    Jurisdiction,
    NeedAssessment,
    NeedLevel,
    Proceeding,
    ProceedingKind,
    ReflectionPeriod,
    RiskAssessment,
    RiskReason,
    Service,
    ServiceStatus,
    ServiceType,
    Training,
)
from jisr.cases.models import Case, CaseStatus, ClosureReason, RiskLevel
from jisr.cases.services import case_close, case_set_risk
from jisr.common.errors import ConflictError, PermissionDeniedError, StateError
from jisr.crypto.envelope import DecryptionError
from jisr.crypto.normalise import clean_free_text, clean_text
from jisr.crypto.services import seal
from jisr.survivors.models import Person
from jisr.survivors.services import person_identity

MAX_TEXT = 20_000


def _require_write(actor: User, case: Case) -> None:
    if not actor.capabilities.write_cases or actor.organisation != case.organisation:
        raise PermissionDeniedError("this role may not change cases")


def _require_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise StateError("the case is closed; reopen it first")
    if case.person.is_erased:
        raise StateError("this person's identity was erased")


def _choice(value: str, choices: type, message: str) -> str:
    if value not in choices.values:  # type: ignore[attr-defined]
        raise ValueError(message)
    return value


def _text(value: str | None) -> str:
    """Free text of the care plan, cleaned of hidden control and bidi characters, lines kept
    (`crypto.normalise.clean_free_text`); ValueError beyond MAX_TEXT characters."""
    value = clean_free_text(value or "")
    if len(value) > MAX_TEXT:
        raise ValueError("the text is too long (20,000 characters at most)")
    return value


def _today(case: Case) -> dt.date:
    return timezone.localdate()


# --- Children ----------------------------------------------------------------------------------------

#: A child is any person under eighteen years of age: Palermo Protocol art. 3(d); Moroccan law 27-14
#: (Penal Code arts. 448-1 ff.) and Spanish CP art. 177 bis use the same age (identification.md §1.2,
#: §3.1, §3.2). The identification engine's child rule uses the same figure (rule sets' `child_age`).
CHILD_AGE = 18

#: Why a consent cannot be recorded (ValueError text; translated by care.views.MESSAGES).
CHILD_CONSENT_BY_GUARDIAN = "a child's consent is given by a parent or legal guardian"


def is_child(age: int | None) -> bool:
    """True for an age under CHILD_AGE. An unknown age is not taken for a child here: the presumption
    of minority needs reasons to believe she is one (EU Directive 2011/36 art. 13(2); the screening
    records it), which the age alone does not give."""
    return age is not None and age < CHILD_AGE


def age_reader(person: Person) -> Callable[[dt.date], int | None]:
    """Her age in completed years on a given day (`Person.age_on`), her date of birth decrypted once:
    from the date of birth when one is recorded (never stored in clear), else from the estimated age
    advanced from the day it was estimated; None when neither is known. A date of birth that cannot
    be read (erased, tampered) falls back to the estimate."""
    dob = None
    if person.date_of_birth is not None:
        try:
            dob = person_identity(person).date_of_birth
        except DecryptionError:
            dob = None
    return lambda on: person.age_on(on, dob)


def person_age_on(person: Person, on: dt.date) -> int | None:
    """`age_reader(person)(on)`."""
    return age_reader(person)(on)


def consent_giver_error(*, age: int | None, given_by: str) -> str | None:
    """Why a consent given by `given_by` for a person aged `age` on the day it was given cannot be
    recorded, or None. Pure rule, the same for every purpose:

    a child (under 18 on that day: Palermo Protocol art. 3(d)) does not consent alone — her consent
    is given by a parent or legal guardian (ConsentGiver.GUARDIAN; for a child without one, or whose
    parents may be involved in her exploitation, the guardian or representative appointed for her).
    She is still told, in her language, what each purpose means, and her views are heard: her best
    interests are a primary consideration (EU Directive 2011/36 art. 13(1); OSCE/ODIHR NRM handbook,
    2nd ed. 2022, child best interests mainstreamed — case-management-anchors.md §2.3). The project's
    reference notes give no rule by which a child's own consent, even witnessed or with a
    best-interests note, stands in for a guardian's for any purpose, so none is made here; a
    jurisdiction's exception (e.g. an age from which a minor consents to the processing of her data)
    needs its legal source checked before it is encoded.
    """
    if is_child(age) and given_by != ConsentGiver.GUARDIAN:
        return CHILD_CONSENT_BY_GUARDIAN
    return None


# --- Consent -----------------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor: User,
    case: Case,
    purpose: str,
    given_by: str,
    method: str,
    language: str,
    given_on: dt.date,
    valid_until: dt.date | None = None,
    recipient: str = "",
    recipient_country: str = "",
    witness_name: str = "",
) -> Consent:
    """Record a consent for one purpose. Referral and sharing need a named recipient; oral consent
    needs a witness (sealed); a child's consent (under 18 on `given_on`) is given by a parent or legal
    guardian, never by the child alone (`consent_giver_error`: Palermo Protocol art. 3(d)).
    Raises PermissionDeniedError, StateError, ValueError."""
    _require_write(actor, case)
    _require_open(case)
    _choice(purpose, ConsentPurpose, "unknown consent purpose")
    _choice(given_by, ConsentGiver, "unknown consent giver")
    _choice(method, ConsentMethod, "unknown consent method")
    _choice(language, ConsentLanguage, "unknown consent language")
    recipient, witness_name = clean_text(recipient), clean_text(_text(witness_name))
    recipient_country = recipient_country.strip().upper()
    if purpose in PURPOSES_WITH_RECIPIENT and not recipient:
        raise ValueError("name the recipient of the referral or sharing")
    if purpose not in PURPOSES_WITH_RECIPIENT and (recipient or recipient_country):
        raise ValueError("a recipient is only for referral or sharing")
    if recipient_country and (len(recipient_country) != 2 or not recipient_country.isalpha()):
        raise ValueError("the recipient's country is a two-letter code")
    if method == ConsentMethod.ORAL_WITNESSED and not witness_name:
        raise ValueError("oral consent needs a witness")
    if given_on > _today(case):
        raise ValueError("the consent date cannot be in the future")
    if valid_until is not None and valid_until < given_on:
        raise ValueError("the end of validity is before the consent date")
    refused = consent_giver_error(age=person_age_on(case.person, given_on), given_by=given_by)
    if refused:
        raise ValueError(refused)
    consent = Consent(
        case=case,
        person=case.person,
        purpose=purpose,
        recipient=recipient,
        recipient_country=recipient_country,
        given_by=given_by,
        method=method,
        language=language,
        given_on=given_on,
        valid_until=valid_until,
        recorded_by=actor,
    )
    seal(consent, "witness_name", witness_name, case.person.data_key)
    consent.save(force_insert=True)
    audit_record(
        actor=actor,
        action="consent.record",
        target=case,
        details={
            "consent": str(consent.pk),
            "purpose": purpose,
            "given_by": given_by,
            "method": method,
            "language": language,
            "cross_border": consent.cross_border,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, withdrawn_on: dt.date | None = None) -> Consent:
    """Record that the consent was withdrawn (today by default). From that day `consent_in_force`
    no longer returns it, so nothing new is shared on it. Raises StateError if already withdrawn.
    Allowed on a closed case too: a survivor may always withdraw."""
    case = consent.case
    _require_write(actor, case)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise StateError("this consent was already withdrawn")
    on = withdrawn_on or _today(case)
    if on < consent.given_on:
        raise ValueError("the withdrawal date is before the consent date")
    if on > _today(case):
        raise ValueError("the withdrawal date cannot be in the future")
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on", "updated_at"])
    audit_record(
        actor=actor,
        action="consent.withdraw",
        target=case,
        details={
            "consent": str(consent.pk),
            "purpose": consent.purpose,
            "withdrawn_on": on.isoformat(),
        },
    )
    # Withdrawing consent withdraws every open referral based on it and removes the recipient's access
    # (issue 5), in this same transaction. Local import: referrals imports care.
    from jisr.referrals.services import on_consent_withdrawn

    on_consent_withdrawn(actor=actor, consent=consent)
    return consent


# --- Risk, reflection period, proceedings --------------------------------------------------------------


@transaction.atomic
def risk_assessment_record(
    *,
    actor: User,
    case: Case,
    level: str,
    reasons: list[str],
    assessed_on: dt.date,
    review_on: dt.date | None = None,
    safety_plan: str = "",
) -> RiskAssessment:
    """Record a dated risk assessment (level with reasons, review date, safety plan sealed) and set
    the case's current risk level through `case_set_risk` (its own `case.risk` event)."""
    _require_write(actor, case)
    _require_open(case)
    _choice(level, RiskLevel, "unknown risk level")
    if level == RiskLevel.UNKNOWN:
        raise ValueError("choose a risk level")
    unknown = set(reasons) - set(RiskReason.values)
    if unknown:
        raise ValueError("unknown risk reason")
    if level in (RiskLevel.HIGH, RiskLevel.CRITICAL) and not reasons:
        raise ValueError("say why the risk is high")
    if assessed_on > _today(case):
        raise ValueError("the assessment date cannot be in the future")
    if review_on is not None and review_on < assessed_on:
        raise ValueError("the review date is before the assessment")
    assessment = RiskAssessment(
        case=case,
        level=level,
        reasons=[r for r in RiskReason.values if r in set(reasons)],
        assessed_on=assessed_on,
        review_on=review_on,
        assessed_by=actor,
    )
    seal(assessment, "safety_plan", _text(safety_plan), case.person.data_key)
    assessment.save(force_insert=True)
    audit_record(
        actor=actor,
        action="care.risk_assessment",
        target=case,
        details={
            "assessment": str(assessment.pk),
            "level": level,
            "reasons": assessment.reasons,
            "safety_plan": bool(safety_plan.strip()),
        },
    )
    if case.risk_level != level:
        case_set_risk(actor=actor, case=case, risk_level=level)
    return assessment


@transaction.atomic
def reflection_period_start(
    *,
    actor: User,
    case: Case,
    jurisdiction: str,
    starts_on: dt.date,
    length_days: int | None = None,
    informed_on: dt.date | None = None,
) -> ReflectionPeriod:
    """Start (or restate) the reflection and recovery period. `length_days` defaults to the
    jurisdiction's configured length (care/conf.py); it is required where none is configured."""
    _require_write(actor, case)
    _require_open(case)
    _choice(jurisdiction, Jurisdiction, "unknown jurisdiction")
    configured = conf.reflection_period_days(jurisdiction)
    length = length_days if length_days is not None else configured
    if length is None:
        raise ValueError("type the length of the period (none is configured for this jurisdiction)")
    if not 1 <= length <= 730:
        raise ValueError("the length must be between 1 and 730 days")
    if configured is not None and length < configured:
        raise ValueError("the period cannot be shorter than the law's minimum")
    period = ReflectionPeriod(
        case=case,
        jurisdiction=jurisdiction,
        starts_on=starts_on,
        length_days=length,
        ends_on=starts_on + dt.timedelta(days=length),
        informed_on=informed_on,
        recorded_by=actor,
    )
    period.save(force_insert=True)
    audit_record(
        actor=actor,
        action="care.reflection_period",
        target=case,
        details={
            "period": str(period.pk),
            "jurisdiction": jurisdiction,
            "length_days": length,
            "ends_on": period.ends_on.isoformat(),
        },
    )
    return period


@transaction.atomic
def proceeding_record(*, actor: User, case: Case, kind: str, on: dt.date, notes: str = "") -> Proceeding:
    """Add an entry to the proceedings log (complaint, hearing, protection measure, compensation…)."""
    _require_write(actor, case)
    _require_open(case)
    _choice(kind, ProceedingKind, "unknown proceeding")
    entry = Proceeding(case=case, kind=kind, on=on, recorded_by=actor)
    seal(entry, "notes", _text(notes), case.person.data_key)
    entry.save(force_insert=True)
    audit_record(
        actor=actor,
        action="care.proceeding",
        target=case,
        details={"entry": str(entry.pk), "kind": kind, "on": on.isoformat()},
    )
    return entry


# --- Needs, goals, services ---------------------------------------------------------------------------


@transaction.atomic
def need_assess(
    *, actor: User, case: Case, domain: str, level: str, assessed_on: dt.date, notes: str = ""
) -> NeedAssessment:
    """Record the need in one domain on a date; the newest per domain is the current one."""
    _require_write(actor, case)
    _require_open(case)
    _choice(domain, Domain, "unknown domain")
    _choice(level, NeedLevel, "unknown need level")
    if assessed_on > _today(case):
        raise ValueError("the assessment date cannot be in the future")
    need = NeedAssessment(case=case, domain=domain, level=level, assessed_on=assessed_on, assessed_by=actor)
    seal(need, "notes", _text(notes), case.person.data_key)
    need.save(force_insert=True)
    audit_record(
        actor=actor, action="care.need", target=case, details={"need": str(need.pk), "domain": domain, "level": level}
    )
    return need


@transaction.atomic
def goal_add(
    *,
    actor: User,
    case: Case,
    domain: str,
    description: str,
    target_on: dt.date | None = None,
    training: Training | None = None,
) -> Goal:
    """Add a care-plan goal in `domain` (wording sealed). An empowerment goal may name a training of
    the organisation. Raises ValueError for empty wording or a training of another organisation."""
    _require_write(actor, case)
    _require_open(case)
    _choice(domain, Domain, "unknown domain")
    description = _text(description)
    if not description:
        raise ValueError("describe the goal")
    if training is not None and training.organisation_id != case.organisation_id:
        raise ValueError("unknown training")
    goal = Goal(case=case, domain=domain, target_on=target_on, training=training, created_by=actor)
    seal(goal, "description", description, case.person.data_key)
    goal.save(force_insert=True)
    audit_record(
        actor=actor,
        action="care.goal_add",
        target=case,
        details={
            "goal": str(goal.pk),
            "domain": domain,
            "training": str(training.pk) if training else None,
        },
    )
    return goal


def _set_status(actor: User, obj: Any, status: str, choices: Any, expected_status: str | None, kind: str) -> Any:
    """The one status write of goals and services: checks, row lock, optimistic check against the
    status the actor's page showed (ConflictError), save, audit `care.<kind>_status`."""
    case = obj.case
    _require_write(actor, case)
    _require_open(case)
    _choice(status, choices, f"unknown {kind} status")
    obj = type(obj).objects.select_for_update().select_related("case").get(pk=obj.pk)
    if expected_status and obj.status != expected_status:
        raise ConflictError(f"the {kind} was changed by someone else; reload and try again")
    previous, obj.status = obj.status, status
    obj.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=f"care.{kind}_status",
        target=case,
        details={kind: str(obj.pk), "from": previous, "to": status},
    )
    return obj


@transaction.atomic
def goal_set_status(*, actor: User, goal: Goal, status: str, expected_status: str | None = None) -> Goal:
    """Change a goal's status. `expected_status` is the status the actor's page showed: if someone
    changed it since, ConflictError and nothing changes (optimistic locking, never a silent overwrite)."""
    return _set_status(actor, goal, status, GoalStatus, expected_status, "goal")  # type: ignore[no-any-return]


@transaction.atomic
def service_record(
    *,
    actor: User,
    case: Case,
    service_type: str,
    domain: str,
    starts_on: dt.date,
    in_house: bool = True,
    provider: str = "",
    ends_on: dt.date | None = None,
    status: str = ServiceStatus.ARRANGED,
    notes: str = "",
) -> Service:
    """Log a service delivered or arranged (type, provider inside the organisation or another, dates,
    status). A provider outside the organisation must be named."""
    _require_write(actor, case)
    _require_open(case)
    _choice(service_type, ServiceType, "unknown service")
    _choice(domain, Domain, "unknown domain")
    _choice(status, ServiceStatus, "unknown service status")
    provider = provider.strip()
    if not in_house and not provider:
        raise ValueError("name the provider")
    if ends_on is not None and ends_on < starts_on:
        raise ValueError("the end date is before the start date")
    service = Service(
        case=case,
        service_type=service_type,
        domain=domain,
        in_house=in_house,
        provider=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        recorded_by=actor,
    )
    seal(service, "notes", _text(notes), case.person.data_key)
    service.save(force_insert=True)
    audit_record(
        actor=actor,
        action="care.service",
        target=case,
        details={
            "service": str(service.pk),
            "type": service_type,
            "status": status,
            "in_house": in_house,
        },
    )
    return service


@transaction.atomic
def service_set_status(*, actor: User, service: Service, status: str, expected_status: str | None = None) -> Service:
    """Change a service's status; `expected_status` as in goal_set_status (ConflictError)."""
    return _set_status(actor, service, status, ServiceStatus, expected_status, "service")  # type: ignore[no-any-return]


# --- Follow-ups ---------------------------------------------------------------------------------------


@transaction.atomic
def followup_schedule(
    *, actor: User, case: Case, kind: str, due_on: dt.date, assigned_to: User | None = None, notes: str = ""
) -> FollowUp:
    """Schedule a follow-up (visit, call, accompaniment). Assigned to the case's worker by default;
    the assignee must be a case worker or supervisor of the organisation."""
    _require_write(actor, case)
    _require_open(case)
    _choice(kind, FollowUpKind, "unknown follow-up")
    assignee = assigned_to or case.assigned_to or actor
    if assignee.pk == actor.pk:
        assignee = actor  # her own follow-up (the usual case): her membership is already loaded
    if assignee.organisation != case.organisation or not assignee.capabilities.write_cases:
        raise ValueError("the assignee must be a case worker or supervisor of this organisation")
    follow_up = FollowUp(case=case, kind=kind, due_on=due_on, assigned_to=assignee, created_by=actor)
    seal(follow_up, "notes", _text(notes), case.person.data_key)
    follow_up.save(force_insert=True)
    audit_record(
        actor=actor,
        action="care.followup_schedule",
        target=case,
        details={
            "follow_up": str(follow_up.pk),
            "kind": kind,
            "due_on": due_on.isoformat(),
            "assigned_to": assignee.pk,
        },
    )
    return follow_up


def _require_to_do(follow_up: FollowUp) -> None:
    """StateError unless the follow-up (locked, fresh) is still to do: neither done nor cancelled."""
    if follow_up.done_on is not None:
        raise StateError("this follow-up is already done")
    if follow_up.cancelled_on is not None:
        raise StateError("this follow-up was cancelled")


@transaction.atomic
def followup_complete(
    *,
    actor: User,
    follow_up: FollowUp,
    done_on: dt.date,
    notes: str = "",
    next_due_on: dt.date | None = None,
    next_kind: str | None = None,
) -> FollowUp | None:
    """Mark a follow-up done (notes sealed, replacing the plan's notes when given); optionally schedule
    the next one. Returns the next follow-up or None. Raises StateError if already done."""
    case = follow_up.case
    _require_write(actor, case)
    _require_open(case)
    follow_up = FollowUp.objects.select_for_update().select_related("case__person__data_key").get(pk=follow_up.pk)
    _require_to_do(follow_up)
    if done_on > _today(case):
        raise ValueError("the date cannot be in the future")
    follow_up.done_on = done_on
    fields = ["done_on", "updated_at"]
    if notes.strip():
        seal(follow_up, "notes", _text(notes), case.person.data_key)
        fields.append("notes")
    follow_up.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="care.followup_done",
        target=case,
        details={"follow_up": str(follow_up.pk), "done_on": done_on.isoformat()},
    )
    if next_due_on is None:
        return None
    return followup_schedule(
        actor=actor, case=case, kind=next_kind or follow_up.kind, due_on=next_due_on, assigned_to=follow_up.assigned_to
    )


@transaction.atomic
def followup_cancel(*, actor: User, follow_up: FollowUp, reason: str) -> FollowUp:
    """Cancel a follow-up still to do (scheduled by mistake, no longer needed, replaced): it leaves the
    lists of follow-ups to do and overdue, and stays on the plan's history with its reason and date
    (audited as `care.followup_cancel`, codes only). `reason`: a FollowUpCancelReason value (ValueError
    otherwise). Raises StateError if it is done or cancelled already, or the case is closed."""
    case = follow_up.case
    _require_write(actor, case)
    _require_open(case)
    _choice(reason, FollowUpCancelReason, "unknown reason for cancelling")
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    _require_to_do(follow_up)
    follow_up.cancelled_on, follow_up.cancel_reason = _today(case), reason
    follow_up.save(update_fields=["cancelled_on", "cancel_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="care.followup_cancel",
        target=case,
        details={"follow_up": str(follow_up.pk), "reason": reason},
    )
    return follow_up


# --- Approvals and closure ----------------------------------------------------------------------------


def _request(actor: User, case: Case, kind: str, comment: str, closure_reason: str = "") -> Approval:
    if Approval.objects.select_for_update().filter(case=case, kind=kind, status=ApprovalStatus.PENDING).exists():
        raise StateError("a request is already waiting for the supervisor")
    approval = Approval(case=case, kind=kind, closure_reason=closure_reason, requested_by=actor)
    seal(approval, "comment", _text(comment), case.person.data_key)
    approval.save(force_insert=True)
    return approval


@transaction.atomic
def care_plan_submit(*, actor: User, case: Case, comment: str = "") -> Approval:
    """Ask the supervisor to approve the care plan (its goals as they stand). Needs at least one goal."""
    _require_write(actor, case)
    _require_open(case)
    goals = case.goals.exclude(status=GoalStatus.DROPPED).count()
    if not goals:
        raise StateError("the care plan has no goal yet")
    approval = _request(actor, case, ApprovalKind.CARE_PLAN, comment)
    audit_record(
        actor=actor, action="care.plan_submit", target=case, details={"approval": str(approval.pk), "goals": goals}
    )
    return approval


@transaction.atomic
def closure_request(*, actor: User, case: Case, reason: str, comment: str = "") -> Approval:
    """Ask the supervisor to approve closing the case for `reason` (a ClosureReason)."""
    _require_write(actor, case)
    _require_open(case)
    _choice(reason, ClosureReason, "unknown closure reason")
    approval = _request(actor, case, ApprovalKind.CLOSURE, comment, closure_reason=reason)
    audit_record(
        actor=actor,
        action="care.closure_request",
        target=case,
        details={"approval": str(approval.pk), "reason": reason},
    )
    return approval


def _require_supervisor(actor: User, approval: Approval) -> None:
    """Only a supervisor of the case's organisation decides, and never on her own request (four
    eyes); the case must have been fetched through her scope (team) by the caller."""
    if actor.role != Role.SUPERVISOR or actor.organisation != approval.case.organisation:
        raise PermissionDeniedError("only a supervisor may approve")
    if approval.requested_by_id == actor.pk:
        raise PermissionDeniedError("a request must be approved by someone else")


def _decide(actor: User, approval: Approval, status: str, comment: str) -> Approval:
    approval = Approval.objects.select_for_update().select_related("case__person__data_key").get(pk=approval.pk)
    _require_supervisor(actor, approval)
    if approval.status != ApprovalStatus.PENDING:
        raise StateError("this request was already decided")
    approval.status, approval.decided_by, approval.decided_at = status, actor, timezone.now()
    fields = ["status", "decided_by", "decided_at", "updated_at"]
    if comment.strip():
        seal(approval, "comment", _text(comment), approval.case.person.data_key)
        fields.append("comment")
    approval.save(update_fields=fields)
    return approval


@transaction.atomic
def approval_approve(*, actor: User, approval: Approval, comment: str = "") -> Approval:
    """Approve a pending request. For a closure this closes the case through `cases.services.case_close`
    (its own `case.close` event). Raises PermissionDeniedError, StateError."""
    _require_open(approval.case)
    approval = _decide(actor, approval, ApprovalStatus.APPROVED, comment)
    audit_record(
        actor=actor,
        action=f"care.{approval.kind}_approve",
        target=approval.case,
        details={"approval": str(approval.pk)},
    )
    if approval.kind == ApprovalKind.CLOSURE:
        case_close(actor=actor, case=approval.case, reason=approval.closure_reason)
    return approval


@transaction.atomic
def approval_reject(*, actor: User, approval: Approval, comment: str = "") -> Approval:
    """Send a pending request back (with a comment, sealed)."""
    approval = _decide(actor, approval, ApprovalStatus.REJECTED, comment)
    audit_record(
        actor=actor, action=f"care.{approval.kind}_reject", target=approval.case, details={"approval": str(approval.pk)}
    )
    return approval


def closure_approve(*, actor: User, approval: Approval, comment: str = "") -> Approval:
    """Approve a closure request and close the case (see approval_approve)."""
    if approval.kind != ApprovalKind.CLOSURE:
        raise ValueError("not a closure request")
    return approval_approve(actor=actor, approval=approval, comment=comment)


# --- Trainings and attendance -------------------------------------------------------------------------


@transaction.atomic
def training_create(
    *, actor: User, kind: str, topic: str, organiser: str, starts_on: dt.date, ends_on: dt.date | None = None
) -> Training:
    """Create a training or workshop of the actor's organisation (no personal data: topic, organiser)."""
    if not actor.capabilities.write_cases or actor.organisation is None:
        raise PermissionDeniedError("this role may not change cases")
    _choice(kind, Training.Kind, "unknown training kind")
    topic, organiser = topic.strip(), organiser.strip()
    if not topic or not organiser:
        raise ValueError("give the topic and the organiser")
    ends_on = ends_on or starts_on
    if ends_on < starts_on:
        raise ValueError("the end date is before the start date")
    training = Training(
        organisation=actor.organisation,
        kind=kind,
        topic=topic[:200],
        organiser=organiser[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    training.save(force_insert=True)
    audit_record(
        actor=actor,
        action="care.training_create",
        target=training,
        organisation=actor.organisation,
        details={"kind": kind},
    )
    return training


@transaction.atomic
def attendance_record(
    *, actor: User, case: Case, training: Training, attended: bool = True, completed: bool = False
) -> Attendance:
    """Record (or correct) the person's attendance at a training of the same organisation."""
    _require_write(actor, case)
    _require_open(case)
    if training.organisation_id != case.organisation_id:
        raise ValueError("unknown training")
    attendance, created = Attendance.objects.select_for_update().get_or_create(
        training=training,
        case=case,
        defaults={"attended": attended, "completed": completed and attended, "recorded_by": actor},
    )
    if not created:
        attendance.attended, attendance.completed = attended, completed and attended
        attendance.recorded_by = actor
        attendance.save(update_fields=["attended", "completed", "recorded_by", "updated_at"])
    audit_record(
        actor=actor,
        action="care.attendance",
        target=case,
        details={
            "training": str(training.pk),
            "attended": attended,
            "completed": attendance.completed,
        },
    )
    return attendance
