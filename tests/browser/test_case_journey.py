"""The case worker's path (DESIGN.md §3): log in → register a person, with the duplicate suggestion
shown for a spelling variant of someone already registered → open a case → screening with its
explanation → a note → closure. In Arabic (right-to-left) and in French."""

from __future__ import annotations

import re

import pytest

from browser.kit import log_in
from personas import PASSWORD

# What the case worker types: a spelling variant of the person registered by the `fatima_case`
# fixture (فاطمة بن علي / Fatima Benali), so the duplicate suggestion must appear.
VARIANT = {"ar": ("فاطمه", "بن علي"), "fr": ("Fatma", "Ben Ali")}
TEXT = {
    "ar": {"suggestion": "قد يكون", "note": "زيارة منزلية، كل شيء على ما يرام."},
    "fr": {"suggestion": "peut-être", "note": "Visite à domicile, tout va bien."},
}


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_register_screen_note_close(open_page, cast, fatima_case, lang):  # type: ignore[no-untyped-def]
    page, checker = open_page(f"case-{lang}", lang)
    log_in(page, checker, cast.ma_case_worker.username, PASSWORD)
    checker.check("dashboard")

    # Register: a spelling variant of an existing person → suggestion with its reasons.
    page.goto("/persons/new/")
    checker.check("register-empty")
    given, family = VARIANT[lang]
    field = "given_name" if lang == "ar" else "given_name_latin"
    page.fill(f"#id_{field}", given)
    page.fill(f"#id_{field.replace('given', 'family')}", family)
    page.locator(f"#id_{field.replace('given', 'family')}").dispatch_event("input")
    suggestions = page.locator("#duplicate-suggestions .list-group-item")
    suggestions.first.wait_for()
    assert fatima_case.person.code in suggestions.first.inner_text()
    checker.check("register-duplicate-suggested")
    # It is somebody else: say so, and save.
    page.fill("#id_estimated_age", "٣١" if lang == "ar" else "31")
    page.check("#id_confirm_different")
    with page.expect_navigation():
        page.locator("form[action='/persons/new/'] button[type=submit]").click()
    assert re.search(r"/persons/[0-9a-f-]{36}/$", page.url), page.url
    checker.check("person-registered")

    # Open a case.
    with page.expect_navigation():
        page.locator("form[action$='/open-case/'] button[type=submit]").click()
    assert re.search(r"/cases/[0-9a-f-]{36}/$", page.url), page.url
    case_url = page.url
    checker.check("case-opened")

    # Screening, then its explanation.
    page.locator("a[href*='/screenings/new/']").click()
    page.wait_for_url(re.compile(r"/screenings/new/$"))
    checker.check("screening-form")
    page.locator("input[name='acts']").first.check()
    page.locator("input[name='means']").first.check()
    page.locator("input[name='purposes']").first.check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert re.search(r"/screenings/[0-9a-f-]{36}/$", page.url), page.url
    checker.check("screening-explanation")

    # A note on the case.
    page.goto(case_url)
    page.fill("#id_body", TEXT[lang]["note"])
    with page.expect_navigation():
        page.locator("form[action$='/notes/'] button[type=submit]").click()
    assert TEXT[lang]["note"] in page.locator(".note-text").first.inner_text()
    checker.check("note-added")

    # Closure: a supervisor's decision. Where the case page offers closing directly, use it;
    # otherwise the case worker asks (care → approvals) and the supervisor approves.
    if page.locator("form[action$='/close/']").count():
        page.select_option("#id_reason", index=1)
        with page.expect_navigation():
            page.locator("form[action$='/close/'] button[type=submit]").click()
    else:
        page.goto(case_url + "care/?tab=approvals")
        checker.check("closure-request-form")
        form = page.locator("form[action$='/closure/']")
        form.locator("select[name=reason]").select_option(index=1)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        checker.check("closure-requested")
        sup, sup_checker = open_page(f"case-{lang}-supervisor", lang)
        log_in(sup, sup_checker, cast.ma_supervisor.username, PASSWORD)
        sup.goto(case_url + "care/?tab=approvals")
        sup_checker.check("closure-to-approve")
        with sup.expect_navigation():
            sup.locator("form[action*='/approvals/'] button[value=approve]").first.click()
        sup.goto(case_url)
        assert sup.locator("form[action$='/reopen/']").count() == 1, "the case did not close"
        sup_checker.check("case-closed")
        page.goto(case_url)
    assert page.locator("form[action$='/reopen/']").count() == 1, "the case did not close"
    checker.check("case-closed")
