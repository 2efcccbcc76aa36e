"""Registration with the keyboard only (Tab, Space, Enter and typed characters; no mouse, no click):
log in, reach the form, type a spelling variant of a registered person, see the suggestion, tick
"a different person" with Space, choose a language with Space, and save with Enter. In Arabic."""

from __future__ import annotations

import re

from browser.kit import log_in_by_keyboard, tab_to
from personas import PASSWORD


def test_register_with_the_keyboard_only(open_page, cast, fatima_case):  # type: ignore[no-untyped-def]
    page, checker = open_page("keyboard-ar", "ar")
    log_in_by_keyboard(page, checker, cast.ma_case_worker.username, PASSWORD)

    # From the dashboard, the navigation link to the form, reached with Tab and followed with Enter.
    tab_to(page, "nav a[href='/persons/new/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/persons/new/")
    checker.check("register-form")

    tab_to(page, "#id_given_name")
    page.keyboard.type("فاطمه")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_family_name", "Tab order skips the family name"
    page.keyboard.type("بنعلي")
    page.locator("#duplicate-suggestions .list-group-item").first.wait_for()
    assert fatima_case.person.code in page.locator("#duplicate-suggestions").inner_text()

    tab_to(page, "#id_estimated_age")
    # Eastern Arabic digits, as typed on an Arabic keyboard. The age refines the live duplicate check:
    # wait for it, so that the suggestions are not redrawn after the box below is ticked.
    with page.expect_response("**/persons/new/duplicates/"):
        page.keyboard.type("٢٩")
    tab_to(page, "input[name=languages][value=ar]")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=languages][value=ar]")
    tab_to(page, "#id_confirm_different")
    page.keyboard.press("Space")
    assert page.is_checked("#id_confirm_different")
    checker.check("register-filled")
    tab_to(page, "form[action='/persons/new/'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/persons/[0-9a-f-]{36}/$", page.url), page.url
    checker.check("person-registered")
