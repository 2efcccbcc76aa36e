"""Page checks and helpers shared by the browser journeys (see conftest.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTEFACTS = ROOT / "test-artefacts" / "browser"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


# --- checks run inside the page -----------------------------------------------------------------

# Elements whose text is wider than their box and not meant to scroll. Form fields scroll their own
# value and visually-hidden helpers clip on purpose, so both are left out.
OVERFLOW_JS = r"""
() => {
  const sel = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) { parts.unshift(s + '#' + e.id); break; }
      const cls = [...e.classList].slice(0, 2).join('.');
      if (cls) s += '.' + cls;
      const sib = e.parentElement ? [...e.parentElement.children].filter(c => c.tagName === e.tagName) : [];
      if (sib.length > 1) s += ':nth-of-type(' + (sib.indexOf(e) + 1) + ')';
      parts.unshift(s);
    }
    return parts.join(' > ');
  };
  const out = [], flagged = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + 'px > ' + window.innerWidth + 'px');
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (['INPUT', 'TEXTAREA', 'SELECT', 'OPTION', 'SCRIPT', 'STYLE', 'svg', 'CANVAS'].includes(el.tagName)) continue;
    if (el.closest('.visually-hidden, .visually-hidden-focusable, .sr-only')) continue;
    const cs = getComputedStyle(el);
    if (!['visible', 'hidden', 'clip'].includes(cs.overflowX)) continue;
    if (cs.display === 'none' || cs.display === 'inline' || el.clientWidth <= 1) continue;
    if (!el.textContent.trim()) continue;
    // A Bootstrap .row hangs half a gutter past its parent on purpose (negative margins): allow that.
    let slack = 0;
    for (const child of el.children) {
      const c = getComputedStyle(child);
      slack = Math.max(slack, -parseFloat(c.marginLeft) || 0, -parseFloat(c.marginRight) || 0);
    }
    if (el.scrollWidth > el.clientWidth + 1 + slack) flagged.push(el);
  }
  // Report the innermost boxes only: their ancestors overflow because they do.
  for (const el of flagged) {
    if (flagged.some(other => other !== el && el.contains(other))) continue;
    out.push(sel(el) + ' (' + el.scrollWidth + 'px in ' + el.clientWidth + 'px): '
             + el.textContent.replace(/\s+/g, ' ').trim().slice(0, 50));
  }
  return out;
}
"""

# Form controls without an accessible name (label, aria-label(ledby) or title).
UNLABELLED_JS = """
() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !['submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
               && !el.getAttribute('aria-labelledby') && !el.title)
  .map(el => el.tagName.toLowerCase() + '[name=' + (el.name || '?') + ']' + (el.id ? '#' + el.id : ''))
"""

NEXT_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))"

AXE_RUN_JS = """
async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(
      n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')),
  }));
}
"""


@dataclass
class Checker:
    """Watches one browser context and checks each page a journey stops at."""

    page: object
    name: str  # journey name, e.g. "register-ar"
    lang: str
    base_url: str
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    pages_checked: int = 0

    def watch(self) -> None:
        allowed_host = urlsplit(self.base_url).hostname
        assert allowed_host == "127.0.0.1", f"the live server should listen on 127.0.0.1, not {allowed_host}"

        def on_request(request: object) -> None:
            url = request.url  # type: ignore[attr-defined]
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                return
            if parts.hostname != allowed_host:
                self.outside_requests.append(url)

        def on_console(msg: object) -> None:
            if msg.type == "error":  # type: ignore[attr-defined]
                self.console_errors.append(f"{self.page.url}: {msg.text}")  # type: ignore[attr-defined]

        def on_pageerror(exc: object) -> None:
            self.console_errors.append(f"{self.page.url}: uncaught {exc}")  # type: ignore[attr-defined]

        self.page.on("request", on_request)  # type: ignore[attr-defined]
        self.page.on("console", on_console)  # type: ignore[attr-defined]
        self.page.on("pageerror", on_pageerror)  # type: ignore[attr-defined]

    def check(self, step: str) -> None:
        """All page checks at both sizes, and the two screenshots. Problems are collected and
        reported together at the end of the test (one run shows everything that is wrong)."""
        page = self.page
        page.wait_for_load_state("load")  # type: ignore[attr-defined]
        self.pages_checked += 1
        where = f"[{self.name} · {step}]"
        html_dir = page.evaluate("document.documentElement.dir")  # type: ignore[attr-defined]
        html_lang = page.evaluate("document.documentElement.lang")  # type: ignore[attr-defined]
        if html_lang != self.lang:
            self.problems.append(f"{where} <html lang> is {html_lang!r}, expected {self.lang!r}")
        expected_dir = "rtl" if self.lang == "ar" else "ltr"
        if html_dir != expected_dir:
            self.problems.append(f"{where} <html dir> is {html_dir!r}, expected {expected_dir!r}")
        for label in page.evaluate(UNLABELLED_JS):  # type: ignore[attr-defined]
            self.problems.append(f"{where} form control without a label: {label}")
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        for size_name, size in (("phone", PHONE), ("laptop", LAPTOP)):
            page.set_viewport_size(size)  # type: ignore[attr-defined]
            # Let resize observers (charts) redraw before measuring: two animation frames.
            page.evaluate(NEXT_FRAMES_JS)  # type: ignore[attr-defined]
            for overflow in page.evaluate(OVERFLOW_JS):  # type: ignore[attr-defined]
                self.problems.append(f"{where} {size_name}: text overflows: {overflow}")
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(  # type: ignore[attr-defined]
                path=str(ARTEFACTS / f"{self.name}-{self.pages_checked:02d}-{slug}-{size_name}.png"), full_page=True
            )
            if not page.evaluate("typeof window.axe !== 'undefined'"):  # type: ignore[attr-defined]
                # Evaluated through the DevTools protocol, which the page's CSP does not govern (a
                # <script> tag with inline content would be refused by script-src 'self').
                page.evaluate(AXE.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
            for v in page.evaluate(AXE_RUN_JS):  # type: ignore[attr-defined]
                self.problems.append(f"{where} {size_name}: axe {v['impact']} {v['id']} ({v['help']}): {v['nodes']}")

    def assert_clean(self) -> None:
        problems = list(self.problems)
        problems += [f"[{self.name}] request left 127.0.0.1: {u}" for u in self.outside_requests]
        problems += [f"[{self.name}] console error: {e}" for e in self.console_errors]
        assert not problems, "\n".join(problems)



def log_in(page: object, checker: Checker, username: str, password: str) -> None:
    """The login screen, checked, then the credentials typed and sent."""
    page.goto("/login/")  # type: ignore[attr-defined]
    checker.check("login")
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", password)  # type: ignore[attr-defined]
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.locator("form[action='/login/'] button[type=submit]").click()  # type: ignore[attr-defined]
    assert "/login/" not in page.url, f"login failed for {username}"  # type: ignore[attr-defined]


def tab_to(page: object, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching `selector` has the focus (fails after `limit` presses)."""
    target = page.locator(selector).first  # type: ignore[attr-defined]
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def log_in_by_keyboard(page: object, checker: Checker, username: str, password: str) -> None:
    """The login screen with the keyboard only: the user name has the focus on arrival."""
    page.goto("/login/")  # type: ignore[attr-defined]
    checker.check("login")
    tab_to(page, "#id_username")
    page.keyboard.type(username)  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    page.keyboard.type(password)  # type: ignore[attr-defined]
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert "/login/" not in page.url, f"login failed for {username}"  # type: ignore[attr-defined]
