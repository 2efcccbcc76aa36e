"""The top bar fits the screen (no sideways scrolling, log-out reachable) at every common width, in
Arabic and French, for the roles with the most menu entries; and the registration page's live duplicate
check runs without a Content-Security-Policy violation (htmx's own indicator <style> is turned off)."""

from __future__ import annotations

import pytest

from browser.kit import ARTEFACTS, log_in
from personas import PASSWORD

# Names as long as the demo's (seed_demo): the organisation's name and the user names are in the bar.
LONG_ORG_NAME = "جمعية تجريبية لحقوق النساء (Demo MA)"
WIDTHS = (320, 390, 768, 1024, 1199, 1200, 1280, 1366, 1440, 1920)
SCREENSHOT_WIDTHS = (1024, 1366, 1440)
# Fonts loaded and two frames drawn: the layout the user sees.
SETTLED_JS = (
    "() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))"
)
ONE_ROW = 70  # px: the bar's height when its entries hold on one row (56 px)


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("persona", ["ma_case_worker", "ma_supervisor"])
def test_the_top_bar_fits_at_every_width(open_page, cast, persona, lang):  # type: ignore[no-untyped-def]
    cast.ma.name = LONG_ORG_NAME
    cast.ma.save(update_fields=["name"])
    user = getattr(cast, persona)
    user.username = {"ma_case_worker": "ma-caseworker", "ma_supervisor": "ma-supervisor"}[persona]
    user.save(update_fields=["username"])
    page, checker = open_page(f"top-bar-{persona}-{lang}", lang)
    log_in(page, checker, user.username, PASSWORD)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 768})
        page.evaluate(SETTLED_JS)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            problems.append(f"{width}px: the page is {scroll}px wide")
        bar = page.locator("nav.navbar").bounding_box()
        if width >= 1200 and bar["height"] > ONE_ROW:
            problems.append(f"{width}px: the bar takes {bar['height']:.0f}px (more than one row)")
        if width in SCREENSHOT_WIDTHS:
            page.screenshot(path=str(ARTEFACTS / f"top-bar-{persona}-{lang}-{width}.png"),
                            clip={"x": 0, "y": 0, "width": width, "height": 160})
    assert not problems, "\n".join(problems)

    # Log out is one click away in the account menu, inside the screen, with the menu folded or not.
    for width in SCREENSHOT_WIDTHS:
        page.set_viewport_size({"width": width, "height": 768})
        if width < 1200:
            page.click(".navbar-toggler")
            page.locator("#main-nav.show").wait_for()
        page.click("#nav-account")
        logout = page.locator("form[action='/logout/'] button")
        logout.wait_for(state="visible")
        box = logout.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{width}px: log out is off screen ({box})"
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{width}px: with the account menu open the page is {scroll}px wide"
        page.screenshot(path=str(ARTEFACTS / f"top-bar-{persona}-{lang}-{width}-menu.png"),
                        clip={"x": 0, "y": 0, "width": width, "height": 480})
        page.keyboard.press("Escape")
        if width < 1200:
            page.click(".navbar-toggler")
            # Folded again once Bootstrap's transition is over (no "collapsing" height left behind).
            page.locator("#main-nav.collapse:not(.show)").wait_for(state="attached")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_live_duplicate_check_breaks_no_csp_rule(open_page, cast, fatima_case, lang):  # type: ignore[no-untyped-def]
    page, checker = open_page(f"duplicates-csp-{lang}", lang)
    # Recorded from the first script of every page: a violation the console might word differently.
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + (e.sample || e.blockedURI)));"
    )
    log_in(page, checker, cast.ma_case_worker.username, PASSWORD)
    page.goto("/persons/new/")
    field = "given_name" if lang == "ar" else "given_name_latin"
    given, family = ("فاطمه", "بن علي") if lang == "ar" else ("Fatma", "Ben Ali")
    page.fill(f"#id_{field}", given)
    with page.expect_response("**/persons/new/duplicates/"):
        page.fill(f"#id_{field.replace('given', 'family')}", family)
    page.locator("#duplicate-suggestions .list-group-item").first.wait_for()
    assert page.evaluate("document.querySelectorAll('style').length") == 0, "an inline <style> was added"
    assert page.evaluate("window.__csp") == []
    assert checker.console_errors == []
    # The spinner is hidden by our own stylesheet once the check is done.
    assert not page.locator("#duplicates-spinner").is_visible()
