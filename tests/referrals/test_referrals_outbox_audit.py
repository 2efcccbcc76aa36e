"""The list of referrals sent shows each one's case code: it is a read of those cases, put on record like the
other list reads (one event naming ids only), and nothing is recorded for an empty list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jisr.referrals import services as svc
from referrals.conftest import events, give_consent

pytestmark = pytest.mark.django_db


def _outbox(user) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get(reverse("referrals:outbox"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_of_referrals_sent_is_an_audited_read(cast, fatima_case) -> None:
    assert "MA-TEST" not in _outbox(cast.ma_supervisor)
    assert not events("referral.list_view")  # an empty list reads nothing
    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    referral = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                                   reason="Other", organisation=cast.es)

    assert fatima_case.code in _outbox(cast.ma_supervisor)

    [read] = events("referral.list_view")
    assert read.actor == cast.ma_supervisor and read.organisation_id == cast.ma.pk
    assert read.details == {"box": "outbox", "referrals": [str(referral.pk)], "cases": [str(fatima_case.pk)]}
