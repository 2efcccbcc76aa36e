"""Reads of cases, scoped to the user (own / team / organisation by role). A case the user may not see
is a 404: a stranger cannot learn that it exists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from jisr.accounts.models import User
from jisr.accounts.roles import Scope
from jisr.audit.models import AuditEvent
from jisr.audit.services import audit_record
from jisr.cases.models import Case, CaseNote
from jisr.crypto.envelope import DecryptionError
from jisr.crypto.services import data_key_material


def case_scope_q(user: User, prefix: str = "") -> Q | None:
    """The Q filter of cases `user` may see (fields prefixed with `prefix`, e.g. "cases__"), or None
    when the user may see no case at all: the role's scope, plus (hook) the cases a partner focal point
    opened from referrals her organisation received (`referrals.selectors.referral_case_q`)."""
    from jisr.referrals.selectors import referral_case_q  # local: referrals imports this module

    role_q = _role_scope_q(user, prefix)
    referred_q = referral_case_q(user, prefix) if user.is_authenticated else None
    if role_q is None or referred_q is None:
        return role_q if referred_q is None else referred_q
    return role_q | referred_q


def _role_scope_q(user: User, prefix: str) -> Q | None:
    caps = user.capabilities
    org = user.organisation
    if org is None or caps.case_scope == Scope.NONE or not user.is_authenticated:
        return None
    own = Q(**{f"{prefix}assigned_to": user})
    in_org = Q(**{f"{prefix}organisation": org})
    if caps.case_scope == Scope.OWN:
        return in_org & own
    if caps.case_scope == Scope.TEAM:
        team = user.membership.team
        return in_org & (own | Q(**{f"{prefix}team": team})) if team else in_org & own
    return in_org


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case `user` may read, with person and assignee loaded."""
    q = case_scope_q(user)
    if q is None:
        return Case.objects.none()
    return Case.objects.filter(q).select_related("person", "person__data_key", "assigned_to", "team", "organisation")


def case_get_for_user(user: User, case_id: UUID | str, *, log_read: bool = True) -> Case:
    """The case if `user` may read it, else Http404. Logs a `case.view` audit event (every read of a
    case record is audited); pass `log_read=False` only when the caller logs a more specific event."""
    try:
        case = cases_visible_to(user).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    if log_read:
        audit_record(actor=user, action="case.view", target=case)
    return case


TIMELINE_HIDDEN_ACTIONS = {"case.view", "person.view"}


def case_timeline(case: Case) -> QuerySet[AuditEvent]:
    """Everything that happened on the case and to its person, newest first (reads excluded).

    The referrals of the case — sent from it, or the one it was opened from — are part of it: their
    transitions (sent, received, accepted, declined, withdrawn, completed…), through the hook
    `referrals.selectors.referral_timeline_q` (one query for the case's referral ids).

    A person registered from a referral (`referrals.services.referral_open_case`) has two events: the
    registration `survivors` writes as an import (`person.register`, no actor, details {referral}) and
    `referral.register_person` {referral} by the focal point who opened the case; the timeline shows
    the second only."""
    from jisr.referrals.selectors import referral_timeline_q  # local: referrals imports this module

    where = Q(target_type="cases.case", target_id=str(case.pk)) | Q(
        target_type="survivors.person", target_id=str(case.person_id)
    )
    referred = referral_timeline_q(case)
    return (
        AuditEvent.objects.filter(where if referred is None else where | referred)
        .exclude(action__in=TIMELINE_HIDDEN_ACTIONS)
        .exclude(action="person.register", details__has_key="referral")
        .select_related("actor")
        .order_by("-at", "-seq")  # seq: a stable order between events of the same instant, page to page
    )


@dataclass(frozen=True)
class NoteView:
    """A note as `user` may see it: `text` is None when her role may not read note texts
    (coordinators see that a note exists, by whom and when), `unreadable` when it cannot be decrypted
    (the person was erased, or the row was tampered with), `erased` (with `unreadable`) when that is
    because the person's identity was erased: the note went with it, for every reader."""

    note: CaseNote
    text: str | None
    unreadable: bool = False
    erased: bool = False


def case_notes_for_user(user: User, case: Case, notes: Iterable[CaseNote] | None = None) -> list[NoteView]:
    """The notes of `case` (fetched through case_get_for_user), newest first. Texts are decrypted only
    for roles that work the case (case workers and supervisors), as for care plans' sealed text.

    `notes`: the rows to show, a slice or page of `case_notes(case)` (the case page shows the newest,
    the notes page one page at a time); every note of the case when None. A row of another case is
    refused (ValueError). The person's data key is unwrapped once for all of them."""
    from jisr.cases.services import case_note_text  # services import this module

    readable = user.capabilities.write_cases and user.organisation == case.organisation
    erased = case.person.is_erased
    material: bytes | None = None
    views = []
    for note in case_notes(case) if notes is None else notes:
        if note.case_id != case.pk:
            raise ValueError("a note of another case")
        note.case = case  # fetched with its person and data key: no join per note
        if erased:
            views.append(NoteView(note, None, unreadable=True, erased=True))
            continue
        if not readable:
            views.append(NoteView(note, None))
            continue
        try:
            if material is None:
                material = data_key_material(case.person.data_key)
            views.append(NoteView(note, case_note_text(note, material)))
        except DecryptionError:
            views.append(NoteView(note, None, unreadable=True))
    return views


def case_notes(case: Case) -> QuerySet[CaseNote]:
    """The notes of `case`, newest first, with their authors (texts still sealed)."""
    return case.notes.select_related("author").order_by("-created_at", "-pk")
