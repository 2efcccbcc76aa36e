"""A word with two meanings reads with the gender of its own noun on each screen (each meaning has its own
context): a need's level is feminine in Arabic and Spanish (حاجة / necesidad) where a case's risk level is
masculine (خطر / riesgo); a care-plan goal is masculine in French and Spanish (objectif / objetivo) where a
roadmap action is feminine (action / acción); a training participant's "role" is her function, not a role
in Jisr."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from jisr.accounts.models import Membership
from jisr.care import services as care_services
from jisr.roadmap import services as roadmap_services
from jisr.roadmap.models import TrainingAttendance

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

# language -> (risk "high": masculine, need "high": feminine)
HIGH = {"ar": ("مرتفع", "مرتفعة"), "es": ("Alto", "Alta")}
# language -> {status: (goal: masculine, action: feminine)}
STATUSES = {
    "es": {"planned": ("Previsto", "Prevista"), "dropped": ("Abandonado", "Abandonada")},
    "fr": {"planned": ("Prévu", "Prévue"), "dropped": ("Abandonné", "Abandonnée")},
    "ar": {"planned": ("مبرمج", "مبرمج"), "dropped": ("متخلى عنه", "متخلى عنه")},
}


@pytest.fixture
def care_plan(cast, fatima_case):  # type: ignore[no-untyped-def]
    cw = cast.ma_case_worker
    care_services.risk_assessment_record(actor=cw, case=fatima_case, level="high", reasons=["debt"],
                                         assessed_on=TODAY)
    care_services.need_assess(actor=cw, case=fatima_case, domain="health", level="high", assessed_on=TODAY)
    care_services.goal_add(actor=cw, case=fatima_case, domain="health", description="Regular check-ups")
    dropped = care_services.goal_add(actor=cw, case=fatima_case, domain="legal", description="Residence permit")
    care_services.goal_set_status(actor=cw, goal=dropped, status="dropped")
    return fatima_case


@pytest.fixture
def actions(cast):  # type: ignore[no-untyped-def]
    planned = roadmap_services.action_create(actor=cast.ma_roadmap, title="Protocole", lead_organisation=cast.ma)
    dropped = roadmap_services.action_create(actor=cast.ma_roadmap, title="Guide", lead_organisation=cast.ma,
                                             start_on=dt.date(2025, 1, 1))
    roadmap_services.action_set_status(actor=cast.ma_roadmap, action=dropped, status="dropped",
                                       reason="Replaced by the protocol")
    return planned, dropped


@pytest.mark.parametrize("language", ["ar", "es"])
def test_need_level_is_feminine_risk_level_masculine(cast, care_plan, login_as, language):  # type: ignore[no-untyped-def]
    risk, need = HIGH[language]
    client = login_as(cast.ma_case_worker, language)
    case_page = client.get(reverse("web:case_detail", args=[care_plan.pk])).content.decode()
    assert f'text-bg-warning">{risk}</span>' in case_page
    care_page = client.get(reverse("care:case_care", args=[care_plan.pk]) + "?tab=plan").content.decode()
    assert f"<td>{need}</td>" in care_page  # the needs table
    assert f"<td>{risk}</td>" not in care_page
    overview = client.get(reverse("care:case_care", args=[care_plan.pk])).content.decode()
    assert f'text-bg-warning">{risk}</span>' in overview  # "Risk level:" on the care page itself
    assert f'text-bg-warning">{need}</span>' not in overview


@pytest.mark.parametrize("language", ["ar", "es", "fr"])
def test_goal_status_and_action_status_agree_with_their_noun(cast, care_plan, actions, login_as, language):  # type: ignore[no-untyped-def]
    words = STATUSES[language]
    care_page = login_as(cast.ma_case_worker, language).get(
        reverse("care:case_care", args=[care_plan.pk]) + "?tab=plan").content.decode()
    action_list = login_as(cast.ma_roadmap, language).get(reverse("roadmap:action_list")).content.decode()
    for status, (goal, action) in words.items():
        assert f'<span class="badge text-bg-primary">{goal}</span>' in care_page, status
        assert f'roadmap-status-{status}">{action}</span>' in action_list, status
        if goal != action:
            assert f'<span class="badge text-bg-primary">{action}</span>' not in care_page, status
            assert f'roadmap-status-{status}">{goal}</span>' not in action_list, status


@pytest.mark.parametrize(("language", "jisr_role", "function"),
                         [("ar", "الدور", "الصفة"), ("fr", "rôle", "fonction"), ("es", "función", "función")])
def test_a_participants_role_is_her_function_not_a_role_in_jisr(language, jisr_role, function):
    with translation.override(language):
        assert str(Membership._meta.get_field("role").verbose_name) == jisr_role
        assert str(TrainingAttendance._meta.get_field("profession").verbose_name) == function
