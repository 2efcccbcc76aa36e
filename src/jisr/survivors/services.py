"""Writes on persons: register, reveal (an audited read), erase. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from enum import Enum

from django.db import transaction
from django.utils import timezone

from jisr.accounts.models import Organisation, User
from jisr.audit.services import audit_record
from jisr.common.errors import ConflictError, PermissionDeniedError, StateError
from jisr.crypto.normalise import clean_text, mixes_lookalike_scripts
from jisr.crypto.services import data_key_create, data_key_destroy, data_key_material, seal, unseal
from jisr.survivors.identity import Identity, IdentityDocument, mentions_identity
from jisr.survivors.indexing import index_values
from jisr.survivors.models import ENCRYPTED_FIELDS, AgePrecision, CodeSequence, Person, PersonIndex, Sex

REVEALABLE_FIELDS = ("name", "date_of_birth", "phone", "documents")


MAX_ALIASES = 20
MAX_DOCUMENTS = 10
MAX_TEXT = 200
OLDEST_BIRTH_YEARS = 120


IDENTITY_IN_REASON = "the reason must not contain her name, phone, document number or date of birth"


class IdentityInReasonError(ValueError):
    """A reason that would be kept in the audit trail contains the person's identity."""


MIXED_ALPHABETS = "a name mixes look-alike letters of different alphabets (Latin with Cyrillic or Greek)"


def clean_identity(identity: Identity) -> Identity:
    """The identity with every text cleaned (hidden and control characters removed, see
    crypto.normalise.clean_text) and checked: at least one name; at most 20 aliases and 10 documents;
    no field over 200 characters; no name word mixing look-alike alphabets (Latin with Cyrillic or Greek:
    `crypto.normalise.mixes_lookalike_scripts`, it would look like another person's name and dodge the
    duplicate check); a date of birth neither in the future nor more than 120 years ago.
    Raises ValueError with a user-readable reason."""
    names = {
        f: clean_text(getattr(identity, f))
        for f in ("given_name", "family_name", "given_name_latin", "family_name_latin")
    }
    aliases = tuple(a for a in (clean_text(a) for a in identity.aliases) if a)
    documents = tuple(
        IdentityDocument(kind=d.kind, number=clean_text(d.number), country=clean_text(d.country))
        for d in identity.documents
        if clean_text(d.number)
    )
    if not any(names.values()):
        raise ValueError("a given or family name is required (in Arabic or Latin script)")
    if any(mixes_lookalike_scripts(t) for t in [*names.values(), *aliases]):
        raise ValueError(MIXED_ALPHABETS)
    if len(aliases) > MAX_ALIASES or len(documents) > MAX_DOCUMENTS:
        raise ValueError("too many other names or documents (20 and 10 at most)")
    texts = [*names.values(), *aliases, *(d.number for d in documents), identity.phone]
    if any(len(t) > MAX_TEXT for t in texts):
        raise ValueError("a name or number is too long (200 characters at most)")
    today = timezone.localdate()
    if identity.date_of_birth is not None:
        if identity.date_of_birth > today:
            raise ValueError("date of birth is in the future")
        if identity.date_of_birth.year < today.year - OLDEST_BIRTH_YEARS:
            raise ValueError("date of birth is more than 120 years ago")
    return Identity(
        **names, aliases=aliases, date_of_birth=identity.date_of_birth, phone=identity.phone, documents=documents
    )


def _check_languages(languages: list[str] | None) -> list[str]:
    """ISO 639 codes known to CLDR (babel), lower-case, without repeats. Raises ValueError otherwise."""
    from babel import Locale

    known = Locale("en").languages
    out: list[str] = []
    for code in languages or []:
        code = code.strip().lower()
        if code not in known:
            raise ValueError("unknown language code")
        if code not in out:
            out.append(code)
    return out


def _next_code(organisation: Organisation, year: int) -> str:
    seq, _ = CodeSequence.objects.get_or_create(organisation=organisation, year=year)
    seq = CodeSequence.objects.select_for_update().get(pk=seq.pk)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{organisation.code_prefix}-{year}-{seq.last:04d}"


def _seal_identity(person: Person, identity: Identity) -> None:
    material = data_key_material(person.data_key)
    values = {
        "given_name": identity.given_name,
        "family_name": identity.family_name,
        "given_name_latin": identity.given_name_latin,
        "family_name_latin": identity.family_name_latin,
        "aliases": json.dumps(list(identity.aliases), ensure_ascii=False) if identity.aliases else "",
        "date_of_birth": identity.date_of_birth.isoformat() if identity.date_of_birth else "",
        "phone": identity.phone,
        "documents": json.dumps([asdict(d) for d in identity.documents], ensure_ascii=False)
        if identity.documents
        else "",
    }
    for field_name, value in values.items():
        seal(person, field_name, value, person.data_key, material)


