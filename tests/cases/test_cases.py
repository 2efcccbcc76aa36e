"""Case services: each asserts its audit event; refused requests change nothing."""

from __future__ import annotations

import pytest
from django.http import Http404

from jisr.audit.models import AuditEvent
from jisr.cases.models import Case, CaseStatus
from jisr.cases.selectors import case_get_for_user, case_timeline, cases_visible_to
from jisr.cases.services import (
    case_assign,
    case_close,
    case_note_add,
    case_note_text,
    case_open,
    case_reopen,
    case_set_exploitation,
    case_set_risk,
    case_set_stage,
)
from jisr.common.errors import PermissionDeniedError, StateError


def last_event(case: Case) -> AuditEvent:
    return AuditEvent.objects.filter(target_id=str(case.pk)).order_by("-seq").first()


def test_open_defaults_and_audit(cast, fatima_case) -> None:
    case = fatima_case
    assert (case.assigned_to, case.team, case.trm_stage, case.status, case.number) == (
        cast.ma_case_worker,
        cast.ma_team,
        "identification",
        "open",
        1,
    )
    event = last_event(case)
    assert event.action == "case.open" and event.details["trm_stage"] == "identification"
    assert case.code.endswith("/1")


def test_second_open_case_refused(cast, fatima_case) -> None:
    with pytest.raises(StateError):
        case_open(actor=cast.ma_case_worker, person=fatima_case.person)
    assert Case.objects.count() == 1


def test_stage_risk_note_close_reopen_each_audited(cast, fatima_case) -> None:
    case = fatima_case
    case_set_stage(actor=cast.ma_case_worker, case=case, trm_stage="first_assistance")
    assert last_event(case).details == {"from": "identification", "to": "first_assistance"}
    case_set_risk(actor=cast.ma_case_worker, case=case, risk_level="high")
    assert last_event(case).action == "case.risk"
    note = case_note_add(actor=cast.ma_case_worker, case=case, body="  زيارة المستشفى  ")
    assert case_note_text(note) == "زيارة المستشفى" and b"\xd8" not in bytes(note.body)[:1]
    assert last_event(case).details == {"note": str(note.pk)}
    case_close(actor=cast.ma_supervisor, case=case, reason="reintegrated_recovered")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_on and last_event(case).action == "case.close"
    with pytest.raises(StateError):
        case_close(actor=cast.ma_supervisor, case=case, reason="other")
    with pytest.raises(StateError):
        case_set_stage(actor=cast.ma_case_worker, case=case, trm_stage="proceedings")
    with pytest.raises(StateError):
        case_set_risk(actor=cast.ma_case_worker, case=case, risk_level="low")
    case_reopen(actor=cast.ma_case_worker, case=case, note="she came back to the centre")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.closure_reason == ""
    actions = list(case_timeline(case).values_list("action", flat=True))
    assert actions[:3] == ["case.note_add", "case.reopen", "case.close"]
    assert "case.view" not in actions


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c, case: case_set_stage(actor=c.ma_case_worker, case=case, trm_stage="nowhere"), ValueError),
        (lambda c, case: case_set_risk(actor=c.ma_case_worker, case=case, risk_level="extreme"), ValueError),
        (lambda c, case: case_close(actor=c.ma_supervisor, case=case, reason="bored"), ValueError),
        (lambda c, case: case_close(actor=c.ma_case_worker, case=case, reason="other"), PermissionDeniedError),
        (lambda c, case: case_note_add(actor=c.ma_case_worker, case=case, body="   "), ValueError),
        (lambda c, case: case_note_add(actor=c.ma_coordinator, case=case, body="hello"), PermissionDeniedError),
        (lambda c, case: case_close(actor=c.ma_analyst, case=case, reason="other"), PermissionDeniedError),
        (
            lambda c, case: case_assign(actor=c.ma_case_worker, case=case, assignee=c.ma_case_worker_2),
            PermissionDeniedError,
        ),
        (lambda c, case: case_assign(actor=c.ma_supervisor, case=case, assignee=c.es_case_worker), ValueError),
        (lambda c, case: case_assign(actor=c.ma_supervisor, case=case, assignee=c.ma_analyst), ValueError),
        (
            lambda c, case: case_assign(actor=c.ma_supervisor, case=case, assignee=c.ma_case_worker_2, team=c.es_team),
            ValueError,
        ),
        (
            lambda c, case: case_set_stage(actor=c.es_case_worker, case=case, trm_stage="proceedings"),
            PermissionDeniedError,
        ),
    ],
)
def test_refused_requests_change_nothing(cast, fatima_case, call, error) -> None:
    before = (Case.objects.values().get(pk=fatima_case.pk), AuditEvent.objects.count())
    with pytest.raises(error):
        call(cast, fatima_case)
    assert (Case.objects.values().get(pk=fatima_case.pk), AuditEvent.objects.count()) == before


