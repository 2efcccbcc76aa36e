"""The case timeline holds the case's referrals: each transition of a referral sent from the case, or of
the one it was opened from (sent, received, accepted, declined, service started, completed, withdrawn…),
labelled in the reader's language — never a read of a referral, nor another case's referral."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jisr.accounts.roles import Role
from jisr.cases.selectors import case_timeline
from jisr.cases.services import case_open
from jisr.referrals import services as svc
from jisr.survivors.identity import Identity
from jisr.survivors.services import person_register
from personas import _user
from referrals.conftest import give_consent, instance, remote  # noqa: F401 — fixtures
from referrals.test_referrals_inbox import status_blob

pytestmark = pytest.mark.django_db


def _actions(case) -> list[str]:  # type: ignore[no-untyped-def]
    return [a for a in case_timeline(case).values_list("action", flat=True) if a.startswith("referral")]


def _page(user, url, lang="en") -> str:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    c.cookies["jisr_language"] = lang
    return c.get(url).content.decode()


def _refer(cast, case):  # type: ignore[no-untyped-def]
    give_consent(cast.ma_case_worker, case, "Test ES")
    return svc.referral_create(actor=cast.ma_case_worker, case=case, categories=["identity"],
                               reason="AdditionalServicesRequired", organisation=cast.es)


def test_both_cases_show_the_referral_between_them(cast, fatima_case) -> None:
    r = _refer(cast, fatima_case)
    focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    for event in ("receive", "accept"):
        r = svc.referral_transition(actor=focal, referral=r, event=event)
    new_case = svc.referral_open_case(actor=focal, referral=r, assignee=cast.es_case_worker)
    for event in ("start_service", "complete"):
        r = svc.referral_transition(actor=focal, referral=r, event=event, code="services_provided"
                                    if event == "complete" else "")
    expected = ["referral.complete", "referral.start_service", "referral.accept", "referral.receive", "referral.send"]
    assert _actions(fatima_case) == expected  # newest first; not referral.create, .view nor .open_case
    assert _actions(new_case) == ["referral.complete", "referral.start_service", "referral.register_person",
                                  "referral.accept", "referral.receive", "referral.send"]

    # The whole timeline page and the case page's panel, for each case team.
    for user, case in ((cast.ma_case_worker, fatima_case), (cast.es_case_worker, new_case)):
        for url in (reverse("web:case_timeline", args=[case.pk]), reverse("web:case_detail", args=[case.pk])):
            html = _page(user, url)
            for label in ("Referral sent", "Referral received", "Referral accepted",
                          "Service started under the referral", "Referral completed"):
                assert f"<strong>{label}</strong>" in html, (user, url, label)
            assert "referral." not in html  # no raw action code
    labels = {"ar": ("إرسال الإحالة", "قبول الإحالة", "إتمام الإحالة"),
              "fr": ("Orientation envoyée", "Orientation acceptée", "Orientation terminée"),
              "es": ("Derivación enviada", "Derivación aceptada", "Derivación completada")}
    for lang, words in labels.items():
        html = _page(cast.ma_case_worker, reverse("web:case_timeline", args=[fatima_case.pk]), lang)
        assert all(f"<strong>{w}</strong>" in html for w in words), lang


def test_declined_reopened_and_withdrawn_referrals(cast, fatima_case) -> None:
    focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    first = _refer(cast, fatima_case)
    svc.referral_transition(actor=focal, referral=first, event="receive")
    svc.referral_transition(actor=focal, referral=first, event="decline", code="no_capacity")
    svc.referral_transition(actor=focal, referral=first, event="reopen", note="capacity again")
    # The first is open again: a second one goes to another recipient (one open referral per recipient).
    give_consent(cast.ma_case_worker, fatima_case, "Rabat")
    second = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                                 reason="Other", team=cast.ma_other_team)
    svc.referral_transition(actor=cast.ma_case_worker, referral=second, event="withdraw")
    assert _actions(fatima_case) == ["referral.withdraw", "referral.send", "referral.reopen", "referral.decline",
                                     "referral.receive", "referral.send"]
    html = _page(cast.ma_case_worker, reverse("web:case_timeline", args=[fatima_case.pk]))
    for label in ("Referral declined", "Referral reopened", "Referral withdrawn"):
        assert f"<strong>{label}</strong>" in html
    # The notes written on the way are the referral's (sealed): the timeline never shows them.
    assert "capacity again" not in html


def test_another_cases_referral_is_not_in_the_timeline(cast, fatima_case) -> None:
    _refer(cast, fatima_case)
    person = person_register(actor=cast.ma_case_worker, organisation=cast.ma,
                             identity=Identity(given_name_latin="Salma", family_name_latin="Idrissi"))
    other = case_open(actor=cast.ma_case_worker, person=person)
    assert _actions(other) == []
    assert _actions(fatima_case) == ["referral.send"]


def test_a_partners_answers_are_in_the_senders_timeline(cast, fatima_case, remote) -> None:  # noqa: F811
    keys, partner = remote
    give_consent(cast.ma_case_worker, fatima_case, partner.name)
    r = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"], reason="Other",
                            partner=partner)
    for event, code in (("receive", ""), ("accept", ""), ("start_service", ""), ("complete", "services_provided")):
        svc.inbox_receive(status_blob(keys, r.exchange_id, event, code))
    assert _actions(fatima_case) == ["referral.complete", "referral.start_service", "referral.accept",
                                     "referral.receive", "referral.send"]
    html = _page(cast.ma_case_worker, reverse("web:case_timeline", args=[fatima_case.pk]))
    assert "<strong>Referral accepted</strong>" in html and f"<bdi>{partner.name}</bdi>" in html
