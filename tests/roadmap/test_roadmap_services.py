"""Services: every write audited; status history append-only; who may write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jisr.audit.models import AuditEvent
from jisr.common.errors import PermissionDeniedError, StateError
from jisr.roadmap import services
from jisr.roadmap.models import Action, ActionStatus, ActionStatusChange, IndicatorMeasurement, TrainingAttendance

PDF = b"%PDF-1.4\n% generated for a test\n"


def last_event(action: str, target=None) -> AuditEvent:  # type: ignore[no-untyped-def]
    events = AuditEvent.objects.filter(action=action)
    if target is not None:
        events = events.filter(target_id=str(target.pk))
    event = events.order_by("-seq").first()
    assert event is not None, f"no audit event {action}"
    return event


def test_every_write_is_audited(cast, areas, rabat):  # type: ignore[no-untyped-def]
    actor = cast.ma_roadmap
    assert last_event("roadmap.event_create", rabat).actor_id == actor.pk
    services.event_add_participant(actor=actor, event=rabat, name="Association (test)", country="ES")
    last_event("roadmap.event_add_participant", rabat)
    services.event_add_document(actor=actor, event=rabat, title="CR", upload=SimpleUploadedFile("cr.pdf", PDF))
    last_event("roadmap.event_add_document", rabat)
    last_event("roadmap.file_store")
    rec = services.recommendation_create(actor=actor, event=rabat, area=areas["protection"], scope="both",
                                         text_ar="ضمان التكفل المتكامل")
    event = last_event("roadmap.recommendation_create", rec)
    assert event.details["scope"] == "both" and event.organisation_id == cast.ma.pk
    assert "ضمان" not in str(event.details)  # no typed text in audit details
    services.recommendation_update(actor=actor, recommendation=rec, priority="high")
    last_event("roadmap.recommendation_update", rec)
    action = services.action_create(actor=actor, title="Protocole", lead_organisation=cast.ma, partners=[cast.es],
                                    recommendations=[rec], due_on=dt.date(2026, 6, 30))
    last_event("roadmap.action_create", action)
    services.action_update(actor=actor, action=action, title="Protocole commun")
    last_event("roadmap.action_update", action)
    services.action_link(actor=actor, action=action, recommendations=[rec])
    last_event("roadmap.action_link", action)
    services.action_set_status(actor=actor, action=action, status=ActionStatus.IN_PROGRESS)
    assert last_event("roadmap.action_set_status", action).details == {"status": "in_progress", "previous": "planned"}
    services.progress_add(actor=actor, action=action, note="Réunion", upload=SimpleUploadedFile("p.pdf", PDF))
    last_event("roadmap.progress_add", action)
    indicator = services.indicator_add(actor=actor, action=action, name="Protocoles", target=Decimal(6))
    last_event("roadmap.indicator_add", action)
    services.measurement_add(actor=actor, indicator=indicator, measured_on=dt.date(2026, 1, 1), value=Decimal(2))
    last_event("roadmap.measurement_add", indicator)
    training = services.training_create(actor=actor, title="Loi 27-14", organiser=cast.ma,
                                        starts_on=dt.date(2025, 10, 14), country="MA")
    last_event("roadmap.training_create", training)
    services.training_record_attendance(actor=actor, training=training, profession="police", count=4,
                                        organisation_name="Police (test)")
    last_event("roadmap.training_record_attendance", training)
    practice = services.practice_create(actor=actor, title="Guichet unique", summary="…", country="MA",
                                        area=areas["protection"], tags=["Accueil", "accueil", " santé "])
    assert practice.tags == ["accueil", "santé"]
    last_event("roadmap.practice_create", practice)
    services.practice_link(actor=actor, practice=practice, recommendations=[rec])
    last_event("roadmap.practice_link", practice)
    area = services.area_create(actor=actor, code="gender", name_ar="النوع", name_fr="Genre", name_es="Género",
                                name_en="Gender")
    last_event("roadmap.area_create", area)
    services.area_set_active(actor=actor, area=area, active=False)
    last_event("roadmap.area_set_active", area)


def test_status_history_is_append_only(cast, rabat):  # type: ignore[no-untyped-def]
    actor = cast.ma_coordinator
    action = services.action_create(actor=actor, title="Boîte à outils", lead_organisation=cast.ma)
    services.action_set_status(actor=actor, action=action, status=ActionStatus.IN_PROGRESS)
    services.action_set_status(actor=actor, action=action, status=ActionStatus.BLOCKED, reason="Pas de budget")
    services.action_set_status(actor=actor, action=action, status=ActionStatus.IN_PROGRESS)
    history = list(ActionStatusChange.objects.filter(action=action).order_by("changed_at", "created_at"))
    assert [h.status for h in history] == ["planned", "in_progress", "blocked", "in_progress"]
    assert [h.previous_status for h in history] == ["", "planned", "in_progress", "blocked"]
    assert history[2].reason == "Pas de budget"
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS

    row = history[2]
    row.reason = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        row.save()
    with pytest.raises(RuntimeError, match="append-only"):
        row.delete()
    assert ActionStatusChange.objects.get(pk=row.pk).reason == "Pas de budget"
    indicator = services.indicator_add(actor=actor, action=action, name="n")
    m = services.measurement_add(actor=actor, indicator=indicator, measured_on=dt.date(2026, 1, 1), value=Decimal(1))
    with pytest.raises(RuntimeError, match="append-only"):
        IndicatorMeasurement.objects.get(pk=m.pk).save()


def test_blocked_and_dropped_need_a_reason_and_dropped_is_final(cast):  # type: ignore[no-untyped-def]
    actor = cast.ma_roadmap
    action = services.action_create(actor=actor, title="A", lead_organisation=cast.ma)
    for status in (ActionStatus.BLOCKED, ActionStatus.DROPPED):
        with pytest.raises(ValueError, match="reason"):
            services.action_set_status(actor=actor, action=action, status=status, reason="  ")
    with pytest.raises(StateError):
        services.action_set_status(actor=actor, action=action, status=ActionStatus.PLANNED)
    services.action_set_status(actor=actor, action=action, status=ActionStatus.DROPPED, reason="Fusionnée")
    with pytest.raises(StateError):
        services.action_set_status(actor=actor, action=action, status=ActionStatus.IN_PROGRESS)
    assert ActionStatusChange.objects.filter(action=action).count() == 2


@pytest.mark.parametrize("persona", ["ma_case_worker", "ma_supervisor", "ma_focal_point", "ma_analyst",
                                     "es_case_worker", "outsider"])
def test_only_roadmap_members_and_coordinators_write(cast, persona):  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError):
        services.action_create(actor=getattr(cast, persona), title="A", lead_organisation=cast.ma)
    assert not Action.objects.exists() and AuditEvent.objects.count() == before


def test_attendance_is_counted_never_named(cast):  # type: ignore[no-untyped-def]
    actor = cast.ma_roadmap
    training = services.training_create(actor=actor, title="T", organiser=cast.ma, starts_on=dt.date(2025, 1, 1),
                                        country="MA")
    services.training_record_attendance(actor=actor, training=training, profession="health", count=3,
                                        organisation=cast.es)
    row = services.training_record_attendance(actor=actor, training=training, profession="health", count=2,
                                              organisation=cast.es)
    assert row.count == 5 and TrainingAttendance.objects.count() == 1 and str(row.country) == "ES"
    with pytest.raises(ValueError):
        services.training_record_attendance(actor=actor, training=training, profession="health", count=0,
                                            organisation=cast.es)
    names = {f.name for f in TrainingAttendance._meta.get_fields()}
    assert not names & {"name", "given_name", "family_name", "person", "attendees"}


def test_recommendation_needs_text_and_valid_scope(cast, areas, rabat):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        services.recommendation_create(actor=cast.ma_roadmap, event=rabat, area=areas["prevention"], scope="MA")
    with pytest.raises(ValueError):
        services.recommendation_create(actor=cast.ma_roadmap, event=rabat, area=areas["prevention"], scope="FR",
                                       text_fr="x")
