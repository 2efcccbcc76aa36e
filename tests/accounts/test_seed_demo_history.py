"""`jisr seed_demo --history N`: N past cases per organisation, registered, opened and closed through the
services, dated inside the last eight completed calendar quarters (what analysts may ask for)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from jisr.audit.models import AuditEvent
from jisr.cases.models import Case, CaseStatus


@pytest.mark.django_db
def test_history_cases_are_closed_and_inside_completed_quarters() -> None:
    call_command("seed_demo", "--password", "demo-password-for-tests", "--history", "12")
    today = dt.date.today()
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    past = Case.objects.filter(opened_on__lt=quarter_start)
    assert past.count() == 24  # 12 per organisation
    assert set(past.values_list("organisation__slug", flat=True)) == {"demo-ma", "demo-es"}
    assert all(c.status == CaseStatus.CLOSED and c.opened_on <= c.closed_on < quarter_start for c in past)
    assert min(c.opened_on for c in past) >= quarter_start - dt.timedelta(days=8 * 92)
    # Through the services: each past case has its opening and closing in the audit trail.
    ids = [str(pk) for pk in past.values_list("pk", flat=True)]
    assert AuditEvent.objects.filter(action="case.close", target_id__in=ids).count() == 24
