"""The only writes of the roadmap. Keyword-only, atomic, one audit event each in the same transaction
(details hold codes, UUIDs and counts — never text typed by a person). Who may write: access.py.

Errors: PermissionDeniedError (role may not write), StateError (a status change that makes no sense),
ConflictError (a StateError: the record changed since the actor's form showed it — optimistic locking
on the `version` of events, recommendations and actions — or a simultaneous edit made the database
give up one of the two), ValueError (invalid input; the message is for developers, views show a
translated one), files.UploadRejected (a ValueError) for refused evidence files.

Text typed by people (titles, names, places, summaries, notes, reasons, tags…) is stored cleaned by
`jisr.crypto.normalise.clean_text`, as person names are: no control characters, no invisible format
characters (bidi overrides such as U+202E that reverse the text around them, zero-width spaces), runs of
spaces collapsed, trimmed; texts of several lines keep their line breaks (`_clean`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.utils import timezone

from jisr.accounts.models import Organisation, User
from jisr.audit.services import audit_record
from jisr.common.errors import ConflictError, PermissionDeniedError, StateError
from jisr.crypto.normalise import clean_text
from jisr.roadmap.access import may_write_roadmap
from jisr.roadmap.files import check_upload
from jisr.roadmap.models import (
    STATUSES_NEEDING_REASON,
    Action,
    ActionStatus,
    ActionStatusChange,
    CountryScope,
    Event,
    EventDocument,
    EventKind,
    EventParticipant,
    GoodPractice,
    Indicator,
    IndicatorMeasurement,
    Priority,
    Profession,
    ProgressUpdate,
    Recommendation,
    StoredFile,
    StrategicArea,
    Training,
    TrainingAttendance,
    search_key,
)


def _require_writer(actor: User) -> None:
    if not may_write_roadmap(actor):
        raise PermissionDeniedError("this role may not change the roadmap")


def _valid(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ValueError("; ".join(f"{k}: {v}" for k, v in exc.message_dict.items())) from exc


def _audit(actor: User, action: str, target: Any, **details: Any) -> None:
    audit_record(actor=actor, action=f"roadmap.{action}", target=target, details=details)


def _check_fields(fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"fields that cannot be changed here: {sorted(unknown)}")


# Fields of the update services whose text may hold several lines: cleaned line by line.
MULTILINE = frozenset({"summary", "description", "text_ar", "text_fr", "text_es"})


def _clean(text: str, *, multiline: bool = False) -> str:
    """`text` as typed, safe to store and show (`clean_text`); with `multiline`, each line cleaned and the
    line breaks kept (blank lines at the start and the end dropped)."""
    if not multiline:
        return clean_text(text)
    return "\n".join(clean_text(line) for line in text.splitlines()).strip("\n")


def _ids(values: Iterable[Any]) -> set[Any]:
    return {v.pk for v in values}


def _apply(obj: Any, fields: dict[str, Any], many: tuple[str, ...] = ()) -> list[str]:
    """Set `fields` on `obj` (many-to-many ones compared by primary keys, set later by the caller);
    returns the names of those that differ from what is stored, sorted."""
    changed = []
    for name, value in fields.items():
        if name in many:
            if _ids(getattr(obj, name).all()) != _ids(value):
                changed.append(name)
            continue
        if isinstance(value, str):
            value = _clean(value, multiline=name in MULTILINE)
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return sorted(changed)


_Versioned = TypeVar("_Versioned", Event, Recommendation, Action)


def _lock(obj: _Versioned, expected_version: int | None) -> _Versioned:
    """`obj` read again with its row locked for this transaction, so that decisions use what is stored now.

    `expected_version` is the `version` the actor's form showed (None: no check, e.g. a script that
    just read the record). If someone changed the record since, ConflictError is raised and nothing
    changes — never a silent overwrite of the other person's change."""
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and expected_version != current.version:
        raise ConflictError(f"the {type(obj).__name__.lower()} was changed by someone else; reload it and try again")
    return current


def _save_changes(actor: User, obj: Any, action: str, changed: list[str], fields: dict[str, Any],
                  many: tuple[str, ...]) -> None:
    """The end of an update service: validate and save `obj` with its version one higher, set the
    many-to-many fields that changed, and audit the names of the changed fields (never their values)."""
    _valid(obj)
    obj.version += 1
    obj.save()
    for name in many:
        if name in changed:
            getattr(obj, name).set(list(fields[name]))
    _audit(actor, action, obj, fields=changed)


