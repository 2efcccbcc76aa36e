"""Reads of persons, scoped to the user, and duplicate suggestions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jisr.accounts.models import Organisation, User
from jisr.accounts.roles import Scope
from jisr.audit.models import AuditEvent
from jisr.audit.services import audit_record
from jisr.cases.models import Case
from jisr.cases.selectors import case_scope_q
from jisr.common.dates import age_on
from jisr.common.errors import PermissionDeniedError, RateLimitedError
from jisr.crypto.envelope import DecryptionError
from jisr.crypto.normalise import normalise_document
from jisr.survivors.identity import Identity, mask
from jisr.survivors.indexing import (
    NamePartMemo,
    duplicate_terms,
    hash_terms,
    identity_index_terms,
    name_matches,
    search_terms,
)
from jisr.survivors.models import IndexKind, Person, PersonIndex
from jisr.survivors.services import person_identity


def persons_visible_to(user: User) -> QuerySet[Person]:
    """Persons `user` may read: those with a case in the user's scope, plus people with *no case yet*
    whom the user (or, for a supervisor, her team) registered. Once a person has a case, only the case
    decides: when it is reassigned, the former case worker loses sight of her. Coordinators see the
    organisation."""
    case_q = case_scope_q(user)
    if case_q is None:
        return Person.objects.none()
    org = user.organisation
    caps = user.capabilities
    if caps.case_scope == Scope.ORGANISATION:
        q = Q(organisation=org)
    else:
        registered = Q(registered_by=user)
        if caps.case_scope == Scope.TEAM and user.membership.team_id:
            registered |= Q(registered_by__membership__team=user.membership.team_id)
        # One IN over a UNION ALL of two index-driven lists: not an OR across a person ⋈ case join,
        # which scanned every person of the instance (~170 ms at 100,000 people on SQLite), nor an OR
        # of two IN lists, which PostgreSQL also answers by reading every person (~60 ms).
        in_scope = Case.objects.filter(case_q).order_by().values("person_id")
        unopened = Person.objects.filter(Q(organisation=org, has_case=False) & registered).order_by().values("pk")
        q = Q(pk__in=in_scope.union(unopened, all=True))
    return Person.objects.filter(q).select_related("data_key", "organisation")


def person_get_for_user(user: User, person_id: UUID | str, *, log_read: bool = True) -> Person:
    """The person if `user` may read her, else Http404. Logs `person.view`."""
    try:
        person = persons_visible_to(user).get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    if log_read:
        audit_record(actor=user, action="person.view", target=person)
    return person


@dataclass(frozen=True)
class DisplayIdentity:
    """What a user is shown of a person: in clear, masked, or nothing (erased)."""

    name: str
    latin_name: str
    date_of_birth: str
    phone: str
    documents: str
    masked: bool
    erased: bool
    age: int | None


def identity_for_display(user: User, person: Person, identity: Identity | None = None) -> DisplayIdentity:
    """The identity in clear for a role that works with it (case worker), masked otherwise
    (supervisor, coordinator: reveal is a separate audited action). `identity`: hers, already decrypted
    by the caller (a search confirming its matches); decrypted here when None."""
    if person.is_erased:
        return DisplayIdentity("", "", "", "", "", masked=False, erased=True, age=person.age_on(timezone.localdate()))
    identity = identity if identity is not None else person_identity(person)
    age = person.age_on(timezone.localdate(), identity.date_of_birth)
    name = f"{identity.given_name} {identity.family_name}".strip()
    latin = f"{identity.given_name_latin} {identity.family_name_latin}".strip()
    dob = identity.date_of_birth.isoformat() if identity.date_of_birth else ""
    docs = ", ".join(f"{d.kind} {d.number}" for d in identity.documents)
    if user.capabilities.identity_in_clear:
        return DisplayIdentity(name, latin, dob, identity.phone, docs, masked=False, erased=False, age=age)
    hidden = "••••"
    return DisplayIdentity(
        mask(name),
        mask(latin),
        hidden if dob else "",
        hidden if identity.phone else "",
        hidden if docs else "",
        masked=True,
        erased=False,
        age=age,
    )


def identities_for_list(user: User, persons: list[Person]) -> list[DisplayIdentity | None]:
    """`identity_for_display` for each person of a list page (None where a value cannot be read),
    with one `person.list_view` audit event naming the persons shown — a list that shows names is a
    read of each of them. Nothing is logged for an empty page."""
    shown: list[DisplayIdentity | None] = []
    for person in persons:
        try:
            shown.append(identity_for_display(user, person))
        except DecryptionError:
            shown.append(None)
    if persons:
        audit_record(actor=user, action="person.list_view", details={"persons": [str(p.pk) for p in persons]})
    return shown


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: int  # 0–100
    reasons: tuple[str, ...]  # codes: same_document, same_phone, same_name, similar_name, same_birth_date, similar_age


@dataclass
class DuplicateReport:
    candidates: list[Candidate] = field(default_factory=list)
    # True when a possible match exists in the user's own organisation that she may not see (another
    # team's record, which her coordinator can see and resolve): reported with no detail at all —
    # "possible match, contact the coordinator". Never set by another organisation's records: they are
    # not searched (see duplicate_suggestions).
    hidden_match: bool = False


_WEIGHTS = {
    "same_document": 60,
    "same_phone": 40,
    "same_name": 50,
    "similar_name": 30,
    "same_birth_date": 20,
    "similar_age": 10,
}


def duplicate_suggestions(
    user: User, organisation: Organisation, identity: Identity, estimated_age: int | None = None, limit: int = 10
) -> DuplicateReport:
    """People of `organisation` (the user's own) who may be the one being registered, for a person to
    confirm — never merged.

    Candidates come from blind-index equality on names (exact normalised, and the coarse
    transliteration key), phone and document numbers, among the persons of the user's organisation
    only; each candidate is decrypted and compared in clear (truncated indexes collide on purpose),
    scored 0–100 with its reasons. A candidate the user may not read (another team's) is not shown: it
    only sets `hidden_match`, which her coordinator, who sees the whole organisation, can resolve.

    Other organisations on the instance are not searched at all — their records are neither shown nor
    hinted at, nor even decrypted. Each organisation is a separate data controller: telling a case
    worker "a match exists in a record you cannot see" for another organisation's record let anyone
    with a case-worker account test whether a named woman is known to another organisation, and no one
    here could have resolved it. A person known on both sides reaches the other organisation through a
    referral (with her consent), not through this check.

    The search is audited as `person.duplicate_check` in the organisation's own chain, the one its
    auditor reads: which kinds of index were searched, the persons shown and — for the auditor — those
    of the organisation matched but hidden from the user; never the query. Nothing about another
    organisation's persons is recorded, in this chain or in theirs: their ids here would tell this
    organisation's auditor what the check must not tell its case workers, and an event in their chain
    would tell them that someone here registered a person resembling one of theirs.

    At most DUPLICATE_CHECKS_PER_WINDOW checks per user per 10 minutes (RateLimitedError): the check
    must not become a way to probe, name after name, whom the organisation's other teams know.
    Raises PermissionDeniedError when `organisation` is not the user's own.
    """
    if user.organisation is None or user.organisation.pk != organisation.pk:
        raise PermissionDeniedError("a duplicate check searches only the user's own organisation")
    values = hash_terms(duplicate_terms(identity))
    if not values:
        return DuplicateReport()
    _rate_limit(user)
    q = Q()
    for kind, value in values:
        q |= Q(kind=kind, value=value)
    # Scoped in the index query itself: another organisation's index entries can neither push this
    # organisation's candidates past the 500 read, nor get its persons decrypted.
    candidate_ids = set(
        PersonIndex.objects.filter(q, person__organisation=organisation).values_list("person_id", flat=True)[:500]
    )
    visible = set(persons_visible_to(user).filter(pk__in=candidate_ids).values_list("pk", flat=True))
    report = DuplicateReport()
    hidden: list[str] = []
    today = timezone.localdate()
    memo: NamePartMemo = {}  # the new identity's name parts, and the candidates' shared ones, worked out once
    candidates = Person.objects.filter(pk__in=candidate_ids, organisation=organisation, erased_at__isnull=True)
    for person in candidates.select_related("data_key"):
        try:
            other = person_identity(person)
        except DecryptionError:
            continue
        reasons = _match_reasons(identity, estimated_age, other, person, today, memo)
        if not reasons:
            continue  # an index collision, not a match
        if person.pk in visible:
            score = min(100, sum(_WEIGHTS[r] for r in reasons))
            report.candidates.append(Candidate(person, score, tuple(reasons)))
        else:
            report.hidden_match = True
            hidden.append(str(person.pk))
    report.candidates.sort(key=lambda c: -c.score)
    report.candidates = report.candidates[:limit]
    audit_record(
        actor=user,
        action="person.duplicate_check",
        organisation=organisation,
        details={
            "kinds": sorted({kind for kind, _ in values}),
            "shown": [str(c.person.pk) for c in report.candidates],
            "hidden": sorted(hidden),
        },
    )
    return report


@dataclass(frozen=True)
class SearchHit:
    person: Person
    exact: bool  # the typed name, spelling normalised; False: only a similar spelling or script
    identity: Identity | None = None  # decrypted to confirm the match: shown without decrypting again


_EXACT_KINDS = {IndexKind.NAME, IndexKind.NAME_PART}
_CANDIDATE_LIST_MAX = 500


def identities_for_hits(user: User, hits: list[SearchHit]) -> list[DisplayIdentity | None]:
    """`identity_for_display` for each hit of `person_search`, from the identity it decrypted; no
    audit event of its own: the search's `person.search` event names the persons it found."""
    return [identity_for_display(user, h.person, h.identity) for h in hits]


def person_search(user: User, text: str, limit: int = 25) -> list[SearchHit]:
    """People `user` may read whose given name, family name or full name is `text` (any script,
    spelling normalised), or sounds like it across spellings and scripts; exact matches first.

    Found through the blind indexes — no plaintext is searched — then confirmed on the decrypted
    identity (truncated indexes collide on purpose). Audited as `person.search` with the persons
    found, never the query; rate-limited like duplicate checks. Raises RateLimitedError."""
    terms = search_terms(text)
    if not terms:
        return []
    _rate_limit(user, "person.search")
    q = Q()
    for kind, value in hash_terms(terms):
        q |= Q(kind=kind, value=value)
    # A full name has a few hundred candidates in 100,000 people (truncated indexes collide on purpose):
    # given as a list, PostgreSQL checks those against the scope instead of reading the whole scope's
    # rows to meet them (bench/load: 10 -> 6 ms). A single common name part can have thousands: then
    # the subquery, which is faster for them.
    candidates: Any = list(
        PersonIndex.objects.filter(q).values_list("person_id", flat=True).distinct()[: _CANDIDATE_LIST_MAX + 1]
    )
    if len(candidates) > _CANDIDATE_LIST_MAX:
        candidates = PersonIndex.objects.filter(q).values("person_id")
    hits = []
    memo: NamePartMemo = {}  # this search's candidates share name parts: each worked out once
    for person in persons_visible_to(user).filter(pk__in=candidates, erased_at__isnull=True)[:500]:
        try:
            identity = person_identity(person)
        except DecryptionError:
            continue
        found = identity_index_terms(identity, memo) & terms
        if found:
            hits.append(SearchHit(person, exact=any(kind in _EXACT_KINDS for kind, _ in found), identity=identity))
    hits.sort(key=lambda h: (not h.exact, h.person.code))
    hits = hits[:limit]
    audit_record(actor=user, action="person.search", details={"found": [str(h.person.pk) for h in hits]})
    return hits


DUPLICATE_CHECKS_PER_WINDOW = 60
_WINDOW = dt.timedelta(minutes=10)


def _rate_limit(user: User, action: str = "person.duplicate_check") -> None:
    since = (dt.datetime.now(dt.UTC) - _WINDOW).isoformat(timespec="microseconds")
    recent = AuditEvent.objects.filter(actor=user, action=action, at__gte=since).count()
    if recent >= DUPLICATE_CHECKS_PER_WINDOW:
        raise RateLimitedError("too many searches in a short time; wait a few minutes")


def _match_reasons(
    new: Identity, new_age: int | None, other: Identity, person: Person, today: dt.date, memo: NamePartMemo
) -> list[str]:
    reasons = []
    new_docs = {normalise_document(d.number) for d in new.documents}
    if new_docs & {normalise_document(d.number) for d in other.documents}:
        reasons.append("same_document")
    if new.phone and new.phone == other.phone:
        reasons.append("same_phone")
    exact, key = name_matches(new, other, memo)
    if exact:
        reasons.append("same_name")
    elif key:
        reasons.append("similar_name")
    if not reasons:
        return []
    if new.date_of_birth and new.date_of_birth == other.date_of_birth:
        reasons.append("same_birth_date")
    else:
        theirs = person.age_on(today, other.date_of_birth)
        mine = age_on(today, date_of_birth=new.date_of_birth) if new.date_of_birth else new_age
        if mine is not None and theirs is not None and abs(mine - theirs) <= 3:
            reasons.append("similar_age")
    return reasons


__all__ = ["IndexKind", "duplicate_suggestions", "identity_for_display", "person_get_for_user", "persons_visible_to"]
