"""Writes on cases: open, assign, change stage or risk, add a note, close, reopen.

Each is keyword-only, atomic, and writes its audit event in the same transaction. Callers pass
objects fetched through the scoped selectors (authorise when you fetch); services check the role's
write capability on top.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jisr.accounts.models import Team, User
from jisr.audit.services import audit_record
from jisr.cases.models import Case, CaseNote, CaseStatus, ClosureReason, ExploitationType, RiskLevel, TrmStage
from jisr.common.errors import ConflictError, PermissionDeniedError, StateError
from jisr.crypto.normalise import clean_free_text
from jisr.crypto.services import seal, unseal
from jisr.survivors.models import Person


def _require_write(actor: User, case_or_person: Case | Person) -> None:
    if not actor.capabilities.write_cases or actor.organisation != case_or_person.organisation:
        raise PermissionDeniedError("this role may not change cases")


def _lock(case: Case, expected_version: int | None) -> None:
    """Lock the case row for this transaction and reload it, so decisions use the current state.

    `expected_version` is the version the actor's form showed; if someone changed the case since,
    ConflictError is raised and nothing changes (never a silent overwrite)."""
    current = Case.objects.select_for_update().values_list("version", flat=True).get(pk=case.pk)
    if expected_version is not None and expected_version != current:
        raise ConflictError("the case was changed by someone else; reload it and try again")
    case.refresh_from_db()


def _save(case: Case, fields: list[str]) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def _require_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise StateError("the case is closed; reopen it first")


@transaction.atomic
def case_open(
    *,
    actor: User,
    person: Person,
    team: Team | None = None,
    assigned_to: User | None = None,
    trm_stage: str = TrmStage.IDENTIFICATION,
) -> Case:
    """Open a case for `person` (fetched through persons_visible_to). Defaults: assigned to the actor,
    in the actor's team, at the identification stage. Raises PermissionDeniedError, StateError when
    the person was erased or already has an open case, ValueError for a team or assignee outside the
    organisation."""
    _require_write(actor, person)
    if person.is_erased:
        raise StateError("this person's identity was erased")
    if Case.objects.select_for_update().filter(person=person, status=CaseStatus.OPEN).exists():
        raise StateError("this person already has an open case")
    assignee = assigned_to or actor
    team = team or (actor.membership.team if actor.membership_or_none else None)
    _check_assignee(person.organisation, assignee, team)
    number = (Case.objects.filter(person=person).aggregate(n=Max("number"))["n"] or 0) + 1
    case = Case(
        organisation=person.organisation,
        person=person,
        number=number,
        team=team,
        assigned_to=assignee,
        trm_stage=trm_stage,
        opened_on=timezone.localdate(),
    )
    case.full_clean(exclude=["person", "organisation", "team", "assigned_to"], validate_constraints=False)
    case.save(force_insert=True)
    if not person.has_case:
        Person.objects.filter(pk=person.pk).update(has_case=True)
        person.has_case = True
    audit_record(
        actor=actor, action="case.open", target=case, details={"trm_stage": trm_stage, "assigned_to": assignee.pk}
    )
    return case


def _check_assignee(organisation: object, assignee: User, team: Team | None) -> None:
    if assignee.organisation != organisation or not assignee.capabilities.write_cases:
        raise ValueError("the assignee must be a case worker or supervisor of this organisation")
    if team is not None and team.organisation_id != getattr(organisation, "pk", None):
        raise ValueError("the team must belong to this organisation")


@transaction.atomic
def case_assign(
    *, actor: User, case: Case, assignee: User, team: Team | None = None, expected_version: int | None = None
) -> Case:
    """Assign `case` to `assignee` (and optionally move it to `team`). Supervisors and coordinators
    only. Raises PermissionDeniedError, ValueError, StateError (closed case)."""
    if not actor.capabilities.assign_cases or actor.organisation != case.organisation:
        raise PermissionDeniedError("this role may not assign cases")
    _lock(case, expected_version)
    _require_open(case)
    team = team or case.team
    _check_assignee(case.organisation, assignee, team)
    previous = case.assigned_to_id
    case.assigned_to, case.team = assignee, team
    _save(case, ["assigned_to", "team"])
    audit_record(
        actor=actor,
        action="case.assign",
        target=case,
        details={"from": previous, "to": assignee.pk, "team": str(team.pk) if team else None},
    )
    return case


@transaction.atomic
def case_set_stage(*, actor: User, case: Case, trm_stage: str, expected_version: int | None = None) -> Case:
    """Move the case to another TRM stage. Raises ValueError for an unknown stage."""
    _require_write(actor, case)
    _lock(case, expected_version)
    _require_open(case)
    if trm_stage not in TrmStage.values:
        raise ValueError("unknown TRM stage")
    previous, case.trm_stage = case.trm_stage, trm_stage
    _save(case, ["trm_stage"])
    audit_record(actor=actor, action="case.stage", target=case, details={"from": previous, "to": trm_stage})
    return case


def _source_details(source: dict[str, str] | None) -> dict[str, str]:
    """`source` checked for the audit details: text codes and ids only, never "from" or "to"."""
    if not source:
        return {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in source.items()) or {"from", "to"} & set(source):
        raise ValueError("a source is codes and ids")
    return dict(source)


@transaction.atomic
def case_set_risk(
    *, actor: User, case: Case, risk_level: str, expected_version: int | None = None,
    source: dict[str, str] | None = None,
) -> Case:
    """Record the case's current risk level (the dated assessment itself belongs to care plans).

    `source`: where a value carried from elsewhere comes from, added to the audit details (codes and
    ids only, e.g. {"source": "referral", "referral": "<uuid>"}); None for an entry made here. Audit
    `case.risk` {from, to, **source}. Raises PermissionDeniedError, ConflictError, StateError (closed
    case), ValueError (unknown level, bad source)."""
    _require_write(actor, case)
    details = _source_details(source)
    _lock(case, expected_version)
    _require_open(case)
    if risk_level not in RiskLevel.values:
        raise ValueError("unknown risk level")
    previous, case.risk_level = case.risk_level, risk_level
    _save(case, ["risk_level"])
    audit_record(actor=actor, action="case.risk", target=case,
                 details={"from": previous, "to": risk_level, **details})
    return case


@transaction.atomic
def case_set_exploitation(
    *, actor: User, case: Case, types: list[str], expected_version: int | None = None,
    source: dict[str, str] | None = None,
) -> Case:
    """Record the forms of exploitation (HTCDS `vic_TypeOfExploitation` codes; a set, order kept as
    the standard lists them). `source` as for `case_set_risk`. Audit `case.exploitation`
    {from, to, **source}. Raises ValueError for an unknown code or a bad source."""
    _require_write(actor, case)
    details = _source_details(source)
    _lock(case, expected_version)
    unknown = set(types) - set(ExploitationType.values)
    if unknown:
        raise ValueError("unknown form of exploitation")
    previous = case.exploitation_types
    case.exploitation_types = [t for t in ExploitationType.values if t in set(types)]
    _save(case, ["exploitation_types"])
    audit_record(
        actor=actor, action="case.exploitation", target=case,
        details={"from": previous, "to": case.exploitation_types, **details},
    )
    return case


@transaction.atomic
def case_note_add(*, actor: User, case: Case, body: str) -> CaseNote:
    """Add a note, encrypted under the person's data key; its text cleaned of hidden control and bidi
    characters (`crypto.normalise.clean_free_text`), lines kept. Raises ValueError for an empty note."""
    _require_write(actor, case)
    body = clean_free_text(body)
    if not body:
        raise ValueError("the note is empty")
    if len(body) > 20_000:
        raise ValueError("the note is too long (20,000 characters at most)")
    if case.person.is_erased:
        raise StateError("this person's identity was erased")
    note = CaseNote(case=case, author=actor)
    seal(note, "body", body, case.person.data_key)
    note.save(force_insert=True)
    audit_record(actor=actor, action="case.note_add", target=case, details={"note": str(note.pk)})
    return note


def case_note_text(note: CaseNote, material: bytes | None = None) -> str:
    """The decrypted note text (the case was fetched through a scoped selector). `material`: the person's
    data key already unwrapped (crypto.services.data_key_material), to read many notes with one unwrap."""
    return unseal(note, "body", note.case.person.data_key, material) or ""


@transaction.atomic
def case_close(*, actor: User, case: Case, reason: str, expected_version: int | None = None) -> Case:
    """Close `case` for `reason` (a ClosureReason). Closing is a supervisor's decision: a case worker
    asks for it (care.services.closure_request) and the supervisor's approval calls this. Raises
    PermissionDeniedError for other roles, StateError if already closed."""
    _require_write(actor, case)
    if not actor.capabilities.assign_cases:
        raise PermissionDeniedError("closure needs the supervisor's approval")
    _lock(case, expected_version)
    _require_open(case)
    if reason not in ClosureReason.values:
        raise ValueError("unknown closure reason")
    case.status, case.closed_on, case.closure_reason = CaseStatus.CLOSED, timezone.localdate(), reason
    _save(case, ["status", "closed_on", "closure_reason"])
    audit_record(actor=actor, action="case.close", target=case, details={"reason": reason})
    return case


@transaction.atomic
def case_reopen(*, actor: User, case: Case, note: str, expected_version: int | None = None) -> Case:
    """Reopen a closed case; a note saying why is required (it is stored encrypted)."""
    _require_write(actor, case)
    _lock(case, expected_version)
    if case.status != CaseStatus.CLOSED:
        raise StateError("the case is not closed")
    if Case.objects.filter(person=case.person, status=CaseStatus.OPEN).exists():
        raise StateError("this person already has an open case")
    case.status, case.closed_on, case.closure_reason = CaseStatus.OPEN, None, ""
    _save(case, ["status", "closed_on", "closure_reason"])
    audit_record(actor=actor, action="case.reopen", target=case)
    case_note_add(actor=actor, case=case, body=note)
    return case