# --- Files -------------------------------------------------------------------------------------------


def _store_file(*, actor: User, upload: UploadedFile) -> StoredFile:
    """Check and store an upload under DATA_DIR/media/roadmap/<uuid><ext>. Raises UploadRejected."""
    head = upload.read(16)
    upload.seek(0)
    checked = check_upload(upload.name or "", upload.size or 0, head)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stored = StoredFile(
        display_name=checked.display_name,
        content_type=checked.content_type,
        extension=checked.extension,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        organisation=actor.organisation,
    )
    stored.file.save("upload", upload, save=False)
    stored.save(force_insert=True)
    _audit(actor, "file_store", stored, size=stored.size, content_type=stored.content_type)
    return stored


# --- Strategic areas ---------------------------------------------------------------------------------


@transaction.atomic
def area_create(*, actor: User, code: str, name_ar: str, name_fr: str, name_es: str, name_en: str,
                order: int = 0) -> StrategicArea:
    _require_writer(actor)
    area = StrategicArea(code=code, name_ar=_clean(name_ar), name_fr=_clean(name_fr), name_es=_clean(name_es),
                         name_en=_clean(name_en), order=order)
    _valid(area)
    area.save()
    _audit(actor, "area_create", area, code=code)
    return area


@transaction.atomic
def area_set_active(*, actor: User, area: StrategicArea, active: bool) -> StrategicArea:
    _require_writer(actor)
    area.active = active
    area.save(update_fields=["active", "updated_at"])
    _audit(actor, "area_set_active", area, active=active)
    return area


# --- Events ------------------------------------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    actor: User,
    kind: str = EventKind.MEETING,
    title_ar: str = "",
    title_fr: str = "",
    title_es: str = "",
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    place: str = "",
    country: str = "",
    parent: Event | None = None,
    organisers: Iterable[Organisation] = (),
    languages: Iterable[str] = (),
    areas: Iterable[StrategicArea] = (),
    summary: str = "",
) -> Event:
    """A new event. Needs a title in at least one language; `ends_on` not before `starts_on`."""
    _require_writer(actor)
    title_ar, title_fr, title_es, place = _clean(title_ar), _clean(title_fr), _clean(title_es), _clean(place)
    summary = _clean(summary, multiline=True)
    if not (title_ar or title_fr or title_es):
        raise ValueError("an event needs a title in at least one language")
    if ends_on is not None and ends_on < starts_on:
        raise ValueError("the end date is before the start date")
    event = Event(kind=kind, title_ar=title_ar, title_fr=title_fr, title_es=title_es, starts_on=starts_on,
                  ends_on=ends_on, place=place, country=country, parent=parent, languages=list(languages),
                  summary=summary, created_by=actor)
    _valid(event)
    event.save()
    event.organisers.set(list(organisers))
    event.areas.set(list(areas))
    _audit(actor, "event_create", event, kind=kind, organisers=event.organisers.count())
    return event


EVENT_FIELDS = {"kind", "title_ar", "title_fr", "title_es", "starts_on", "ends_on", "place", "country", "parent",
                "organisers", "languages", "areas", "summary"}


def _part_of_itself(event: Event, parent: Event) -> bool:
    """Whether `event` would be part of itself with `parent` as its parent: `parent` is `event` or one of
    its sessions, at any depth — `event` is found walking up from `parent` through the events it is part
    of. Each event of that chain is read with its row locked until the transaction ends, so that an edit
    of the chain at the same time waits for this one (and then sees it) instead of closing a cycle unseen."""
    seen: set[Any] = set()
    pk = parent.pk
    while pk is not None and pk not in seen:
        if pk == event.pk:
            return True
        seen.add(pk)
        pk = Event.objects.select_for_update().filter(pk=pk).values_list("parent_id", flat=True).first()
    return False


def _is_deadlock(exc: OperationalError) -> bool:
    """PostgreSQL gave up this transaction to end a deadlock (SQLSTATE 40P01)."""
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) == "40P01" or getattr(cause, "pgcode", None) == "40P01"


