"""Browser journeys in Debian's Chromium, driven by Playwright's sync API (no browser download).

One browser per session, a fresh context per test. Every page a journey stops at is checked by
`Checker.check`: Arabic is right-to-left, no text overflows its box, axe-core finds no serious or
critical violation, every form control has a name, and a full-page screenshot is saved at phone
(390×844) and laptop (1366×768) size under test-artefacts/browser/. Throughout the test, no request
may leave 127.0.0.1 and the console must stay free of errors (CSP violations are console errors).

Missing Chromium or axe-core: the tests fail under CI=true and are skipped, with the reason, locally.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser.kit import AXE, LAPTOP, Checker

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a thread
# with a running loop unless told it is safe. It is: the loop only talks to the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_configure(config: pytest.Config) -> None:
    # The live server listens on 127.0.0.1 (pytest-django's default is "localhost"), so "no request
    # leaves 127.0.0.1" can be checked literally.
    if not config.getoption("liveserver", default=None):
        config.option.liveserver = "127.0.0.1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _missing() -> str:
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing (./scripts/system-deps.sh --browser installs it)")
    if not AXE.exists():
        problems.append(f"{AXE.relative_to(ROOT)} is missing (run `npm ci` at the repository root)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("Playwright for Python is missing (pip install -e '.[dev]')")
    return "; ".join(problems)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    missing = _missing()
    if missing:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"browser tests cannot run: {missing}", pytrace=False)
        pytest.skip(f"browser tests skipped: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()



@pytest.fixture
def open_page(browser: object, live_server: object) -> Iterator[object]:
    """`open_page(name, lang)` → (page, checker) in a fresh context with the language cookie set.
    At teardown the checker's findings fail the test."""
    checkers: list[Checker] = []
    contexts: list[object] = []

    def _open(name: str, lang: str) -> tuple[object, Checker]:
        url = live_server.url  # type: ignore[attr-defined]
        context = browser.new_context(  # type: ignore[attr-defined]
            viewport=LAPTOP, locale=lang, base_url=url, accept_downloads=True
        )
        context.add_cookies([{"name": "jisr_language", "value": lang, "url": url}])
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        checker = Checker(page=page, name=name, lang=lang, base_url=url)
        checker.watch()
        checkers.append(checker)
        return page, checker

    yield _open
    for c in contexts:
        c.close()  # type: ignore[attr-defined]
    for checker in checkers:
        checker.assert_clean()


