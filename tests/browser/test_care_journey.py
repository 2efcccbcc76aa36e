"""Consent and its printed form → care plan and follow-up → outcome measurement and trajectory, for
a case with a care record made by the care app's own demo seed (through the services). In Arabic
and in Spanish (the Spanish partner's case worker, on a case of her own organisation)."""

from __future__ import annotations

import pytest

from browser.kit import log_in
from personas import PASSWORD

TABS = ("overview", "consent", "risk", "legal", "plan", "services", "followups", "trainings", "approvals")


@pytest.fixture
def care_case(cast, request):  # type: ignore[no-untyped-def]
    from jisr.care.demo import seed_care_demo
    from jisr.cases.services import case_open
    from jisr.survivors.identity import Identity
    from jisr.survivors.services import person_register

    lang = request.param
    worker, org = (cast.ma_case_worker, cast.ma) if lang == "ar" else (cast.es_case_worker, cast.es)
    identity = (Identity(given_name="خديجة", family_name="العمراني", given_name_latin="Khadija",
                         family_name_latin="El Amrani")
                if lang == "ar" else Identity(given_name_latin="Lucía", family_name_latin="Martín Gómez"))
    person = person_register(actor=worker, organisation=org, identity=identity, sex="Feminine",
                             nationality="MA" if lang == "ar" else "ES", estimated_age=27)
    case = case_open(actor=worker, person=person)
    seed_care_demo(org)
    return lang, worker, case


@pytest.mark.parametrize("care_case", ["ar", "es"], indirect=True)
def test_consent_plan_followup_outcomes(open_page, care_case):  # type: ignore[no-untyped-def]
    lang, worker, case = care_case
    page, checker = open_page(f"care-{lang}", lang)
    log_in(page, checker, worker.username, PASSWORD)
    base = f"/cases/{case.pk}/"

    for tab in TABS:
        page.goto(f"{base}care/?tab={tab}")
        checker.check(f"care-{tab}")

    # A consent to share with a partner, recorded through the form, then its printed form (PDF).
    page.goto(f"{base}care/?tab=consent")
    form = page.locator("form[action$='/care/consent/']")
    form.locator("select[name=purpose]").select_option("referral")
    if form.locator("input[name=recipient]").count():
        form.locator("input[name=recipient]").fill("Test ES" if lang == "ar" else "Test MA")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".alert-success").count() == 1, page.locator("main").inner_text()[:400]
    checker.check("consent-recorded")
    pdf_href = page.locator("a[href$='/form.pdf']").first.get_attribute("href")
    pdf = page.request.get(pdf_href)
    assert pdf.ok and pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body().startswith(b"%PDF")

    # Follow-up done.
    page.goto(f"{base}care/?tab=followups")
    page.locator("main details summary").first.click()  # "mark as done" opens its form
    done = page.locator("form[action*='/follow-ups/'][action$='/done/']").first
    with page.expect_navigation():
        done.locator("button[type=submit]").click()
    assert page.locator(".alert-success").count() == 1, page.locator("main").inner_text()[:400]
    checker.check("followup-done")

    # A WHO-5 measurement typed in (Eastern Arabic digits in Arabic), then the trajectory.
    page.goto(f"{base}outcomes/")
    checker.check("outcomes")
    digits = "٤" if lang == "ar" else "4"
    for box in page.locator("form input.item-input").all():
        box.fill(digits)
    with page.expect_navigation():
        page.locator("form[action$='/outcomes/'] button[type=submit]").click()
    assert page.locator(".alert-success").count() == 1, page.locator("main").inner_text()[:400]
    assert page.locator("canvas").count() >= 1, "no trajectory chart"
    checker.check("outcomes-trajectory")