def person_identity(person: Person) -> Identity:
    """Decrypt a person's identity. Callers must have fetched `person` through a scoped selector.

    Raises DataKeyDestroyedError for an erased person, DecryptionError if a value was tampered with."""
    key = person.data_key
    material = data_key_material(key)

    def get(name: str) -> str:
        return unseal(person, name, key, material) or ""

    dob = get("date_of_birth")
    return Identity(
        given_name=get("given_name"),
        family_name=get("family_name"),
        given_name_latin=get("given_name_latin"),
        family_name_latin=get("family_name_latin"),
        aliases=tuple(json.loads(get("aliases") or "[]")),
        date_of_birth=dt.date.fromisoformat(dob) if dob else None,
        phone=get("phone"),
        documents=tuple(IdentityDocument(**d) for d in json.loads(get("documents") or "[]")),
    )


def person_reindex(person: Person, identity: Identity) -> None:
    """Replace the person's blind-index rows with those of `identity` (same transaction as the caller)."""
    PersonIndex.objects.filter(person=person).delete()
    PersonIndex.objects.bulk_create(
        [PersonIndex(person=person, kind=kind, value=value) for kind, value in sorted(index_values(identity))]
    )


@transaction.atomic
def person_register(
    *,
    actor: User | None,
    organisation: Organisation,
    identity: Identity,
    sex: str = Sex.UNKNOWN,
    nationality: str = "",
    languages: list[str] | None = None,
    estimated_age: int | None = None,
    age_estimated_on: dt.date | None = None,
    age_precision: str | None = None,
    registered_at: dt.date | None = None,
    audit_details: dict[str, str | int] | None = None,
) -> Person:
    """Register a person in `organisation` with the minimum data and return her.

    A date of birth (in `identity`) and an estimated age are mutually exclusive; an estimate needs the
    date it was made (defaults to today). Raises PermissionDeniedError when `actor` may not register
    people, ValueError on inconsistent data. Writes `person.register` to the audit chain. Duplicate
    suggestions are the caller's job *before* this call (see selectors.duplicate_suggestions).
    """
    if actor is not None and (actor.organisation != organisation or not actor.capabilities.register_persons):
        raise PermissionDeniedError("this account may not register people in this organisation")
    identity = clean_identity(identity)
    languages = _check_languages(languages)
    if identity.date_of_birth and estimated_age is not None:
        raise ValueError("give a date of birth or an estimated age, not both")
    today = registered_at or timezone.localdate()
    if identity.date_of_birth and identity.date_of_birth > today:
        raise ValueError("date of birth is in the future")
    if estimated_age is not None:
        if not 0 <= estimated_age <= 120:
            raise ValueError("estimated age must be between 0 and 120")
        age_estimated_on = age_estimated_on or today
    precision = age_precision or (AgePrecision.EXACT if identity.date_of_birth else AgePrecision.APPROXIMATE)

    person = Person(
        organisation=organisation,
        code=_next_code(organisation, today.year),
        data_key=data_key_create(),
        registered_by=actor,
        sex=sex,
        nationality=nationality,
        languages=languages or [],
        estimated_age=estimated_age,
        age_estimated_on=age_estimated_on if estimated_age is not None else None,
        age_precision=precision,
    )
    _seal_identity(person, identity)
    person.full_clean(
        exclude=["data_key", "registered_by", "organisation"], validate_constraints=False
    )  # the DB enforces them
    person.save(force_insert=True)
    person_reindex(person, identity)
    audit_record(
        actor=actor,
        action="person.register",
        organisation=organisation,
        target=person,
        details=audit_details or {},
        actor_label="" if actor else "import",
    )
    return person


def person_reveal(*, actor: User, person: Person, field: str, reason: str) -> str:
    """Return one masked field of `person` in clear, for an actor whose role may reveal, with a reason.

    `field` ∈ REVEALABLE_FIELDS. The reveal is an audit event carrying the reason (never the value).
    Raises PermissionDeniedError, ValueError (unknown field or empty reason), IdentityInReasonError
    (the reason names her, see `mentions_identity`), StateError (erased)."""
    if not actor.capabilities.reveal_identity:
        raise PermissionDeniedError("this role may not reveal masked fields")
    if field not in REVEALABLE_FIELDS:
        raise ValueError("unknown field")
    reason = reason.strip()
    if len(reason) < 5:
        raise ValueError("say why you need to see this (at least a few words)")
    if person.is_erased:
        raise StateError("this person's identity was erased")
    identity = person_identity(person)
    if mentions_identity(reason, identity):
        raise IdentityInReasonError(IDENTITY_IN_REASON)
    with transaction.atomic():
        audit_record(actor=actor, action="person.reveal", target=person, reason=reason, details={"field": field})
    if field == "name":
        return " / ".join(f"{g} {f}".strip() for g, f in identity.name_variants())
    if field == "date_of_birth":
        return identity.date_of_birth.isoformat() if identity.date_of_birth else ""
    if field == "phone":
        return identity.phone
    return ", ".join(f"{d.kind} {d.number}" for d in identity.documents)


