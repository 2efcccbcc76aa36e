"""Erasing a person resolves the requests still waiting for a supervisor on her cases (a closure request,
a care plan), in the same transaction: otherwise they wait forever, since nothing can be decided about an
erased person. The audit trail says so with a reason that names no one; a refused erasure changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest

from jisr.audit.models import AuditEvent
from jisr.care import services as care
from jisr.care.models import Approval, ApprovalStatus
from jisr.care.selectors import followups_dashboard
from jisr.cases.models import CaseStatus
from jisr.survivors.services import WITHDRAWN_BY_ERASURE, IdentityInReasonError, person_erase

NAMES = ("فاطمة", "بن علي", "Fatima", "Benali", "612345678", "AB123456")


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def _closure(cast: Any, case: Any) -> Approval:
    return care.closure_request(actor=cast.ma_case_worker, case=case, reason="lost_contact", comment="no news")


def test_erasure_withdraws_a_pending_closure_request(cast: Any, fatima_case: Any) -> None:
    approval = _closure(cast, fatima_case)
    assert [a.pk for a in followups_dashboard(cast.ma_supervisor).approvals] == [approval.pk]

    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="she asked to be forgotten")

    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.WITHDRAWN
    assert approval.decided_by == cast.ma_supervisor and approval.decided_at is not None
    assert not Approval.objects.filter(status=ApprovalStatus.PENDING).exists()
    assert followups_dashboard(cast.ma_supervisor).approvals == []  # no longer waiting on the dashboard
    fatima_case.refresh_from_db()
    assert fatima_case.status == CaseStatus.OPEN  # closing stays a supervisor's decision

    [event] = _events("care.closure_withdraw")
    assert event.target_type and event.target_id == str(fatima_case.pk)
    assert event.actor == cast.ma_supervisor and event.organisation == cast.ma
    assert event.reason == WITHDRAWN_BY_ERASURE
    assert event.details == {"approval": str(approval.pk), "why": "person_erased"}
    assert not any(name.lower() in (event.reason + str(event.details)).lower() for name in NAMES)
    # Recorded in the same transaction as the erasure, just before it.
    [erase] = _events("person.erase")
    assert event.chain == erase.chain and event.seq < erase.seq


def test_erasure_withdraws_a_pending_care_plan_too(cast: Any, fatima_case: Any) -> None:
    care.goal_add(actor=cast.ma_case_worker, case=fatima_case, domain="health", description="see a doctor",
                  target_on=dt.date(2030, 1, 1))
    plan = care.care_plan_submit(actor=cast.ma_case_worker, case=fatima_case)
    closure = _closure(cast, fatima_case)
    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="she asked to be forgotten")
    assert {a.status for a in Approval.objects.filter(pk__in=[plan.pk, closure.pk])} == {ApprovalStatus.WITHDRAWN}
    assert len(_events("care.care_plan_withdraw")) == 1 and len(_events("care.closure_withdraw")) == 1


def test_decided_requests_are_left_as_they_were(cast: Any, fatima_case: Any) -> None:
    approval = _closure(cast, fatima_case)
    care.approval_reject(actor=cast.ma_supervisor, approval=approval, comment="not yet")
    decided_at = Approval.objects.get(pk=approval.pk).decided_at
    person_erase(actor=cast.ma_coordinator, person=fatima_case.person, reason="she asked to be forgotten")
    approval.refresh_from_db()
    assert approval.decided_by == cast.ma_supervisor and approval.decided_at == decided_at
    assert not _events("care.closure_withdraw")


def test_a_refused_erasure_leaves_the_request_pending(cast: Any, fatima_case: Any) -> None:
    approval = _closure(cast, fatima_case)
    with pytest.raises(IdentityInReasonError):
        person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="Fatima Benali asked for it")
    assert Approval.objects.get(pk=approval.pk).status == ApprovalStatus.PENDING
    assert not _events("care.closure_withdraw")


def test_the_withdrawal_rolls_back_with_a_failed_erasure(cast: Any, fatima_case: Any) -> None:
    """Same transaction: if destroying the key fails after the request was withdrawn, nothing stays."""
    approval = _closure(cast, fatima_case)
    with mock.patch("jisr.survivors.services.data_key_destroy", side_effect=RuntimeError("disk full")), \
            pytest.raises(RuntimeError):
        person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="she asked to be forgotten")
    assert Approval.objects.get(pk=approval.pk).status == ApprovalStatus.PENDING
    assert not _events("care.closure_withdraw") and not _events("person.erase")
    fatima_case.person.refresh_from_db()
    assert not fatima_case.person.is_erased