def test_assign_moves_case_and_audits(cast, fatima_case) -> None:
    case_assign(actor=cast.ma_coordinator, case=fatima_case, assignee=cast.ma_case_worker_2)
    assert last_event(fatima_case).details["to"] == cast.ma_case_worker_2.pk
    assert fatima_case in cases_visible_to(cast.ma_case_worker_2)
    assert fatima_case not in cases_visible_to(cast.ma_case_worker)


def test_case_scoping_by_role(cast, fatima_case) -> None:
    visible = {name for name, user in cast.all().items() if fatima_case in cases_visible_to(user)}
    assert visible == {"ma_case_worker", "ma_supervisor", "ma_coordinator"}
    with pytest.raises(Http404):
        case_get_for_user(cast.es_supervisor, fatima_case.pk)
    with pytest.raises(Http404):
        case_get_for_user(cast.ma_case_worker, "not-a-uuid")
    assert case_get_for_user(cast.ma_supervisor, fatima_case.pk) == fatima_case
    assert AuditEvent.objects.filter(action="case.view", actor=cast.ma_supervisor).count() == 1


def test_inactive_user_sees_nothing(cast, fatima_case) -> None:
    cast.ma_case_worker.is_active = False
    assert not cases_visible_to(cast.ma_case_worker).exists()


def test_exploitation_types_are_a_set_of_htcds_codes(cast, fatima_case) -> None:
    case_set_exploitation(
        actor=cast.ma_case_worker, case=fatima_case, types=["SexualExploitation", "ForcedLabour", "ForcedLabour"]
    )
    assert fatima_case.exploitation_types == ["ForcedLabour", "SexualExploitation"]
    assert last_event(fatima_case).details["to"] == ["ForcedLabour", "SexualExploitation"]
    with pytest.raises(ValueError):
        case_set_exploitation(actor=cast.ma_case_worker, case=fatima_case, types=["Sexual"])
    with pytest.raises(PermissionDeniedError):
        case_set_exploitation(actor=cast.ma_coordinator, case=fatima_case, types=["Other"])


def test_optimistic_locking_refuses_a_stale_form(cast, fatima_case) -> None:
    from jisr.common.errors import ConflictError

    seen = fatima_case.version
    case_set_stage(actor=cast.ma_case_worker, case=fatima_case, trm_stage="first_assistance", expected_version=seen)
    assert fatima_case.version == seen + 1
    # The supervisor's page still shows the old version: her change is refused, nothing is overwritten.
    stale = Case.objects.get(pk=fatima_case.pk)
    stale.version = seen
    before = AuditEvent.objects.count()
    with pytest.raises(ConflictError):
        case_set_stage(actor=cast.ma_supervisor, case=stale, trm_stage="proceedings", expected_version=seen)
    assert Case.objects.get(pk=fatima_case.pk).trm_stage == "first_assistance"
    assert AuditEvent.objects.count() == before


def test_decisions_use_the_current_state_not_a_stale_object(cast, fatima_case) -> None:
    stale = Case.objects.get(pk=fatima_case.pk)
    case_close(actor=cast.ma_supervisor, case=fatima_case, reason="lost_contact")
    with pytest.raises(StateError):  # the stale object still says "open"
        case_close(actor=cast.ma_supervisor, case=stale, reason="transferred")
    assert Case.objects.get(pk=fatima_case.pk).closure_reason == "lost_contact"


def test_note_texts_only_for_the_case_team(cast, fatima_case) -> None:
    from jisr.cases.selectors import case_notes_for_user

    case_note_add(actor=cast.ma_case_worker, case=fatima_case, body="she is staying with her aunt")
    assert [v.text for v in case_notes_for_user(cast.ma_case_worker, fatima_case)] == ["she is staying with her aunt"]
    assert [v.text for v in case_notes_for_user(cast.ma_supervisor, fatima_case)] == ["she is staying with her aunt"]
    [coordinator_view] = case_notes_for_user(cast.ma_coordinator, fatima_case)
    assert coordinator_view.text is None and not coordinator_view.unreadable
    assert not coordinator_view.erased


def test_notes_of_an_erased_person_say_erased(cast, fatima_case) -> None:
    from jisr.cases.selectors import case_notes_for_user
    from jisr.survivors.services import person_erase

    case_note_add(actor=cast.ma_case_worker, case=fatima_case, body="she is staying with her aunt")
    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="asked by the person")
    fatima_case.person.refresh_from_db()
    for user in (cast.ma_case_worker, cast.ma_supervisor, cast.ma_coordinator):
        [view] = case_notes_for_user(user, fatima_case)
        # Gone with her identity, for every reader: not a damaged row, not a matter of role.
        assert view.erased and view.unreadable and view.text is None