def event_update(*, actor: User, event: Event, expected_version: int | None = None, **fields: Any) -> Event:
    """Correct an event: any of kind, titles, dates, place, country, parent event, organisers,
    languages, strategic areas, summary (the fields of `event_create`). The same rules as on creation
    (a title in at least one language, the end not before the start), and an event cannot be part of
    itself or of one of its own sessions. `expected_version`: the `version` the actor's form showed.
    Raises ValueError (unknown field, invalid value) or ConflictError (the event changed since that
    version, or a simultaneous edit of the same events made the database give this one up) with nothing
    changed. Audited as `roadmap.event_update` with the names of the fields that changed (never their
    text), the version one higher; nothing is written when nothing changed.

    Two people making A part of B and B part of A at the same moment: the event and its new parent are
    locked together, in the order of their primary keys, before anything is checked, so one edit waits
    for the other and is then refused (a cycle). Longer chains are locked as the check walks them; should
    the database still find a deadlock there, the edit it gives up is refused as a conflict (409), never
    a server error."""
    try:
        return _event_update(actor=actor, event=event, expected_version=expected_version, **fields)
    except OperationalError as exc:
        if _is_deadlock(exc):
            raise ConflictError("the event was being changed by someone else at the same time") from exc
        raise


@transaction.atomic
def _event_update(*, actor: User, event: Event, expected_version: int | None, **fields: Any) -> Event:
    _require_writer(actor)
    _check_fields(fields, EVENT_FIELDS)
    new_parent = fields.get("parent")
    if new_parent is not None:  # both rows, in a fixed order: two opposite edits cannot lock each other out
        list(Event.objects.select_for_update().filter(pk__in={event.pk, new_parent.pk}).order_by("pk")
             .values_list("pk", flat=True))
    event = _lock(event, expected_version)
    if "languages" in fields:
        fields["languages"] = list(fields["languages"])
    parent = fields.get("parent", event.parent)
    if parent is not None and _part_of_itself(event, parent):
        raise ValueError("an event cannot be part of itself or of one of its sessions")
    changed = _apply(event, fields, many=("organisers", "areas"))
    if not (event.title_ar or event.title_fr or event.title_es):
        raise ValueError("an event needs a title in at least one language")
    if event.ends_on is not None and event.ends_on < event.starts_on:
        raise ValueError("the end date is before the start date")
    if changed:
        _save_changes(actor, event, "event_update", changed, fields, many=("organisers", "areas"))
    return event


@transaction.atomic
def event_add_participant(*, actor: User, event: Event, country: str, organisation: Organisation | None = None,
                          name: str = "") -> EventParticipant:
    """An organisation that took part: one on this instance, or another by name (never a person)."""
    _require_writer(actor)
    name = _clean(name)
    if organisation is None and not name:
        raise ValueError("a participant needs an organisation or a name")
    participant = EventParticipant(event=event, organisation=organisation, name=name,
                                   country=country or (organisation.country if organisation else ""))
    _valid(participant)
    participant.save()
    _audit(actor, "event_add_participant", event, participant=str(participant.pk), country=str(participant.country))
    return participant


@transaction.atomic
def event_add_document(*, actor: User, event: Event, title: str, upload: UploadedFile) -> EventDocument:
    _require_writer(actor)
    stored = _store_file(actor=actor, upload=upload)
    document = EventDocument(event=event, file=stored, title=_clean(title) or stored.display_name)
    _valid(document)
    document.save()
    _audit(actor, "event_add_document", event, document=str(document.pk), file=str(stored.pk))
    return document


# --- Recommendations ---------------------------------------------------------------------------------


@transaction.atomic
def recommendation_create(
    *,
    actor: User,
    event: Event,
    area: StrategicArea,
    scope: str,
    text_ar: str = "",
    text_fr: str = "",
    text_es: str = "",
    addressee: str = "",
    priority: str = Priority.MEDIUM,
    reference: str = "",
) -> Recommendation:
    """A recommendation adopted at `event`, with its text in at least one of ar / fr / es."""
    _require_writer(actor)
    text_ar, text_fr, text_es = (_clean(t, multiline=True) for t in (text_ar, text_fr, text_es))
    if not (text_ar or text_fr or text_es):
        raise ValueError("a recommendation needs a text in at least one language")
    if scope not in CountryScope.values:
        raise ValueError("unknown country scope")
    recommendation = Recommendation(event=event, area=area, scope=scope, text_ar=text_ar, text_fr=text_fr,
                                    text_es=text_es, addressee=_clean(addressee), priority=priority,
                                    reference=_clean(reference), created_by=actor)
    recommendation.search_text = _recommendation_search_text(recommendation)
    _valid(recommendation)
    recommendation.save()
    _audit(actor, "recommendation_create", recommendation, event=str(event.pk), area=area.code, scope=scope,
           priority=priority)
    return recommendation


