"""The other roles' journeys: the referral screens (case worker, partner focal point), the analyst's
dashboard and export, the roadmap member's roadmap. Data made by the apps' own services and demo seeds."""

from __future__ import annotations

import pytest

from browser.kit import log_in
from personas import PASSWORD


@pytest.mark.parametrize("lang", ["ar", "es"])
def test_referral_screens(open_page, cast, lang):  # type: ignore[no-untyped-def]
    from jisr.care.demo import seed_care_demo
    from jisr.cases.services import case_open
    from jisr.survivors.identity import Identity
    from jisr.survivors.services import person_register

    worker, focal = (cast.ma_case_worker, cast.ma_focal_point) if lang == "ar" else (cast.es_case_worker, None)
    org = worker.organisation
    person = person_register(actor=worker, organisation=org, sex="Feminine", estimated_age=30,
                             identity=Identity(given_name_latin="Amina", family_name_latin="Haddad"))
    case = case_open(actor=worker, person=person)
    seed_care_demo(org)  # consents for assistance and statistics

    page, checker = open_page(f"referral-{lang}", lang)
    log_in(page, checker, worker.username, PASSWORD)
    page.goto(f"/cases/{case.pk}/refer/")
    checker.check("refer-form")
    page.goto("/referrals/sent/")
    checker.check("outbox")
    if focal is not None:
        fp, fp_checker = open_page(f"referral-{lang}-focal", lang)
        log_in(fp, fp_checker, focal.username, PASSWORD)
        fp.goto("/referrals/received/")
        fp_checker.check("inbox")


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_analyst_dashboard_and_export(open_page, cast, fatima_case, lang):  # type: ignore[no-untyped-def]
    page, checker = open_page(f"analyst-{lang}", lang)
    log_in(page, checker, cast.ma_analyst.username, PASSWORD)
    for path, step in (("/statistics/", "dashboard"), ("/statistics/context/", "context"),
                       ("/statistics/exports/", "exports")):
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
    for path, step in (("/roadmap/", "dashboard"), ("/roadmap/areas/", "areas"), ("/roadmap/events/", "events"),
                       ("/roadmap/recommendations/", "recommendations"), ("/roadmap/actions/", "actions"),
                       ("/roadmap/trainings/", "trainings"), ("/roadmap/practices/", "practices")):
        page.goto(path)
        checker.check(step)
    page.goto("/roadmap/recommendations/")
    page.locator("main a[href*='/roadmap/recommendations/'][href$='/']").last.click()
    page.wait_for_load_state()
    checker.check("recommendation")
