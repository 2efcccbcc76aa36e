"""The case opened from a referral names who sent it — the sending organisation on this instance, or the
partner instance — never the organisation that received it (its own)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jisr.accounts.roles import Role
from jisr.referrals import services as svc
from personas import _user
from referrals.conftest import give_consent
from referrals.test_referrals_inbox import referral_blob

pytestmark = pytest.mark.django_db


def _panel(user, case) -> str:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    c.cookies["jisr_language"] = "en"
    html = c.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    return html[html.index('id="case-referrals-title"'):]


def test_a_case_opened_from_a_referral_of_another_organisation_names_the_sender(cast, fatima_case) -> None:
    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    r = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                            reason="AdditionalServicesRequired", organisation=cast.es)
    focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    for event in ("receive", "accept"):
        r = svc.referral_transition(actor=focal, referral=r, event=event)
    case = svc.referral_open_case(actor=focal, referral=r, assignee=cast.es_case_worker)
    for user in (cast.es_case_worker, cast.es_supervisor):  # the case team
        html = _panel(user, case)
        assert "Opened from a referral by <bdi>Test MA</bdi>" in html
        assert "Test ES" not in html  # the receiving organisation is her own: never named as the sender


def test_a_case_opened_from_a_partner_referral_names_the_partner(cast, remote) -> None:
    _keys, partner = remote
    r = svc.inbox_receive(referral_blob(_keys))
    r = svc.referral_transition(actor=cast.ma_focal_point, referral=r, event="accept")
    case = svc.referral_open_case(actor=cast.ma_focal_point, referral=r, assignee=cast.ma_case_worker)
    html = _panel(cast.ma_case_worker, case)
    assert f"Opened from a referral by <bdi>{partner.name}</bdi>" in html
    assert "Test MA" not in html