RECOMMENDATION_FIELDS = {"text_ar", "text_fr", "text_es", "area", "scope", "addressee", "priority", "reference",
                         "event"}


@transaction.atomic
def recommendation_update(*, actor: User, recommendation: Recommendation, expected_version: int | None = None,
                          **fields: Any) -> Recommendation:
    """Change texts, source event, area, scope, addressee, priority or reference. `expected_version`:
    the `version` the actor's form showed. Raises ValueError (unknown field, no text left, invalid
    value) or ConflictError (changed since that version) with nothing changed. Audited as
    `roadmap.recommendation_update` with the names of the fields that changed, the version one higher;
    nothing is written when nothing changed."""
    _require_writer(actor)
    _check_fields(fields, RECOMMENDATION_FIELDS)
    recommendation = _lock(recommendation, expected_version)
    changed = _apply(recommendation, fields)
    if not (recommendation.text_ar or recommendation.text_fr or recommendation.text_es):
        raise ValueError("a recommendation needs a text in at least one language")
    if recommendation.scope not in CountryScope.values:
        raise ValueError("unknown country scope")
    if changed:
        recommendation.search_text = _recommendation_search_text(recommendation)
        _save_changes(actor, recommendation, "recommendation_update", changed, fields, many=())
    return recommendation


# --- Actions -----------------------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    actor: User,
    title: str,
    lead_organisation: Organisation,
    description: str = "",
    partners: Iterable[Organisation] = (),
    other_partners: str = "",
    recommendations: Iterable[Recommendation] = (),
    start_on: dt.date | None = None,
    due_on: dt.date | None = None,
) -> Action:
    """A planned action; its status history starts with one `planned` row."""
    _require_writer(actor)
    title = _clean(title)
    if not title:
        raise ValueError("an action needs a title")
    if start_on and due_on and due_on < start_on:
        raise ValueError("the due date is before the start date")
    action = Action(title=title, description=_clean(description, multiline=True), lead_organisation=lead_organisation,
                    other_partners=_clean(other_partners), start_on=start_on, due_on=due_on,
                    status=ActionStatus.PLANNED, created_by=actor)
    _valid(action)
    action.save()
    action.partners.set([p for p in partners if p.pk != lead_organisation.pk])
    action.recommendations.set(list(recommendations))
    ActionStatusChange.objects.create(action=action, status=ActionStatus.PLANNED, changed_by=actor,
                                      changed_at=timezone.now())
    _audit(actor, "action_create", action, lead=str(lead_organisation.pk),
           recommendations=sorted(str(r) for r in action.recommendations.values_list("pk", flat=True)))
    return action


ACTION_FIELDS = {"title", "description", "lead_organisation", "partners", "other_partners", "recommendations",
                 "start_on", "due_on"}


@transaction.atomic
def action_update(*, actor: User, action: Action, expected_version: int | None = None, **fields: Any) -> Action:
    """Correct an action: title, description, lead organisation, partner organisations, other
    partners, recommendations carried out, dates (the fields of `action_create`). Not the status: that
    is `action_set_status`, with its history. The same rules as on creation (a title; the due date not
    before the start); the lead organisation is never also listed as a partner. `expected_version`: the
    `version` the actor's form showed. Raises ValueError or ConflictError (changed since that version)
    with nothing changed. Audited as `roadmap.action_update` with the names of the fields that changed,
    the version one higher; nothing is written when nothing changed."""
    _require_writer(actor)
    _check_fields(fields, ACTION_FIELDS)
    action = _lock(action, expected_version)
    lead = fields.get("lead_organisation", action.lead_organisation)
    if "partners" in fields:
        fields["partners"] = [p for p in fields["partners"] if p.pk != lead.pk]
    changed = _apply(action, fields, many=("partners", "recommendations"))
    if not action.title:
        raise ValueError("an action needs a title")
    if action.start_on and action.due_on and action.due_on < action.start_on:
        raise ValueError("the due date is before the start date")
    if "lead_organisation" in changed and "partners" not in fields:
        action.partners.remove(lead)  # the new lead is no longer a partner of its own action
    if changed:
        _save_changes(actor, action, "action_update", changed, fields, many=("partners", "recommendations"))
    return action


