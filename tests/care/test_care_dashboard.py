"""The follow-ups dashboard: overdue and due follow-ups for the right people, for no one outside the
team; reflection periods ending soon; approvals for supervisors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jisr.care import services as svc
from jisr.care.selectors import followups_dashboard

TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(cast, fatima_case):
    return svc.followup_schedule(actor=cast.ma_case_worker, case=fatima_case, kind="visit",
                                 due_on=TODAY - dt.timedelta(days=2))


def test_overdue_for_the_worker_and_her_supervisor(cast, fatima_case, overdue):
    soon = svc.followup_schedule(actor=cast.ma_case_worker, case=fatima_case, kind="call",
                                 due_on=TODAY + dt.timedelta(days=3))
    mine = followups_dashboard(cast.ma_case_worker)
    assert mine.overdue_mine == [overdue] and mine.due_mine == [soon] and not mine.overdue_team
    sup = followups_dashboard(cast.ma_supervisor)
    assert sup.overdue_team == [overdue] and sup.due_team == [soon] and not sup.overdue_mine


@pytest.mark.parametrize("persona", ["ma_case_worker_2", "ma_other_supervisor", "es_case_worker", "es_supervisor",
                                     "ma_analyst", "ma_focal_point", "ma_roadmap", "outsider"])
def test_no_one_outside_the_team_sees_it(cast, overdue, persona):
    assert followups_dashboard(getattr(cast, persona)).empty


def test_done_or_far_follow_ups_not_listed(cast, fatima_case, overdue):
    svc.followup_schedule(actor=cast.ma_case_worker, case=fatima_case, kind="call",
                          due_on=TODAY + dt.timedelta(days=30))
    svc.followup_complete(actor=cast.ma_case_worker, follow_up=overdue, done_on=TODAY)
    board = followups_dashboard(cast.ma_case_worker)
    assert not board.overdue_mine and not board.due_mine


def test_reflection_period_ending_alert(cast, fatima_case):
    svc.reflection_period_start(actor=cast.ma_case_worker, case=fatima_case, jurisdiction="ES",
                                starts_on=TODAY - dt.timedelta(days=80))
    assert [p.case for p in followups_dashboard(cast.ma_case_worker).reflection_ending] == [fatima_case]
    assert [p.case for p in followups_dashboard(cast.ma_supervisor).reflection_ending] == [fatima_case]
    assert not followups_dashboard(cast.es_supervisor).reflection_ending
    # A new period restated later replaces the earlier one: no alert for the old end.
    svc.reflection_period_start(actor=cast.ma_case_worker, case=fatima_case, jurisdiction="ES", starts_on=TODAY)
    assert not followups_dashboard(cast.ma_case_worker).reflection_ending


def test_pending_approvals_for_the_team_supervisor_only(cast, fatima_case):
    svc.closure_request(actor=cast.ma_case_worker, case=fatima_case, reason="lost_contact")
    assert len(followups_dashboard(cast.ma_supervisor).approvals) == 1
    assert not followups_dashboard(cast.ma_other_supervisor).approvals
    assert not followups_dashboard(cast.ma_case_worker).approvals


def test_page_lists_the_case_for_the_worker_not_for_others(login_as, cast, fatima_case, overdue):
    page = login_as(cast.ma_case_worker, "ar").get("/care/follow-ups/").content.decode()
    assert fatima_case.code in page and 'dir="rtl"' in page
    for persona in ("es_case_worker", "ma_other_supervisor", "ma_case_worker_2"):
        page = login_as(getattr(cast, persona)).get("/care/follow-ups/").content.decode()
        assert fatima_case.code not in page