def may_erase(user: User, person: Person) -> bool:
    """Whether `user` may erase `person`: a supervisor or coordinator of her organisation (the roles
    that reveal identities or assign cases). The screen asks this to offer the action at all."""
    caps = user.capabilities
    return user.organisation == person.organisation and (caps.reveal_identity or caps.assign_cases)


@transaction.atomic
def person_erase(*, actor: User, person: Person, reason: str) -> Person:
    """Erase a person's identity by destroying her data key (crypto-shredding) and her blind indexes.

    Afterwards nothing of her identity can be decrypted, history and note rows included. The code,
    cases and audit trail remain (they hold no identity). Only supervisors and coordinators of her
    organisation may erase. Raises PermissionDeniedError, StateError if already erased (also when
    someone else erased her a moment ago: the row is locked and read again), ValueError for a reason
    of fewer than 5 characters, IdentityInReasonError for a reason that names her (the reason stays in
    the append-only audit trail after her identity is gone). Requests still waiting for a supervisor on
    her cases (closure, care plan) are withdrawn in the same transaction (`_withdraw_pending_requests`), and
    so are her referrals not yet accepted and the envelopes still queued with her data; when she came
    through a referral, what it shared about her is wiped here too, and our replies still queued for its
    partner lose their notes (`jisr.referrals.services.on_person_erased`)."""
    if not may_erase(actor, person):
        raise PermissionDeniedError("this role may not erase a person")
    locked = Person.objects.select_for_update().only("erased_at").get(pk=person.pk)
    if person.is_erased or locked.is_erased:
        raise StateError("already erased")
    if len(reason.strip()) < 5:
        raise ValueError("say why (at least a few words)")
    if mentions_identity(reason, person_identity(person)):
        raise IdentityInReasonError(IDENTITY_IN_REASON)
    _withdraw_pending_requests(actor, person)
    # Nothing of hers leaves once she is erased: her queued envelopes go, her referrals not yet accepted
    # are withdrawn (a partner is told, without a note), and the package of a referral she came through is
    # wiped. Before her key goes: the notices are sealed with it.
    from jisr.referrals.services import on_person_erased

    on_person_erased(actor=actor, person=person, reason=WITHDRAWN_BY_ERASURE)
    data_key_destroy(person.data_key)
    PersonIndex.objects.filter(person=person).delete()
    person.erased_at = timezone.now()
    person.save(update_fields=["erased_at", "updated_at"])
    audit_record(actor=actor, action="person.erase", target=person, reason=reason.strip())
    return person


#: The reason kept in the audit trail when erasure withdraws a request: fixed, so it names no one.
WITHDRAWN_BY_ERASURE = "withdrawn: the person's identity was erased"


def _withdraw_pending_requests(actor: User, person: Person) -> None:
    """Resolve every request still waiting for a supervisor on her cases (closure, care plan), inside
    `person_erase`'s transaction.

    Nothing new can be decided about an erased person — the care page offers no decision form and the
    request's sealed comment can no longer be read — so a pending request would otherwise wait forever
    (on the case and on the supervisors' dashboard). It is closed undecided (`withdrawn`, not "sent back":
    nobody decided it; `decided_by`/`decided_at` say who erased her and when) and audited as
    `care.<kind>_withdraw` on the case, with a fixed reason that names no one. The case itself stays as it
    was (open or closed): closing it is still a supervisor's decision."""
    from jisr.care.models import Approval, ApprovalStatus

    now = timezone.now()
    pending = (Approval.objects.select_for_update(of=("self",)).select_related("case")
               .filter(case__person=person, status=ApprovalStatus.PENDING).order_by("created_at"))
    for approval in pending:
        approval.status, approval.decided_by, approval.decided_at = ApprovalStatus.WITHDRAWN, actor, now
        approval.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        audit_record(actor=actor, action=f"care.{approval.kind}_withdraw", target=approval.case,
                     reason=WITHDRAWN_BY_ERASURE,
                     details={"approval": str(approval.pk), "why": "person_erased"})


class _Keep(Enum):
    KEEP = "keep"


#: `person_update(estimated_age=KEEP)`: leave her age estimate as it is (the default).
KEEP = _Keep.KEEP


# What person_update may write (nothing else of the row: `has_case`, set by case_open, is left alone).
_UPDATE_FIELDS = [*ENCRYPTED_FIELDS, "sex", "nationality", "languages", "estimated_age", "age_estimated_on",
                  "age_precision", "version", "updated_at"]