@transaction.atomic
def action_link(*, actor: User, action: Action, recommendations: Iterable[Recommendation],
                partners: Iterable[Organisation] | None = None, expected_version: int | None = None) -> Action:
    """Set the recommendations an action carries out (many-to-many), and optionally its partners: fields
    of the edit form too, so the action's version goes one up, and a form that showed an older
    `expected_version` is refused with ConflictError (nothing changed)."""
    _require_writer(actor)
    action = _lock(action, expected_version)
    action.recommendations.set(list(recommendations))
    if partners is not None:
        action.partners.set([p for p in partners if p.pk != action.lead_organisation_id])
    action.version += 1
    action.save(update_fields=["version", "updated_at"])
    _audit(actor, "action_link", action,
           recommendations=sorted(str(r) for r in action.recommendations.values_list("pk", flat=True)),
           partners=action.partners.count())
    return action


@transaction.atomic
def action_set_status(*, actor: User, action: Action, status: str, reason: str = "",
                      at: dt.datetime | None = None) -> ActionStatusChange:
    """Move `action` to `status`, appending one row to its history.

    Blocked and dropped need a reason (why). Raises StateError for a change to the same status or
    out of `dropped` (a dropped action is closed; plan a new one), ValueError for an unknown status or
    a missing reason. The reason is free text about the action, never about a person.
    """
    _require_writer(actor)
    if status not in ActionStatus.values:
        raise ValueError("unknown status")
    action = Action.objects.select_for_update().get(pk=action.pk)
    if status == action.status:
        raise StateError("the action already has this status")
    if action.status == ActionStatus.DROPPED:
        raise StateError("a dropped action cannot change status")
    reason = _clean(reason, multiline=True)
    if status in STATUSES_NEEDING_REASON and not reason:
        raise ValueError("a reason is needed for blocked or dropped")
    change = ActionStatusChange.objects.create(action=action, status=status, previous_status=action.status,
                                               reason=reason, changed_by=actor, changed_at=at or timezone.now())
    action.status = status
    action.save(update_fields=["status", "updated_at"])
    _audit(actor, "action_set_status", action, status=status, previous=change.previous_status)
    return change


@transaction.atomic
def progress_add(*, actor: User, action: Action, note: str, link: str = "",
                 upload: UploadedFile | None = None) -> ProgressUpdate:
    """A progress note with optional evidence: a link and/or a checked, size-limited file."""
    _require_writer(actor)
    note = _clean(note, multiline=True)
    if not note:
        raise ValueError("a progress update needs a note")
    evidence = _store_file(actor=actor, upload=upload) if upload is not None else None
    update = ProgressUpdate(action=action, note=note, link=_clean(link), evidence=evidence, author=actor)
    _valid(update)
    update.save()
    _audit(actor, "progress_add", action, update=str(update.pk), file=str(evidence.pk) if evidence else "",
           link=bool(update.link))
    return update


@transaction.atomic
def indicator_add(*, actor: User, action: Action, name: str, unit: str = "", baseline: Decimal | None = None,
                  target: Decimal | None = None) -> Indicator:
    _require_writer(actor)
    name = _clean(name)
    if not name:
        raise ValueError("an indicator needs a name")
    indicator = Indicator(action=action, name=name, unit=_clean(unit), baseline=baseline, target=target)
    _valid(indicator)
    indicator.save()
    _audit(actor, "indicator_add", action, indicator=str(indicator.pk))
    return indicator


@transaction.atomic
def measurement_add(*, actor: User, indicator: Indicator, measured_on: dt.date, value: Decimal,
                    note: str = "") -> IndicatorMeasurement:
    """A measured value of `indicator` on `measured_on`. Append-only: a correction is a new value."""
    _require_writer(actor)
    measurement = IndicatorMeasurement(indicator=indicator, measured_on=measured_on, value=value,
                                       note=_clean(note), recorded_by=actor)
    _valid(measurement)
    measurement.save()
    _audit(actor, "measurement_add", indicator, measurement=str(measurement.pk))
    return measurement


