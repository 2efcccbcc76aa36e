"""Done-when of issue 5, in the browser: two Jisr instances exchange a referral end to end.

Instance A (demo-ma side) is this test process, served by pytest-django's live server, in Arabic.
Instance B (demo-es) is a subprocess `jisr runserver` with its own JISR_DATA_DIR (own SQLite file,
master key and referral keys), migrated and seeded with `jisr seed_demo`, in Spanish. The two are
paired by the project's own `jisr referral demo_pair` (keys, partner directory, fingerprints).

1. Over HTTP: A's case worker refers from the case page → B acknowledges → B's focal point accepts,
   opens a case, starts the service and completes → A's referral page and case panel show each state.
2. By `.jisr` file: A cannot reach B; A's case worker downloads the file, B's focal point imports it;
   B cannot reach A either; B's accept travels back as a file A's coordinator imports (and a second
   import of the same file is refused as a replay).

Every envelope A posts is captured at urllib (the bytes on the wire): none holds the generated name,
phone or document number — neither as bytes nor in anything base64-decodable in it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from browser.kit import LAPTOP, Checker, log_in
from personas import PASSWORD

JISR = str(Path(sys.executable).parent / "jisr")
B_PASSWORD = "generated for this test only 42"
# Fatima's generated identity (tests/conftest.py `fatima_case`), in every form it could leak in.
SECRETS = ["فاطمة", "بن علي", "Fatima", "Benali", "+212612345678", "612345678", "AB123456"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalInstance:
    """Another Jisr on this machine: its own data dir and port, driven by its `jisr` command."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if k not in (
            "DATABASE_URL", "JISR_MASTER_KEY", "JISR_MASTER_KEY_FILE", "SECRET_KEY", "SECRET_KEY_FILE",
            "DJANGO_SETTINGS_MODULE")}
        self.env.update(JISR_DATA_DIR=str(data_dir), JISR_ENV="development", PYTHONUNBUFFERED="1")
        self.server: subprocess.Popen[bytes] | None = None

    def run(self, *args: str) -> str:
        result = subprocess.run([JISR, *args], env=self.env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, f"jisr {args[0]} failed on B: {result.stderr[-2000:]}"
        return result.stdout

    def start(self) -> None:
        self.server = subprocess.Popen([JISR, "runserver", f"127.0.0.1:{self.port}", "--noreload"], env=self.env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("instance B did not start")

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=10)


@pytest.fixture(scope="module")
def instance_b(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalInstance]:
    b = LocalInstance(tmp_path_factory.mktemp("demo-es"))
    b.run("migrate", "--noinput")
    b.run("seed_demo", "--password", B_PASSWORD, "--people", "2")
    b.start()
    yield b
    b.stop()


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, str], bytes]]:
    """Every HTTP request A's delivery makes: (url, headers, body), captured where urllib sends it."""
    from jisr.referrals import transport

    captured: list[tuple[str, dict[str, str], bytes]] = []
    real = transport.urllib.request.urlopen

    def spy(request, *args, **kwargs):  # type: ignore[no-untyped-def]
        captured.append((request.full_url, dict(request.header_items()), bytes(request.data or b"")))
        return real(request, *args, **kwargs)

    monkeypatch.setattr(transport.urllib.request, "urlopen", spy)
    return captured


