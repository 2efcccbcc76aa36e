"""Care services: each writes its audit event; refused requests change nothing; sealed text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from care.conftest import events
from jisr.audit.models import AuditEvent
from jisr.care import services as svc
from jisr.care.models import Approval, Consent, FollowUp, Goal, RiskAssessment
from jisr.care.selectors import consent_in_force, sealed_text
from jisr.cases.models import CaseStatus
from jisr.common.errors import PermissionDeniedError, StateError

TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db


def _consent(cast, case, **kw):
    args = {
        "purpose": "assistance",
        "given_by": "survivor",
        "method": "written",
        "language": "ar",
        "given_on": TODAY,
    } | kw
    return svc.consent_record(actor=cast.ma_case_worker, case=case, **args)


def test_consent_record_audited_and_in_force(cast, fatima_case):
    c = _consent(cast, fatima_case)
    [e] = events("consent.record")
    assert e.details["consent"] == str(c.pk) and e.details["purpose"] == "assistance"
    assert consent_in_force(fatima_case.person, "assistance") == c
    assert consent_in_force(fatima_case.person, "statistics") is None


def test_consent_for_referral_needs_named_recipient_and_matches_it(cast, fatima_case):
    with pytest.raises(ValueError):
        _consent(cast, fatima_case, purpose="referral")
    c = _consent(cast, fatima_case, purpose="sharing", recipient="Partner ES", recipient_country="ES")
    assert c.cross_border
    assert consent_in_force(fatima_case.person, "sharing", recipient="partner es") == c
    assert consent_in_force(fatima_case.person, "sharing", recipient="Other") is None
    assert consent_in_force(fatima_case.person, "sharing") is None


def test_oral_consent_needs_witness_sealed(cast, fatima_case):
    with pytest.raises(ValueError):
        _consent(cast, fatima_case, method="oral_witnessed")
    c = _consent(cast, fatima_case, method="oral_witnessed", witness_name="Samira (interpreter)")
    raw = Consent.objects.get(pk=c.pk).witness_name
    assert b"Samira" not in bytes(raw)
    assert sealed_text(cast.ma_case_worker, c, "witness_name", fatima_case.person) == "Samira (interpreter)"
    # The coordinator sees the case (masked) but not sealed care text.
    assert sealed_text(cast.ma_coordinator, c, "witness_name", fatima_case.person) is None


def test_consent_validity_window(cast, fatima_case):
    c = _consent(cast, fatima_case, given_on=TODAY - dt.timedelta(days=10), valid_until=TODAY - dt.timedelta(days=1))
    assert consent_in_force(fatima_case.person, "assistance") is None
    assert consent_in_force(fatima_case.person, "assistance", on=TODAY - dt.timedelta(days=5)) == c
    assert consent_in_force(fatima_case.person, "assistance", on=TODAY - dt.timedelta(days=11)) is None


def test_consent_withdrawal_recorded_and_stops_consent(cast, fatima_case):
    c = _consent(cast, fatima_case, given_on=TODAY - dt.timedelta(days=3))
    svc.consent_withdraw(actor=cast.ma_case_worker, consent=c)
    c.refresh_from_db()
    assert c.withdrawn_on == TODAY
    [e] = events("consent.withdraw")
    assert e.details == {"consent": str(c.pk), "purpose": "assistance", "withdrawn_on": TODAY.isoformat()}
    assert consent_in_force(fatima_case.person, "assistance") is None
    assert consent_in_force(fatima_case.person, "assistance", on=TODAY - dt.timedelta(days=1)) == c
    with pytest.raises(StateError):
        svc.consent_withdraw(actor=cast.ma_case_worker, consent=c)
    assert len(events("consent.withdraw")) == 1


def test_refused_consent_writes_change_nothing(cast, fatima_case):
    c = _consent(cast, fatima_case)
    before = AuditEvent.objects.count()
    for actor in (cast.ma_coordinator, cast.ma_analyst, cast.es_case_worker):
        with pytest.raises(PermissionDeniedError):
            svc.consent_record(
                actor=actor,
                case=fatima_case,
                purpose="assistance",
                given_by="survivor",
                method="written",
                language="ar",
                given_on=TODAY,
            )
        with pytest.raises(PermissionDeniedError):
            svc.consent_withdraw(actor=actor, consent=c)
    assert Consent.objects.count() == 1 and Consent.objects.get().withdrawn_on is None
    assert AuditEvent.objects.count() == before


def test_risk_assessment_sets_case_risk_and_seals_plan(cast, fatima_case):
    a = svc.risk_assessment_record(
        actor=cast.ma_case_worker,
        case=fatima_case,
        level="high",
        reasons=["threats", "debt"],
        assessed_on=TODAY,
        safety_plan="Stay at shelter B",
    )
    assert [e.details["level"] for e in events("care.risk_assessment")] == ["high"]
    assert events("case.risk")[0].details["to"] == "high"
    fatima_case.refresh_from_db()
    assert fatima_case.risk_level == "high"
    assert b"shelter" not in bytes(RiskAssessment.objects.get(pk=a.pk).safety_plan)
    assert a.reasons == ["threats", "debt"]
    with pytest.raises(ValueError):
        svc.risk_assessment_record(
            actor=cast.ma_case_worker, case=fatima_case, level="critical", reasons=[], assessed_on=TODAY
        )


def test_reflection_period_default_and_configurable(cast, fatima_case):
    p = svc.reflection_period_start(actor=cast.ma_case_worker, case=fatima_case, jurisdiction="ES", starts_on=TODAY)
    assert p.length_days == 90 and p.ends_on == TODAY + dt.timedelta(days=90)
    assert events("care.reflection_period")[0].details["length_days"] == 90
    with pytest.raises(ValueError):  # Morocco: no figure configured until confirmed
        svc.reflection_period_start(actor=cast.ma_case_worker, case=fatima_case, jurisdiction="MA", starts_on=TODAY)
    with override_settings(JISR_REFLECTION_PERIOD_DAYS={"MA": 30}):
        p = svc.reflection_period_start(actor=cast.ma_case_worker, case=fatima_case, jurisdiction="MA", starts_on=TODAY)
    assert p.length_days == 30
    with pytest.raises(ValueError):
        svc.reflection_period_start(
            actor=cast.ma_case_worker, case=fatima_case, jurisdiction="ES", starts_on=TODAY, length_days=30
        )


def test_proceeding_need_goal_service_audited(cast, fatima_case):
    cw = cast.ma_case_worker
    svc.proceeding_record(actor=cw, case=fatima_case, kind="complaint_filed", on=TODAY, notes="Police Tanger")
    svc.need_assess(actor=cw, case=fatima_case, domain="shelter", level="urgent", assessed_on=TODAY)
    t = svc.training_create(actor=cw, kind="training", topic="Sewing", organiser="Demo", starts_on=TODAY)
    g = svc.goal_add(actor=cw, case=fatima_case, domain="economic_empowerment", description="Own workshop", training=t)
    svc.goal_set_status(actor=cw, goal=g, status="in_progress")
    s = svc.service_record(
        actor=cw,
        case=fatima_case,
        service_type="legal_aid",
        domain="legal",
        starts_on=TODAY,
        in_house=False,
        provider="Bar association",
    )
    svc.service_set_status(actor=cw, service=s, status="delivered")
    svc.attendance_record(actor=cw, case=fatima_case, training=t)
    for action in (
        "care.proceeding",
        "care.need",
        "care.training_create",
        "care.goal_add",
        "care.goal_status",
        "care.service",
        "care.service_status",
        "care.attendance",
    ):
        assert len(events(action)) == 1, action
    assert events("care.goal_add")[0].details["training"] == str(t.pk)
    assert b"workshop" not in bytes(Goal.objects.get(pk=g.pk).description)
    with pytest.raises(ValueError):
        svc.service_record(
            actor=cw, case=fatima_case, service_type="medical", domain="health", starts_on=TODAY, in_house=False
        )


def test_training_of_another_organisation_refused(cast, fatima_case):
    t = svc.training_create(actor=cast.es_case_worker, kind="workshop", topic="Rights", organiser="ES", starts_on=TODAY)
    with pytest.raises(ValueError):
        svc.attendance_record(actor=cast.ma_case_worker, case=fatima_case, training=t)
    with pytest.raises(ValueError):
        svc.goal_add(
            actor=cast.ma_case_worker, case=fatima_case, domain="education_training", description="x", training=t
        )


def test_followup_schedule_and_complete_with_next(cast, fatima_case):
    f = svc.followup_schedule(actor=cast.ma_case_worker, case=fatima_case, kind="visit", due_on=TODAY)
    assert f.assigned_to == cast.ma_case_worker
    nxt = svc.followup_complete(
        actor=cast.ma_case_worker,
        follow_up=f,
        done_on=TODAY,
        notes="went well",
        next_due_on=TODAY + dt.timedelta(days=14),
    )
    assert nxt is not None and nxt.kind == "visit" and nxt.done_on is None
    assert len(events("care.followup_schedule")) == 2 and len(events("care.followup_done")) == 1
    with pytest.raises(StateError):
        svc.followup_complete(actor=cast.ma_case_worker, follow_up=f, done_on=TODAY)
    with pytest.raises(ValueError):  # assignee outside the organisation
        svc.followup_schedule(
            actor=cast.ma_case_worker, case=fatima_case, kind="call", due_on=TODAY, assigned_to=cast.es_case_worker
        )
    assert FollowUp.objects.count() == 2


def test_care_plan_approval(cast, fatima_case):
    with pytest.raises(StateError):
        svc.care_plan_submit(actor=cast.ma_case_worker, case=fatima_case)
    for domain in ("safety", "health", "legal"):
        svc.goal_add(actor=cast.ma_case_worker, case=fatima_case, domain=domain, description=f"goal {domain}")
    a = svc.care_plan_submit(actor=cast.ma_case_worker, case=fatima_case)
    assert events("care.plan_submit")[0].details["goals"] == 3
    with pytest.raises(StateError):
        svc.care_plan_submit(actor=cast.ma_case_worker, case=fatima_case)
    for refused in (cast.ma_case_worker, cast.ma_coordinator, cast.es_supervisor):
        with pytest.raises(PermissionDeniedError):
            svc.approval_approve(actor=refused, approval=a)
    assert Approval.objects.get(pk=a.pk).status == "pending" and not events("care.care_plan_approve")
    svc.approval_approve(actor=cast.ma_supervisor, approval=a, comment="good plan")
    a.refresh_from_db()
    assert a.status == "approved" and a.decided_by == cast.ma_supervisor
    assert len(events("care.care_plan_approve")) == 1
    with pytest.raises(StateError):
        svc.approval_reject(actor=cast.ma_supervisor, approval=a)


def test_closure_request_and_approval_closes_the_case(cast, fatima_case):
    a = svc.closure_request(actor=cast.ma_case_worker, case=fatima_case, reason="reintegrated_recovered")
    assert events("care.closure_request")[0].details["reason"] == "reintegrated_recovered"
    fatima_case.refresh_from_db()
    assert fatima_case.status == CaseStatus.OPEN
    svc.closure_approve(actor=cast.ma_supervisor, approval=a)
    fatima_case.refresh_from_db()
    assert fatima_case.status == CaseStatus.CLOSED and fatima_case.closure_reason == "reintegrated_recovered"
    assert len(events("care.closure_approve")) == 1 and len(events("case.close")) == 1
    # Closed: no more care writes, but consent can still be withdrawn.
    with pytest.raises(StateError):
        svc.need_assess(actor=cast.ma_case_worker, case=fatima_case, domain="health", level="low", assessed_on=TODAY)


def test_closure_rejected_keeps_case_open(cast, fatima_case):
    a = svc.closure_request(actor=cast.ma_case_worker, case=fatima_case, reason="lost_contact")
    svc.approval_reject(actor=cast.ma_supervisor, approval=a, comment="try again")
    fatima_case.refresh_from_db()
    assert fatima_case.status == CaseStatus.OPEN and len(events("care.closure_reject")) == 1
    assert not events("case.close")


def test_supervisor_cannot_approve_own_request(cast, fatima_case):
    a = svc.closure_request(actor=cast.ma_supervisor, case=fatima_case, reason="transferred")
    with pytest.raises(PermissionDeniedError):
        svc.closure_approve(actor=cast.ma_supervisor, approval=a)
    fatima_case.refresh_from_db()
    assert fatima_case.status == CaseStatus.OPEN


def test_seed_care_demo_runs_through_services_and_is_idempotent(cast, fatima_case):
    from jisr.care.demo import seed_care_demo

    seed_care_demo(cast.ma)
    assert fatima_case.consents.count() == 2 and fatima_case.goals.count() == 4
    assert fatima_case.measurements.count() == 2
    n = AuditEvent.objects.count()
    seed_care_demo(cast.ma)
    assert AuditEvent.objects.count() == n


def test_goal_and_service_status_refuse_a_stale_page(cast, fatima_case) -> None:
    from jisr.care import services as care_services
    from jisr.common.errors import ConflictError

    goal = care_services.goal_add(
        actor=cast.ma_case_worker, case=fatima_case, domain="shelter", description="a safe place to stay"
    )
    shown = goal.status
    care_services.goal_set_status(actor=cast.ma_case_worker, goal=goal, status="in_progress", expected_status=shown)
    with pytest.raises(ConflictError):  # the supervisor's page still shows the old status
        care_services.goal_set_status(actor=cast.ma_supervisor, goal=goal, status="achieved", expected_status=shown)
    goal.refresh_from_db()
    assert goal.status == "in_progress"