# --- Trainings ---------------------------------------------------------------------------------------


@transaction.atomic
def training_create(*, actor: User, title: str, organiser: Organisation, starts_on: dt.date,
                    country: str, ends_on: dt.date | None = None, area: StrategicArea | None = None,
                    event: Event | None = None, place: str = "", languages: Iterable[str] = (),
                    hours: int | None = None, topics: str = "") -> Training:
    _require_writer(actor)
    title = _clean(title)
    if not title:
        raise ValueError("a training needs a title")
    if ends_on is not None and ends_on < starts_on:
        raise ValueError("the end date is before the start date")
    training = Training(title=title, organiser=organiser, starts_on=starts_on, ends_on=ends_on, area=area,
                        event=event, place=_clean(place), country=country, languages=list(languages), hours=hours,
                        topics=_clean(topics, multiline=True), created_by=actor)
    _valid(training)
    training.save()
    _audit(actor, "training_create", training, organiser=str(organiser.pk))
    return training


@transaction.atomic
def training_record_attendance(*, actor: User, training: Training, profession: str, count: int,
                               organisation: Organisation | None = None, organisation_name: str = "",
                               country: str = "") -> TrainingAttendance:
    """Add `count` people of `profession` from one organisation (counts, never names). A second entry
    for the same organisation and role adds to the first."""
    _require_writer(actor)
    if profession not in Profession.values:
        raise ValueError("unknown professional role")
    if count <= 0:
        raise ValueError("the number of people must be positive")
    organisation_name = _clean(organisation_name)
    if organisation is None and not organisation_name:
        raise ValueError("attendance needs an organisation or its name")
    row, created = TrainingAttendance.objects.select_for_update().get_or_create(
        training=training, organisation=organisation, organisation_name=organisation_name,
        profession=profession,
        defaults={"count": count, "country": country or (organisation.country if organisation else "")},
    )
    if not created:
        row.count += count
        row.save(update_fields=["count", "updated_at"])
    _audit(actor, "training_record_attendance", training, profession=profession, count=count,
           total=row.count)
    return row


# --- Good practices ----------------------------------------------------------------------------------


def _tags(tags: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        tag = _clean(tag).lower()
        if tag and tag not in seen:
            seen.append(tag[:40])
    return seen


def _practice_search_text(p: GoodPractice) -> str:
    org = p.organisation.name if p.organisation_id else p.organisation_name
    return search_key(p.title, p.summary, p.evidence, org, " ".join(p.tags))


def _recommendation_search_text(r: Recommendation) -> str:
    return search_key(r.reference, r.text_ar, r.text_fr, r.text_es, r.addressee)


@transaction.atomic
def practice_create(*, actor: User, title: str, summary: str, country: str, area: StrategicArea,
                    organisation: Organisation | None = None, organisation_name: str = "",
                    tags: Iterable[str] = (), evidence: str = "", link: str = "", languages: Iterable[str] = (),
                    recommendations: Iterable[Recommendation] = ()) -> GoodPractice:
    _require_writer(actor)
    title, summary = _clean(title), _clean(summary, multiline=True)
    if not title or not summary:
        raise ValueError("a good practice needs a title and a summary")
    practice = GoodPractice(title=title, summary=summary, country=country, area=area, organisation=organisation,
                            organisation_name=_clean(organisation_name), tags=_tags(tags),
                            evidence=_clean(evidence, multiline=True), link=_clean(link), languages=list(languages),
                            created_by=actor)
    practice.search_text = _practice_search_text(practice)
    _valid(practice)
    practice.save()
    practice.recommendations.set(list(recommendations))
    _audit(actor, "practice_create", practice, area=area.code, recommendations=practice.recommendations.count())
    return practice


@transaction.atomic
def practice_link(*, actor: User, practice: GoodPractice, recommendations: Iterable[Recommendation]) -> GoodPractice:
    """Set the recommendations a good practice answers."""
    _require_writer(actor)
    practice.recommendations.set(list(recommendations))
    _audit(actor, "practice_link", practice, recommendations=practice.recommendations.count())
    return practice