def may_edit(user: User, person: Person) -> bool:
    """Whether `user`'s role may correct `person`'s record: one that writes cases, in her organisation.
    (Erased or not: `person_update` refuses an erased person with its own message.)"""
    return user.organisation == person.organisation and user.capabilities.write_cases


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    identity: Identity,
    sex: str | None = None,
    nationality: str | None = None,
    languages: list[str] | None = None,
    estimated_age: int | _Keep | None = KEEP,
    age_precision: str | None = None,
    expected_version: int | None = None,
) -> Person:
    """Correct a person's record (fetched through persons_visible_to): her whole identity, re-sealed and
    re-indexed, and — when given — sex, nationality ("" for unknown), languages and age estimate.

    `estimated_age`: her age *today* as estimated now, in years (0–120); None: no estimate (age unknown);
    KEEP (default): unchanged. When it equals the age her current estimate gives today, the estimate and
    the date it was made are kept (saving a form again does not make the estimate look newer); otherwise
    it is a new estimate made today, with `age_precision` (YEAR or APPROXIMATE; default: the current one,
    else APPROXIMATE). A date of birth in `identity` replaces any estimate (EXACT).

    `expected_version`: the `version` the actor's form was filled from (None: no check, e.g. a script).
    The row is locked and read again; if someone changed her record since, ConflictError and nothing
    changes — never a silent overwrite. Every save increments `version`.

    Only roles that write cases, in her organisation (`may_edit`). The audit event `person.update`
    names the fields that changed, never their values. Raises PermissionDeniedError, StateError
    (erased, also by someone else a moment ago), ConflictError (a StateError), ValueError (no name left,
    a date of birth and an estimate, an age out of range, an unknown language)."""
    if not may_edit(actor, person):
        raise PermissionDeniedError("this role may not change a person's identity")
    # Her row locked for this transaction and read again: decisions use what is stored now.
    person.refresh_from_db(from_queryset=Person.objects.select_for_update(of=("self",)).select_related("data_key"))
    if person.is_erased:
        raise StateError("this person's identity was erased")
    if expected_version is not None and expected_version != person.version:
        raise ConflictError("the person was changed by someone else; reload and try again")
    identity = clean_identity(identity)
    if languages is not None:
        languages = _check_languages(languages)
    if identity.date_of_birth and estimated_age is not KEEP and estimated_age is not None:
        raise ValueError("give a date of birth or an estimated age, not both")
    before = person_identity(person)
    changed = [f for f in ENCRYPTED_FIELDS if getattr(before, f) != getattr(identity, f)]
    for field_name, value in (("sex", sex), ("nationality", nationality), ("languages", languages)):
        if value is not None and getattr(person, field_name) != value:
            setattr(person, field_name, value)
            changed.append(field_name)
    age_before = (person.estimated_age, person.age_estimated_on, person.age_precision)
    _set_age(person, identity, estimated_age, age_precision)
    changed += [
        name
        for name, old, new in (
            ("estimated_age", age_before[:2], (person.estimated_age, person.age_estimated_on)),
            ("age_precision", age_before[2], person.age_precision),
        )
        if old != new
    ]
    _seal_identity(person, identity)
    person.version += 1
    person.full_clean(
        exclude=["data_key", "registered_by", "organisation"], validate_constraints=False
    )  # the DB enforces them
    person.save(update_fields=_UPDATE_FIELDS)
    person_reindex(person, identity)
    audit_record(actor=actor, action="person.update", target=person, details={"fields": changed})
    return person


def _set_age(person: Person, identity: Identity, estimated_age: int | _Keep | None, precision: str | None) -> None:
    """Her age fields after a correction (see person_update)."""
    if identity.date_of_birth:
        person.estimated_age, person.age_estimated_on, person.age_precision = None, None, AgePrecision.EXACT
        return
    if isinstance(estimated_age, _Keep):
        if person.estimated_age is None:  # a date of birth removed, and no estimate: age unknown
            person.age_precision = AgePrecision.APPROXIMATE
        return
    if estimated_age is None:
        person.estimated_age, person.age_estimated_on = None, None
        person.age_precision = AgePrecision.APPROXIMATE
        return
    if not 0 <= estimated_age <= 120:
        raise ValueError("estimated age must be between 0 and 120")
    today = timezone.localdate()
    current = person.age_on(today) if person.estimated_age is not None else None
    if current != estimated_age:
        person.estimated_age, person.age_estimated_on = estimated_age, today
    if precision:
        person.age_precision = precision
    elif person.age_precision == AgePrecision.EXACT:
        person.age_precision = AgePrecision.APPROXIMATE