def assert_no_personal_data(blob: bytes, where: str) -> None:
    for secret in SECRETS:
        assert secret.encode("utf-8") not in blob, f"{where}: {secret!r} readable"
    # Anything that looks like base64 (a JSON header, say) is decoded and searched too.
    for chunk in re.findall(rb"[A-Za-z0-9+/=_-]{16,}", blob):
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                text = decode(chunk + b"=" * (-len(chunk) % 4))
            except (binascii.Error, ValueError):
                continue
            for secret in SECRETS:
                assert secret.encode("utf-8") not in text, f"{where}: {secret!r} in a base64 segment"
    assert blob[:5] == b"JISR\x01", f"{where}: not a sealed envelope"
    try:
        json.loads(blob[5:].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        pass
    else:
        raise AssertionError(f"{where}: the body after the header is readable JSON")


def _state(page: object) -> str:
    return page.locator("h1 [data-state]").first.get_attribute("data-state")  # type: ignore[attr-defined]


def _act(page: object, event: str, code: str = "") -> None:
    form = page.locator(f"form:has(input[name=event][value={event}])")  # type: ignore[attr-defined]
    if code:
        form.locator("select[name=code]").select_option(code)
    with page.expect_navigation():  # type: ignore[attr-defined]
        form.locator("button[type=submit]").click()


@pytest.mark.django_db(transaction=True)
def test_two_instances_in_the_browser(browser, live_server, instance_b, cast, fatima_case, wire,  # type: ignore[no-untyped-def]
                                      tmp_path) -> None:
    from jisr.referrals.models import OutboundMessage, Partner, Referral
    from referrals.conftest import give_consent

    b = instance_b
    call_command("referral", "demo_pair", "--peer-data-dir", str(b.data_dir), "--peer-url", b.url,
                 "--url", live_server.url, "--organisation", cast.ma.slug, "--peer-organisation", "demo-es")
    partner = Partner.objects.get(name="Demo ES")
    assert partner.is_confirmed and partner.inbox_url == f"{b.url}/api/v1/referrals/inbox/"
    give_consent(cast.ma_case_worker, fatima_case, "Demo ES")

    checkers: list[Checker] = []

    def open_on(base_url: str, name: str, lang: str) -> tuple[object, Checker]:
        context = browser.new_context(viewport=LAPTOP, locale=lang, base_url=base_url, accept_downloads=True)
        context.add_cookies([{"name": "jisr_language", "value": lang, "url": base_url}])
        context.set_default_timeout(20_000)
        page = context.new_page()
        checker = Checker(page=page, name=name, lang=lang, base_url=base_url)
        checker.watch()
        checkers.append(checker)
        return page, checker

    # --- 1. Over HTTP ----------------------------------------------------------------------------------
    a, a_check = open_on(live_server.url, "xborder-a-ar", "ar")
    log_in(a, a_check, cast.ma_case_worker.username, PASSWORD)
    a.goto(f"/cases/{fatima_case.pk}/")
    assert a.locator("#case-referrals-title").count() == 1
    a_check.check("case-before")
    a.click(f"a[href='/cases/{fatima_case.pk}/refer/']")
    a.select_option("#id_recipient", f"partner:{partner.pk}")
    for category in ("identity", "contact", "screening", "documents"):
        a.check(f"input[name=categories][value={category}]")
    a.select_option("#id_reason", "MigrationOrChangeOfLocation")
    a.fill("#id_message", "Meet her at the port of Algeciras.")
    a_check.check("refer-form")
    with a.expect_navigation():
        a.click("form[action$='/refer/'] button[type=submit]")
    sent = Referral.objects.get(direction="outgoing")
    assert "/referrals/" in a.url and _state(a) == "received"  # B's signed acknowledgement came back
    a_check.check("sent-received")

    bp, b_check = open_on(b.url, "xborder-b-es", "es")
    log_in(bp, b_check, "es-focalpoint", B_PASSWORD)
    bp.goto("/referrals/received/")
    b_check.check("inbox")
    bp.click("main a[href^='/referrals/'][href$='/']:not([href*='import'])")
    bp.wait_for_load_state()
    assert _state(bp) == "received"
    shared = bp.locator("#package-h").locator("xpath=..").inner_text()
    assert "Fatima" in shared and "AB123456" in shared and "+212612345678" in shared  # the package arrived
    b_check.check("referral-received")

    expected_on_a = []
    _act(bp, "accept")
    bp.select_option("#assignee", label="es-caseworker")
    with bp.expect_navigation():
        bp.click("form[action$='/open-case/'] button[type=submit]")
    b_check.check("accepted-case-opened")
    a.reload()
    expected_on_a.append(_state(a))
    a_check.check("a-sees-accepted")
    _act(bp, "start_service")
    a.reload()
    expected_on_a.append(_state(a))
    _act(bp, "complete", "services_provided")
    b_check.check("completed")
    a.reload()
    expected_on_a.append(_state(a))
    a_check.check("a-sees-completed")
    assert expected_on_a == ["accepted", "in_service", "completed"]
    assert a.locator("h1 [data-state]").count() == 1
    # B's case, opened from the referral, is B's own; A's page never names it.
    with bp.expect_navigation():
        bp.click("main a[href^='/cases/']")
    b_case_id = bp.url.rstrip("/").rsplit("/", 1)[-1]
    b_check.check("b-case")
    assert b_case_id not in a.content()
    a.goto(f"/cases/{fatima_case.pk}/")
    assert a.locator(f"[data-referral='{sent.pk}'] [data-state]").get_attribute("data-state") == "completed"
    a_check.check("case-after")

    # --- 2. By .jisr file, both ways -----------------------------------------------------------------------
    Partner.objects.filter(pk=partner.pk).update(inbox_url="http://127.0.0.1:9/api/v1/referrals/inbox/")
    a.click(f"a[href='/cases/{fatima_case.pk}/refer/']")
    a.select_option("#id_recipient", f"partner:{partner.pk}")
    a.check("input[name=categories][value=identity]")
    a.select_option("#id_reason", "AdditionalServicesRequired")
    with a.expect_navigation():
        a.click("form[action$='/refer/'] button[type=submit]")
    by_file = Referral.objects.exclude(pk=sent.pk).get(direction="outgoing")
    assert _state(a) == "sent"
    a_check.check("waiting-for-delivery")
    with a.expect_download() as download:
        a.click("a[href$='.jisr']")
    out_file = tmp_path / "to-b.jisr"
    download.value.save_as(out_file)
    assert download.value.suggested_filename.endswith(".jisr") and "Fatima" not in download.value.suggested_filename
    assert_no_personal_data(out_file.read_bytes(), "the .jisr file")

    # B cannot reach A either: its answers wait as files.
    b.run("shell", "-c", "from jisr.referrals.models import Partner; "
          "Partner.objects.filter(name='Demo MA').update(inbox_url='http://127.0.0.1:9/api/v1/referrals/inbox/')")
    bp.goto("/referrals/received/")
    with bp.expect_navigation():
        bp.click("a[href='/referrals/import/']")
    bp.set_input_files("#id_file", str(out_file))
    b_check.check("import-form")
    with bp.expect_navigation():
        bp.click("form[action='/referrals/import/'] button[type=submit]")
    assert _state(bp) == "received"
    _act(bp, "accept")
    b_check.check("accepted-answer-waiting")
    waiting = bp.locator("a[href$='.jisr']")
    assert waiting.count() == 2  # the acknowledgement of receipt and the acceptance
    files = []
    for i in range(2):
        with bp.expect_download() as answer:
            waiting.nth(i).click()
        files.append(tmp_path / f"to-a-{i}.jisr")
        answer.value.save_as(files[-1])
        assert_no_personal_data(files[-1].read_bytes(), "B's answer file")

    by_file.refresh_from_db()
    assert by_file.state == "sent"
    coordinator, c_check = open_on(live_server.url, "xborder-a-coordinator-ar", "ar")
    log_in(coordinator, c_check, cast.ma_coordinator.username, PASSWORD)
    for n, file in enumerate([*files, files[-1]]):
        coordinator.goto("/referrals/import/")
        coordinator.set_input_files("#id_file", str(file))
        if n == 0:
            c_check.check("import-form")
        with coordinator.expect_navigation():
            coordinator.click("form[action='/referrals/import/'] button[type=submit]")
        if n < 2:
            assert coordinator.locator(".invalid-feedback").count() == 0, f"answer {n} refused"
    assert coordinator.locator(".invalid-feedback").count() == 1  # the same file again: a replay, refused
    c_check.check("import-replay-refused")
    # The browser logs the refusal's 400 as a console error: expected here, and only here.
    refused = [e for e in c_check.console_errors if "/referrals/import/" in e and "400" in e]
    assert len(refused) == 1
    c_check.console_errors.remove(refused[0])
    by_file.refresh_from_db()
    assert by_file.state == "accepted"
    a.goto(f"/referrals/{by_file.pk}/")
    assert _state(a) == "accepted"
    a_check.check("a-file-path-accepted")

    # --- The wire ---------------------------------------------------------------------------------------------
    posted = [(url, headers, body) for url, headers, body in wire if "/api/v1/referrals/inbox/" in url]
    assert len(posted) >= 2, "A's envelopes were not captured"
    for url, headers, body in posted:
        assert_no_personal_data(body, f"POST {url}")
        for value in headers.values():
            assert not any(s in value for s in SECRETS)
    assert OutboundMessage.objects.filter(referral=sent, kind="referral").count() == 1
    for c in checkers:
        c.assert_clean()
