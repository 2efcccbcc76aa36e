"""The recipient reads the shared package with every code named in her language: needs, goals, services,
risk level and reasons, TRM stage, forms of exploitation, nationality (the package itself keeps codes)."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_countries import countries

from jisr.care.models import (
    Domain,
    Goal,
    GoalStatus,
    NeedAssessment,
    NeedLevel,
    RiskAssessment,
    RiskReason,
    Service,
    ServiceStatus,
    ServiceType,
)
from jisr.cases.models import Case, ExploitationType, RiskLevel, TrmStage
from jisr.crypto.services import unseal
from jisr.referrals import services as svc
from referrals.conftest import give_consent

pytestmark = pytest.mark.django_db

# Every code the package below carries, as the care / cases apps store it.
CODES = ("health", "legal", "high", "medium", "in_progress", "legal_aid", "arranged", "traffickers_know_location",
         "debt", "SexualExploitation", "first_assistance")


def _field_values(html: str) -> dict[str, str]:
    pairs = re.findall(r'data-field="(\w+)">[^<]*</dt><dd class="col-sm-8"><bdi>(.*?)</bdi></dd>', html, re.S)
    return {name: html_lib.unescape(value) for name, value in pairs}


@pytest.fixture
def referral(cast, fatima_case):  # type: ignore[no-untyped-def]
    case, worker, today = fatima_case, cast.ma_case_worker, dt.date.today()
    Case.objects.filter(pk=case.pk).update(trm_stage=TrmStage.FIRST_ASSISTANCE,
                                           exploitation_types=[ExploitationType.SEXUAL_EXPLOITATION])
    case.refresh_from_db()
    NeedAssessment.objects.create(case=case, domain=Domain.HEALTH, level=NeedLevel.HIGH, assessed_on=today,
                                  assessed_by=worker)
    NeedAssessment.objects.create(case=case, domain=Domain.LEGAL, level=NeedLevel.MEDIUM, assessed_on=today,
                                  assessed_by=worker)
    Goal.objects.create(case=case, domain=Domain.LEGAL, description=b"", status=GoalStatus.IN_PROGRESS,
                        target_on=dt.date(2031, 3, 12), created_by=worker)
    Service.objects.create(case=case, service_type=ServiceType.LEGAL_AID, domain=Domain.LEGAL, starts_on=today,
                           status=ServiceStatus.ARRANGED, recorded_by=worker)
    RiskAssessment.objects.create(case=case, level=RiskLevel.HIGH, assessed_on=today, assessed_by=worker,
                                  reasons=[RiskReason.TRAFFICKERS_KNOW_LOCATION, RiskReason.DEBT])
    give_consent(worker, case, "Test ES")
    return svc.referral_create(actor=worker, case=case, categories=["identity", "screening", "care_plan", "risk"],
                               reason="MigrationOrChangeOfLocation", organisation=cast.es)


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_recipient_reads_labels_not_codes(cast, referral, language) -> None:
    from jisr.accounts.roles import Role
    from personas import _user

    focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    client = Client()
    client.force_login(focal)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert response.status_code == 200
    shown = _field_values(response.content.decode())
    with translation.override(language):
        target = f"{Goal._meta.get_field('target_on').verbose_name} 12/03/2031"
        expected = {
            "jisr_TrmStage": str(TrmStage.FIRST_ASSISTANCE.label),
            "jisr_Needs": f"{Domain.HEALTH.label}: {NeedLevel.HIGH.label}",
            "jisr_Goals": f"{Domain.LEGAL.label}: {GoalStatus.IN_PROGRESS.label} · {target}",
            "jisr_Services": f"{ServiceType.LEGAL_AID.label}: {ServiceStatus.ARRANGED.label}",
            "jisr_RiskLevel": str(RiskLevel.HIGH.label),
            "jisr_RiskReasons": str(RiskReason.TRAFFICKERS_KNOW_LOCATION.label),
            "vic_TypeOfExploitation": str(ExploitationType.SEXUAL_EXPLOITATION.label),
            "prs_Citizenship": str(countries.name("MA")),
        }
    for name, text in expected.items():
        assert text in shown[name], f"{language} {name}: {shown[name]!r}"
    assert str(RiskReason.DEBT.label) not in shown["jisr_RiskLevel"]
    for name, value in shown.items():
        for code in CODES:
            assert not re.search(rf"\b{code}\b", value), f"{language} {name}: raw code {code!r} in {value!r}"
        assert value != "MA", f"{language} {name}: raw country code"
    # The package as stored (and sent to a partner) keeps the codes.
    package = json.loads(unseal(referral, "package", referral.data_key))
    assert package["care_plan"]["jisr_Needs"][0] == {"domain": "health", "level": "high"}
    assert package["risk"]["jisr_RiskReasons"] == ["traffickers_know_location", "debt"]
