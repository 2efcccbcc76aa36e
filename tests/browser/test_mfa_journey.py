"""Log in with the second factor: enrol an authenticator at first login, then log in again with a code.
The authenticator app is played by pyotp reading the key the enrolment page shows."""

from __future__ import annotations

import time

import pyotp
import pytest

from browser.kit import log_in
from personas import PASSWORD


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_log_in_with_mfa(open_page, cast, fatima_case, settings, lang):  # type: ignore[no-untyped-def]
    settings.JISR_REQUIRE_MFA = True
    page, checker = open_page(f"mfa-{lang}", lang)
    log_in(page, checker, cast.ma_case_worker.username, PASSWORD)
    assert "/account/mfa/setup/" in page.url  # nothing else before the second factor
    checker.check("enrol")
    secret = page.locator("code.user-select-all").inner_text().strip()
    page.fill("#id_code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    checker.check("recovery-codes")
    assert page.locator("li").filter(has_text="-").count() >= 10
    page.goto(f"/cases/{fatima_case.pk}/")
    checker.check("case-after-mfa")

    second, second_checker = open_page(f"mfa-{lang}-again", lang)
    log_in(second, second_checker, cast.ma_case_worker.username, PASSWORD)
    assert "/account/mfa/verify/" in second.url
    second_checker.check("verify")
    second.fill("#id_code", pyotp.TOTP(secret).at(time.time() + 30))  # the next code: the first was used
    with second.expect_navigation():
        second.locator("main form button[type=submit]").click()
    assert "/account/mfa/" not in second.url
    second_checker.check("dashboard-after-mfa")
