"""Referrals inside one instance: consent gate, package per category, recipient view field by field,
transitions and their audit events, withdrawal, consent withdrawal, a case opened from a referral."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from jisr.care.services import consent_withdraw, risk_assessment_record
from jisr.cases.selectors import case_get_for_user, cases_visible_to
from jisr.common.errors import PermissionDeniedError, StateError
from jisr.referrals import services as svc
from jisr.referrals.package import CATEGORY_FIELDS
from jisr.referrals.selectors import referral_get_for_user
from referrals.conftest import events, give_consent

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _to_es(cast, case, categories):  # type: ignore[no-untyped-def]
    give_consent(cast.ma_case_worker, case, "test es")  # matched case-insensitively
    return svc.referral_create(actor=cast.ma_case_worker, case=case, categories=categories,
                               reason="MigrationOrChangeOfLocation", organisation=cast.es)


def _es_focal(cast):  # type: ignore[no-untyped-def]
    from jisr.accounts.roles import Role
    from personas import _user

    return _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)


def test_no_consent_no_referral(cast, fatima_case) -> None:
    with pytest.raises(PermissionDeniedError):
        svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                            reason="Other", organisation=cast.es)
    give_consent(cast.ma_case_worker, fatima_case, "Somebody else")
    with pytest.raises(PermissionDeniedError):
        svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                            reason="Other", organisation=cast.es)


def test_send_is_audited_and_roles_checked(cast, fatima_case) -> None:
    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    with pytest.raises(PermissionDeniedError):
        svc.referral_create(actor=cast.ma_coordinator, case=fatima_case, categories=["identity"], reason="Other",
                            organisation=cast.es)
    r = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"], reason="Other",
                            organisation=cast.es)
    assert r.state == "sent"
    [create] = events("referral.create")
    assert create.details["categories"] == ["identity"] and create.target_id == str(r.pk)
    assert events("referral.send")[0].details == {"from": "draft", "to": "sent", "direction": "internal",
                                                  "remote": False}
    assert "Fatima" not in str(create.details) and "Benali" not in str(create.details)


@pytest.mark.parametrize("chosen", [["screening"], ["identity"], ["contact", "risk"], ["care_plan", "documents"]])
def test_recipient_sees_only_the_package_field_by_field(cast, fatima_case, chosen) -> None:
    risk_assessment_record(actor=cast.ma_case_worker, case=fatima_case, level="high", reasons=["threats"],
                           assessed_on=dt.date.today(), safety_plan="Stay at the shelter in Tangier")
    r = _to_es(cast, fatima_case, chosen)
    focal = _es_focal(cast)
    html = _client(focal).get(reverse("referrals:detail", args=[r.pk])).content.decode()
    shown = set(re.findall(r'data-field="([A-Za-z_]+)"', html))
    allowed = {f for c in chosen for f in CATEGORY_FIELDS[c]}
    assert shown and shown <= allowed
    assert shown == allowed  # every field of the chosen categories is listed, nothing else
    secrets = {"identity": ["Fatima", "Benali", "فاطمة"], "contact": ["+212612345678"],
               "documents": ["AB123456"], "risk": ["Stay at the shelter"]}
    for category, values in secrets.items():
        for value in values:
            assert (value in html) == (category in chosen), (category, value)
    # and never the sender's case
    assert fatima_case.code not in html or "identity" in chosen  # the code travels only as jisr_PersonCode
    with pytest.raises(Http404):
        case_get_for_user(focal, fatima_case.pk)


def test_package_hidden_once_consent_is_withdrawn_and_referral_cancelled(cast, fatima_case) -> None:
    r = _to_es(cast, fatima_case, ["identity"])
    focal = _es_focal(cast)
    consent = r.consent
    consent_withdraw(actor=cast.ma_case_worker, consent=consent)
    # Withdrawing consent cancels the referral in the same transaction (care -> referrals hook).
    response = _client(focal).get(reverse("referrals:detail", args=[r.pk]))
    assert "Fatima" not in response.content.decode()
    assert svc.on_consent_withdrawn(actor=cast.ma_case_worker, consent=consent) == []  # nothing left open
    r.refresh_from_db()
    assert r.state == "cancelled" and r.package is None
    assert events("referral.cancel")[0].details["to"] == "cancelled"


def test_full_path_and_invalid_transitions(cast, fatima_case) -> None:
    r = _to_es(cast, fatima_case, ["identity"])
    focal = _es_focal(cast)
    with pytest.raises(StateError):
        svc.referral_transition(actor=focal, referral=r, event="accept")  # not received yet
    with pytest.raises(PermissionDeniedError):
        svc.referral_transition(actor=cast.ma_case_worker, referral=r, event="receive")  # wrong side
    with pytest.raises(ValueError):
        svc.referral_transition(actor=focal, referral=r, event="decline")  # needs a reason
    for event in ("receive", "accept", "start_service"):
        r = svc.referral_transition(actor=focal, referral=r, event=event)
    r = svc.referral_transition(actor=focal, referral=r, event="complete", code="services_provided")
    assert r.state == "completed" and r.outcome == "services_provided"
    with pytest.raises(ValueError):
        svc.referral_transition(actor=focal, referral=r, event="reopen")  # needs a note
    r = svc.referral_transition(actor=focal, referral=r, event="reopen", note="she came back")
    assert r.state == "in_service"
    assert [t.event for t in r.transitions.all()] == ["send", "receive", "accept", "start_service", "complete",
                                                      "reopen"]
    for event in ("receive", "accept", "start_service", "complete", "reopen"):
        assert events(f"referral.{event}"), event
    # The sender sees each state on her screen.
    html = _client(cast.ma_case_worker).get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert "Fatima" not in html  # the sender's detail page shows no package


def test_sender_or_supervisor_can_always_withdraw(cast, fatima_case) -> None:
    r = _to_es(cast, fatima_case, ["identity"])
    focal = _es_focal(cast)
    svc.referral_transition(actor=focal, referral=r, event="receive")
    focal.is_active = False  # whatever the state of the recipient's account
    focal.save()
    with pytest.raises(PermissionDeniedError):
        svc.referral_transition(actor=cast.ma_case_worker_2, referral=r, event="withdraw")
    r = svc.referral_transition(actor=cast.ma_supervisor, referral=r, event="withdraw", note="moved")
    assert r.state == "withdrawn" and r.package is None
    focal.is_active = True
    focal.save()
    assert svc.shared_package(r) == {}
    # Past referrals stay visible to the recipient, without the package.
    html = _client(focal).get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert "Fatima" not in html and "Benali" not in html
    assert events("referral.withdraw")[0].actor_id == cast.ma_supervisor.pk


def test_team_referral_inside_the_organisation(cast, fatima_case) -> None:
    give_consent(cast.ma_case_worker, fatima_case, "Rabat")
    r = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["care_plan"],
                            reason="AdditionalServicesRequired", team=cast.ma_other_team)
    assert referral_get_for_user(cast.ma_other_supervisor, r.pk) == r
    with pytest.raises(Http404):
        referral_get_for_user(cast.ma_focal_point, r.pk)
    svc.referral_transition(actor=cast.ma_other_supervisor, referral=r, event="receive")
    svc.referral_transition(actor=cast.ma_other_supervisor, referral=r, event="decline", code="no_capacity")
    r.refresh_from_db()
    assert r.state == "declined" and r.decline_reason == "no_capacity" and r.package is None


def test_focal_point_opens_a_case_and_the_two_cases_stay_apart(cast) -> None:
    from jisr.cases.services import case_open
    from jisr.survivors.identity import Identity
    from jisr.survivors.services import person_register

    person = person_register(actor=cast.es_case_worker, organisation=cast.es,
                             identity=Identity(given_name_latin="Lucia", family_name_latin="Moreno",
                                               phone="+34600000002"), estimated_age=30)
    es_case = case_open(actor=cast.es_case_worker, person=person)
    give_consent(cast.es_case_worker, es_case, "Test MA")
    r = svc.referral_create(actor=cast.es_case_worker, case=es_case, categories=["identity"],
                            reason="MigrationOrChangeOfLocation", organisation=cast.ma)
    with pytest.raises(StateError):
        svc.referral_open_case(actor=cast.ma_focal_point, referral=r, assignee=cast.ma_case_worker)
    svc.referral_transition(actor=cast.ma_focal_point, referral=r, event="receive")
    svc.referral_transition(actor=cast.ma_focal_point, referral=r, event="accept")
    ma_case = svc.referral_open_case(actor=cast.ma_focal_point, referral=r, assignee=cast.ma_case_worker)
    assert ma_case.organisation == cast.ma and ma_case.person.estimated_age == 30
    assert events("referral.open_case")[0].details["case"] == str(ma_case.pk)
    # The focal point follows the case she opened (visibility hook); the phone was not shared.
    assert cases_visible_to(cast.ma_focal_point).filter(pk=ma_case.pk).exists()
    from jisr.survivors.services import person_identity

    assert person_identity(ma_case.person).phone == ""
    # Neither side sees the other's case.
    assert not cases_visible_to(cast.ma_focal_point).filter(pk=es_case.pk).exists()
    assert not cases_visible_to(cast.es_case_worker).filter(pk=ma_case.pk).exists()
    assert not cases_visible_to(cast.es_supervisor).filter(pk=ma_case.pk).exists()
    assert not cases_visible_to(cast.ma_other_supervisor).filter(pk=ma_case.pk).exists()
