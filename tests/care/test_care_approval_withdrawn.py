"""A request that erasure resolved is "withdrawn", not "Sent back": nobody decided it. The approvals tab
says so in each language, names who withdrew it (not "decided by") and offers no decision on it."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jisr.care import services as care
from jisr.care.models import Approval, ApprovalStatus
from jisr.survivors.services import person_erase

WITHDRAWN = {"en": "Withdrawn", "ar": "سُحب", "fr": "Retiré", "es": "Retirado"}
WITHDRAWN_BY = {"en": "withdrawn by", "ar": "سحبها", "fr": "retiré par", "es": "retirado por"}


def _page(user: Any, case: Any, language: str) -> str:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("care:case_care", kwargs={"case_id": case.pk}) + "?tab=approvals")
    assert response.status_code == 200
    return response.content.decode()


def test_erasure_withdraws_rather_than_sends_back(cast: Any, fatima_case: Any) -> None:
    approval = care.closure_request(actor=cast.ma_case_worker, case=fatima_case, reason="lost_contact",
                                    comment="no news")
    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="she asked to be forgotten")
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.WITHDRAWN == "withdrawn"
    assert not Approval.objects.filter(status=ApprovalStatus.REJECTED).exists()


@pytest.mark.parametrize("language", ["en", "ar", "fr", "es"])
def test_the_approvals_tab_shows_a_withdrawn_request(cast: Any, fatima_case: Any, language: str) -> None:
    care.closure_request(actor=cast.ma_case_worker, case=fatima_case, reason="lost_contact", comment="no news")
    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="she asked to be forgotten")
    html = _page(cast.ma_supervisor, fatima_case, language)
    badge = html.split('data-approval-status="withdrawn">', 1)[1].split("</span>", 1)[0]
    assert badge == WITHDRAWN[language]
    assert 'class="badge text-bg-light border"' in html
    assert WITHDRAWN_BY[language] in html and cast.ma_supervisor.get_username() in html
    assert 'name="decision"' not in html  # nothing to decide


def test_a_request_sent_back_still_reads_decided_by(cast: Any, fatima_case: Any) -> None:
    approval = care.closure_request(actor=cast.ma_case_worker, case=fatima_case, reason="lost_contact",
                                    comment="no news")
    care.approval_reject(actor=cast.ma_supervisor, approval=approval, comment="not yet")
    html = _page(cast.ma_supervisor, fatima_case, "fr")
    assert 'data-approval-status="rejected">Renvoyé</span>' in html
    assert "décidé par" in html and "retiré par" not in html
