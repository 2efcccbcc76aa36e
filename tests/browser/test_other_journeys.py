"""The other roles' journeys: the referral screens (case worker, partner focal point), the analyst's
dashboard and export, the roadmap member's roadmap. Data made by the apps' own services and demo seeds."""

from __future__ import annotations

import pytest

from browser.kit import log_in
from personas import PASSWORD


@pytest.mark.parametrize("lang", ["ar", "es"])
def test_referral_inside_the_instance(open_page, cast, lang):  # type: ignore[no-untyped-def]
    """A case worker refers a case to another organisation on the same instance; its focal point
    receives and accepts it; the sender's page shows each state."""
    import datetime as dt

    from jisr.accounts.models import Membership, User
    from jisr.accounts.roles import Role
    from jisr.care.services import consent_record
    from jisr.cases.services import case_open
    from jisr.survivors.identity import Identity
    from jisr.survivors.services import person_register

    sender, receiving_org = (cast.ma_case_worker, cast.es) if lang == "ar" else (cast.es_case_worker, cast.ma)
    focal = User.objects.create_user(f"focal-{lang}", password=PASSWORD)
    Membership.objects.create(user=focal, organisation=receiving_org, role=Role.PARTNER_FOCAL_POINT)
    person = person_register(
        actor=sender,
        organisation=sender.organisation,
        sex="Feminine",
        estimated_age=30,
        identity=Identity(given_name_latin="Amina", family_name_latin="Haddad"),
    )
    case = case_open(actor=sender, person=person)
    consent_record(
        actor=sender,
        case=case,
        purpose="referral",
        given_by="survivor",
        method="written",
        language=lang,
        given_on=dt.date.today(),
        recipient=receiving_org.name,
    )

    page, checker = open_page(f"referral-{lang}", lang)
    log_in(page, checker, sender.username, PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    page.click(f"a[href='/cases/{case.pk}/refer/']")
    page.select_option("#id_recipient", f"org:{receiving_org.pk}")
    page.check("input[name=categories][value=identity]")
    page.select_option("#id_reason", index=1)
    checker.check("refer-form")
    with page.expect_navigation():
        page.click("form[action$='/refer/'] button[type=submit]")
    checker.check("sent")
    page.goto("/referrals/sent/")
    checker.check("outbox")
    page.click("main a[href^='/referrals/'][href$='/']:not([href*='import'])")
    referral_url = page.url

    fp, fp_checker = open_page(f"referral-{lang}-focal", lang)
    log_in(fp, fp_checker, focal.username, PASSWORD)
    fp.goto("/referrals/received/")
    fp_checker.check("inbox")
    fp.click("main a[href^='/referrals/'][href$='/']:not([href*='import'])")
    fp_checker.check("referral-received")
    assert "Amina" in fp.content()  # the identity category was shared
    for event in ("receive", "accept"):  # in the instance, the focal point acknowledges receipt first
        form = fp.locator(f"form:has(input[name=event][value={event}])")
        if event == "receive" and not form.count():
            continue
        with fp.expect_navigation():
            form.locator("button[type=submit]").click()
    fp_checker.check("accepted")
    assert fp.locator("h1 [data-state]").first.get_attribute("data-state") == "accepted"
    page.goto(referral_url)
    checker.check("sender-sees-accepted")
    assert page.locator("h1 [data-state]").first.get_attribute("data-state") == "accepted"


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_analyst_dashboard_and_export(open_page, cast, fatima_case, lang):  # type: ignore[no-untyped-def]
    page, checker = open_page(f"analyst-{lang}", lang)
    log_in(page, checker, cast.ma_analyst.username, PASSWORD)
    for path, step in (
        ("/statistics/", "dashboard"),
        ("/statistics/context/", "context"),
        ("/statistics/exports/", "exports"),
    ):
        page.goto(path)
        checker.check(step)
    csv = page.locator("a[href$='.csv']").first
    if csv.count():
        response = page.request.get(csv.get_attribute("href"))
        assert response.ok, response.status


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_roadmap(open_page, cast, lang):  # type: ignore[no-untyped-def]
    import importlib

    from django.apps import apps

    from jisr.roadmap.demo import seed_roadmap_demo
    from jisr.roadmap.models import StrategicArea

    # The live server's transactional database is flushed between tests, data migrations included:
    # put the strategic areas back as their migration does.
    if not StrategicArea.objects.exists():
        importlib.import_module("jisr.roadmap.migrations.0002_strategic_areas").seed(apps, None)
    seed_roadmap_demo([cast.ma, cast.es])
    page, checker = open_page(f"roadmap-{lang}", lang)
    log_in(page, checker, cast.ma_roadmap.username, PASSWORD)
    for path, step in (
        ("/roadmap/", "dashboard"),
        ("/roadmap/areas/", "areas"),
        ("/roadmap/events/", "events"),
        ("/roadmap/recommendations/", "recommendations"),
        ("/roadmap/actions/", "actions"),
        ("/roadmap/trainings/", "trainings"),
        ("/roadmap/practices/", "practices"),
    ):
        page.goto(path)
        checker.check(step)
    page.goto("/roadmap/recommendations/")
    page.locator("main a[href*='/roadmap/recommendations/'][href$='/']").last.click()
    page.wait_for_load_state()
    checker.check("recommendation")
