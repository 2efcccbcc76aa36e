"""A case opened from an accepted referral takes over what the package holds and the consent covered —
the risk level and the forms of exploitation — through the cases services (versioned, audited, the
referral named as the source), and its timeline says the person was registered from a referral. What
the referral did not share is never carried."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jisr.accounts.roles import Role
from jisr.audit.models import AuditEvent
from jisr.cases.services import case_set_exploitation, case_set_risk
from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from personas import _user
from referrals.conftest import give_consent

pytestmark = pytest.mark.django_db


def _case_events(case, action):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(action=action, target_id=str(case.pk)).order_by("seq"))


def _internal_case(cast, fatima_case, categories):  # type: ignore[no-untyped-def]
    """The Moroccan case (high risk, two forms of exploitation) referred to the Spanish organisation with
    `categories`, accepted, and the Spanish case opened from it."""
    case_set_risk(actor=cast.ma_case_worker, case=fatima_case, risk_level="high")
    case_set_exploitation(actor=cast.ma_case_worker, case=fatima_case, types=["SexualExploitation", "ForcedLabour"])
    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    r = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=categories,
                            reason="AdditionalServicesRequired", organisation=cast.es)
    focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    for event in ("receive", "accept"):
        r = svc.referral_transition(actor=focal, referral=r, event=event)
    return r, focal, svc.referral_open_case(actor=focal, referral=r, assignee=cast.es_case_worker)


def _timeline(user, case, lang="en") -> str:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    c.cookies["jisr_language"] = lang
    return c.get(reverse("web:case_timeline", args=[case.pk])).content.decode()


def test_risk_and_exploitation_are_carried_through_the_cases_services(cast, fatima_case) -> None:
    r, focal, case = _internal_case(cast, fatima_case, ["identity", "risk", "screening"])
    case.refresh_from_db()
    assert case.risk_level == "high"
    assert case.exploitation_types == ["ForcedLabour", "SexualExploitation"]  # the standard's order
    assert case.version == 3  # opened, then two versioned changes
    source = {"source": "referral", "referral": str(r.pk)}
    [risk] = _case_events(case, "case.risk")
    assert risk.details == {"from": "unknown", "to": "high", **source}
    [exploitation] = _case_events(case, "case.exploitation")
    assert exploitation.details == {"from": [], "to": ["ForcedLabour", "SexualExploitation"], **source}
    # By the assignee, as the case's opening is; in the receiving organisation's chain.
    assert {risk.actor_id, exploitation.actor_id} == {cast.es_case_worker.pk}
    assert {risk.chain, exploitation.chain} == {str(cast.es.pk)}

    # The registration: by the focal point, from the referral (ids only).
    [registered] = AuditEvent.objects.filter(action="referral.register_person", target_id=str(case.person_id))
    assert registered.actor_id == focal.pk and registered.details == {"referral": str(r.pk)}
    assert registered.chain == str(cast.es.pk)

    html = _timeline(cast.es_case_worker, case)
    assert "Person registered from a referral" in html
    assert "<bdi>import</bdi>" not in html and "Person registered</strong>" not in html
    assert "Risk level changed" in html and "High" in html
    assert "Forms of exploitation recorded" in html and "Sexual exploitation" in html
    for lang, label in (("ar", "تسجيل الشخص من إحالة"), ("fr", "Personne enregistrée à partir d"),
                        ("es", "Persona registrada a partir de una derivación")):
        assert label in _timeline(cast.es_case_worker, case, lang)


@pytest.mark.parametrize("categories", [["identity"], ["identity", "care_plan"], ["risk"], ["screening"]])
def test_what_the_referral_did_not_share_is_not_carried(cast, fatima_case, categories) -> None:
    _r, _focal, case = _internal_case(cast, fatima_case, categories)
    case.refresh_from_db()
    assert case.risk_level == ("high" if "risk" in categories else "unknown")
    assert case.exploitation_types == (["ForcedLabour", "SexualExploitation"] if "screening" in categories else [])
    assert len(_case_events(case, "case.risk")) == ("risk" in categories)
    assert len(_case_events(case, "case.exploitation")) == ("screening" in categories)


def test_a_sender_case_not_assessed_carries_nothing(cast, fatima_case) -> None:
    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    r = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["risk", "screening"],
                            reason="AdditionalServicesRequired", organisation=cast.es)
    focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    for event in ("receive", "accept"):
        r = svc.referral_transition(actor=focal, referral=r, event=event)
    case = svc.referral_open_case(actor=focal, referral=r, assignee=cast.es_case_worker)
    case.refresh_from_db()
    assert (case.risk_level, case.exploitation_types, case.version) == ("unknown", [], 1)
    assert not _case_events(case, "case.risk") and not _case_events(case, "case.exploitation")


def _partner_referral(keys, categories, package):  # type: ignore[no-untyped-def]
    own = svc.own_public_keys()
    payload = env.make_payload(
        sender=keys, recipient=own, kind="referral", referral_id=str(uuid.uuid4()),
        body={"event": "send", "reason": "MigrationOrChangeOfLocation", "categories": categories,
              "package": package, "message": "",
              "consent": {"reference": str(uuid.uuid4()), "purpose": "referral", "given_on": "2026-05-01",
                          "language": "es", "given_by": "survivor"}},
        now=timezone.now(), ttl=dt.timedelta(days=1))
    return svc.inbox_receive(env.seal(payload, sender=keys, recipient_encryption_public=own.encryption_public))


PARTNER_PACKAGE = {
    "identity": {"prs_FirstName": "Nadia", "prs_SecondName": "Amrani"},
    "risk": {"jisr_RiskLevel": "critical", "jisr_RiskReasons": ["threats"]},
    "screening": {"vic_TypeOfExploitation": ["Servitude", "NotAnHtcdsCode", 7, "ForcedBegging"]},
}


@pytest.mark.parametrize(("categories", "risk", "types"), [
    (["identity", "risk", "screening"], "critical", ["Servitude", "ForcedBegging"]),
    (["identity"], "unknown", []),  # the package holds more than was chosen: none of it is carried
])
def test_a_partner_referral_carries_what_it_shared(cast, remote, categories, risk, types) -> None:
    keys, _partner = remote
    r = _partner_referral(keys, categories, PARTNER_PACKAGE)
    r = svc.referral_transition(actor=cast.ma_focal_point, referral=r, event="accept")
    case = svc.referral_open_case(actor=cast.ma_focal_point, referral=r, assignee=cast.ma_case_worker)
    case.refresh_from_db()
    assert (case.risk_level, case.exploitation_types) == (risk, types)
    for event in (*_case_events(case, "case.risk"), *_case_events(case, "case.exploitation")):
        assert event.details["source"] == "referral" and event.details["referral"] == str(r.pk)
        assert "Nadia" not in str(event.details)


@pytest.mark.parametrize("package", [
    {"risk": {"jisr_RiskLevel": "extreme"}, "screening": {"vic_TypeOfExploitation": "Servitude"}},
    {"risk": {"jisr_RiskLevel": ["high"]}, "screening": {"vic_TypeOfExploitation": {"Servitude": 1}}},
    {"risk": "high", "screening": ["Servitude"]},
])
def test_a_partner_package_of_another_shape_carries_nothing_and_still_opens(cast, remote, package) -> None:
    keys, _partner = remote
    r = _partner_referral(keys, ["risk", "screening"], package)
    r = svc.referral_transition(actor=cast.ma_focal_point, referral=r, event="accept")
    case = svc.referral_open_case(actor=cast.ma_focal_point, referral=r, assignee=cast.ma_case_worker)
    case.refresh_from_db()
    assert (case.risk_level, case.exploitation_types, case.version) == ("unknown", [], 1)


def test_a_source_is_codes_and_ids(cast, fatima_case) -> None:
    with pytest.raises(ValueError):
        case_set_risk(actor=cast.ma_case_worker, case=fatima_case, risk_level="low", source={"to": "x"})
    with pytest.raises(ValueError):
        case_set_exploitation(actor=cast.ma_case_worker, case=fatima_case, types=[],
                              source={"source": 1})  # type: ignore[dict-item]
    fatima_case.refresh_from_db()
    assert fatima_case.version == 1 and not _case_events(fatima_case, "case.risk")
