"""The care pages render in Arabic (dir=rtl) and French, accept Eastern Arabic digits, show consent
withdrawal, and never put personal data in a URL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from jisr.care import services as svc
from jisr.care.models import Consent, ReflectionPeriod
from jisr.care.views import TABS

TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db
NAMES = ("فاطمة", "بن علي", "Fatima", "Benali")


def _populate(cast, case):
    cw = cast.ma_case_worker
    c = svc.consent_record(actor=cw, case=case, purpose="assistance", given_by="survivor", method="written",
                           language="ar", given_on=TODAY - dt.timedelta(days=1))
    svc.risk_assessment_record(actor=cw, case=case, level="medium", reasons=["debt"], assessed_on=TODAY,
                               safety_plan="Code word with the shelter")
    svc.reflection_period_start(actor=cw, case=case, jurisdiction="ES", starts_on=TODAY)
    svc.proceeding_record(actor=cw, case=case, kind="hearing", on=TODAY)
    svc.need_assess(actor=cw, case=case, domain="health", level="high", assessed_on=TODAY)
    svc.goal_add(actor=cw, case=case, domain="health", description="Regular check-ups")
    svc.service_record(actor=cw, case=case, service_type="medical", domain="health", starts_on=TODAY)
    svc.followup_schedule(actor=cw, case=case, kind="hospital", due_on=TODAY)
    t = svc.training_create(actor=cw, kind="workshop", topic="Financial literacy", organiser="Demo",
                            starts_on=TODAY)
    svc.attendance_record(actor=cw, case=case, training=t)
    svc.closure_request(actor=cw, case=case, reason="reintegrated_recovered")
    return c


@pytest.mark.parametrize("language,direction", [("ar", "rtl"), ("fr", "ltr"), ("es", "ltr")])
def test_every_tab_renders(login_as, cast, fatima_case, language, direction):
    _populate(cast, fatima_case)
    client = login_as(cast.ma_case_worker, language)
    for key, _label in TABS:
        response = client.get(reverse("care:case_care", kwargs={"case_id": fatima_case.pk}) + f"?tab={key}")
        assert response.status_code == 200, key
        html = response.content.decode()
        assert f'lang="{language}" dir="{direction}"' in html
        for url in re.findall(r'(?:href|action|src)="([^"]*)"', html):
            assert not any(n in url for n in NAMES)
    for url in ("/care/follow-ups/", "/care/trainings/"):
        assert f'dir="{direction}"' in client.get(url).content.decode()


def test_arabic_page_is_translated(login_as, cast, fatima_case):
    html = login_as(cast.ma_case_worker, "ar").get(
        reverse("care:case_care", kwargs={"case_id": fatima_case.pk}) + "?tab=consent").content.decode()
    assert "الموافقة" in html


def test_supervisor_sees_safety_plan_coordinator_does_not(login_as, cast, fatima_case):
    _populate(cast, fatima_case)
    url = reverse("care:case_care", kwargs={"case_id": fatima_case.pk}) + "?tab=risk"
    assert "Code word with the shelter" in login_as(cast.ma_supervisor).get(url).content.decode()
    assert "Code word with the shelter" not in login_as(cast.ma_coordinator).get(url).content.decode()


def test_consent_form_post_with_eastern_digits_and_withdrawal_visible(login_as, cast, fatima_case):
    client = login_as(cast.ma_case_worker, "ar")
    base = reverse("care:case_care", kwargs={"case_id": fatima_case.pk})
    response = client.post(base + "consent/", {
        "purpose": "referral", "recipient": "Centre de santé", "given_by": "guardian", "method": "oral_witnessed",
        "witness_name": "Nadia", "language": "ar", "given_on": "٠١/٠١/٢٠٢٦"})
    assert response.status_code == 303
    consent = Consent.objects.get()
    assert consent.given_on == dt.date(2026, 1, 1) and consent.given_by == "guardian"
    response = client.post(base + f"consent/{consent.pk}/withdraw/", {"withdrawn_on": ""})
    assert response.status_code == 303
    page = client.get(base + "?tab=consent").content.decode()
    assert "تم سحبها" in page  # the "withdrawn" badge, in Arabic
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY


def test_invalid_form_changes_nothing(login_as, cast, fatima_case):
    client = login_as(cast.ma_case_worker)
    base = reverse("care:case_care", kwargs={"case_id": fatima_case.pk})
    response = client.post(base + "consent/", {"purpose": "referral", "given_by": "survivor", "method": "written",
                                               "language": "fr", "given_on": "01/01/2026"})
    assert response.status_code == 400 and not Consent.objects.exists()
    response = client.post(base + "reflection/", {"jurisdiction": "MA", "starts_on": "01/01/2026"})
    assert response.status_code == 400 and not ReflectionPeriod.objects.exists()
    response = client.post(base + "reflection/", {"jurisdiction": "MA", "starts_on": "01/01/2026",
                                                  "length_days": "٣٠"})
    assert response.status_code == 303 and ReflectionPeriod.objects.get().length_days == 30


def test_supervisor_approves_closure_through_the_page(login_as, cast, fatima_case):
    a = svc.closure_request(actor=cast.ma_case_worker, case=fatima_case, reason="voluntary_return")
    url = reverse("care:approval_decide", kwargs={"case_id": fatima_case.pk, "approval_id": a.pk})
    assert login_as(cast.ma_supervisor, "ar").post(url, {"decision": "approve"}).status_code == 303
    fatima_case.refresh_from_db()
    assert fatima_case.status == "closed" and fatima_case.closure_reason == "voluntary_return"


def test_goal_shows_its_target_date_and_selects_have_a_worded_empty_choice(login_as, cast, fatima_case):
    svc.goal_add(actor=cast.ma_case_worker, case=fatima_case, domain="health", description="Check-ups",
                 target_on=dt.date(2026, 12, 13))
    svc.training_create(actor=cast.ma_case_worker, kind="workshop", topic="Literacy", organiser="Demo",
                        starts_on=TODAY)
    url = reverse("care:case_care", kwargs={"case_id": fatima_case.pk})
    arabic = login_as(cast.ma_case_worker, "ar").get(url + "?tab=plan").content.decode()
    assert "التاريخ المستهدف 13/12/2026" in arabic and "القيمة المستهدفة" not in arabic
    assert '<option value="" selected>— لا شيء —</option>' in arabic  # the optional linked training
    french = login_as(cast.ma_case_worker, "fr").get(url + "?tab=plan").content.decode()
    assert "date cible 13/12/2026" in french
    trainings = login_as(cast.ma_case_worker, "fr").get(url + "?tab=trainings").content.decode()
    assert '<option value="" selected>— choisir —</option>' in trainings  # a required choice
    for key, _label in TABS:
        assert "---------" not in login_as(cast.ma_case_worker, "ar").get(url + f"?tab={key}").content.decode()


def test_erased_person_no_write_forms_and_texts_say_erased(login_as, cast, fatima_case):
    from jisr.care.selectors import ERASED, sealed_text
    from jisr.survivors.services import person_erase

    _populate(cast, fatima_case)
    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="asked by the person")
    fatima_case.person.refresh_from_db()
    url = reverse("care:case_care", kwargs={"case_id": fatima_case.pk})
    # Consent withdrawal stays offered: she may always withdraw, and the service accepts it.
    allowed = ("/withdraw/", "/form.pdf")
    for user in (cast.ma_case_worker, cast.ma_supervisor):
        client = login_as(user, "ar")
        for key, _label in TABS:
            html = client.get(url + f"?tab={key}").content.decode()
            assert "data-erased-notice" in html, key
            actions = re.findall(r'<form method="post" action="([^"]*)"', html)
            assert all(a.endswith(allowed) or "/i18n/" in a or "logout" in a for a in actions), (key, actions)
    risk = login_as(cast.ma_case_worker, "ar").get(url + "?tab=risk").content.decode()
    with translation.override("ar"):
        care_team_only = translation.gettext("Only the care team can read this.")
    assert "مُحي مع هوية الشخص." in risk and care_team_only not in risk
    assessment = fatima_case.risk_assessments.get()
    for user in (cast.ma_case_worker, cast.ma_coordinator):
        assert sealed_text(user, assessment, "safety_plan", fatima_case.person) is ERASED
    assert not ERASED and str(ERASED) == ""
    # The services refuse too (a stale form): nothing is written.
    post = login_as(cast.ma_case_worker, "ar").post(reverse("care:need_add", kwargs={"case_id": fatima_case.pk}),
                                                     {"domain": "health", "level": "high", "assessed_on": "01/01/2026"})
    assert post.status_code == 409 and fatima_case.needs.count() == 1
