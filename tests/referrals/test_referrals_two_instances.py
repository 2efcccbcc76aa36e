"""Two Jisr instances in one test run, each with its own database and keys, talking over loopback HTTP.

Instance A ("demo-ma") is this test process: its test database, served by pytest-django's live server.
Instance B ("demo-es") is a subprocess `jisr runserver` on another loopback port, with its own
JISR_DATA_DIR, SQLite file and master key; the test drives it through `jisr` commands (as its
administrators and focal point would through their screens).

A referral with consent goes out, is received (signed acknowledgement), accepted, put in service and
completed — and A's sender sees each state. Consent withdrawal cancels an open referral and B is told;
B also wipes what the completed one shared.
A referral that could not be delivered travels as a `.jisr` file instead and ends in the same inbox.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from referrals.conftest import give_consent

JISR = str(Path(sys.executable).parent / "jisr")
SETUP_B = """
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)
from jisr.accounts.models import Membership, Organisation, Team, User
org = Organisation.objects.create(slug="demo-es", name="Demo ES", country="ES", kind="ngo", code_prefix="ES-DEMO",
                                  languages=["es"], time_zone="Europe/Madrid")
team = Team.objects.create(organisation=org, name="Madrid")
for name, role, t in (("es-focal", "partner_focal_point", None), ("es-cw", "case_worker", team)):
    u = User.objects.create_user(name, password="generated only for this test 42")
    Membership.objects.create(user=u, organisation=org, role=role, team=t)
call_command("keys", "init", "demo-es")
"""
PARTNER_B = """
from django.core.management import call_command
call_command("partner", "add", "Demo MA", "--url", "{url}", "--public-keys", "{keys}", "--organisation", "demo-es")
call_command("partner", "confirm", "Demo MA", "--fingerprint", "{fingerprint}")
call_command("keys", "show", "--json")
"""
ACT_B = """
from jisr.accounts.models import User
from jisr.referrals.models import Referral
from jisr.referrals.services import referral_transition, referral_open_case
r = Referral.objects.get(exchange_id="{exchange_id}")
focal = User.objects.get(username="es-focal")
for event, code in {events!r}:
    r = referral_transition(actor=focal, referral=r, event=event, code=code)
    if event == "accept":
        referral_open_case(actor=focal, referral=r, assignee=User.objects.get(username="es-cw"))
print(r.state)
"""
STATES_B = """
from jisr.referrals.models import Referral
print(dict(Referral.objects.values_list("exchange_id", "state")))
"""
SHARED_B = """
from jisr.accounts.models import User
from jisr.referrals.models import Referral
from jisr.referrals.selectors import referral_get_for_user
from jisr.referrals.services import shared_package
from jisr.survivors.services import person_identity
r = referral_get_for_user(User.objects.get(username="es-focal"), Referral.objects.get(exchange_id="{exchange_id}").pk)
print(r.state, r.sharing_ended or "-", sorted(shared_package(r)), r.package is None,
      person_identity(r.recipient_case.person).given_name_latin)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class InstanceB:
    def __init__(self, data_dir: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "JISR_MASTER_KEY",
                                                                     "JISR_MASTER_KEY_FILE", "SECRET_KEY")}
        self.env.update(JISR_DATA_DIR=str(data_dir), JISR_ENV="development", PYTHONUNBUFFERED="1")
        self.server: subprocess.Popen[bytes] | None = None

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([JISR, *args], env=self.env, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"jisr {args[0]} failed: {result.stderr[-2000:]}")
        return result

    def shell(self, code: str) -> str:
        return self.run("shell", "-c", code).stdout.strip()

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
def instance_b(tmp_path_factory):  # type: ignore[no-untyped-def]
    b = InstanceB(tmp_path_factory.mktemp("demo-es"))
    b.run("shell", "-c", SETUP_B)  # one process: migrate, an organisation and two users, `jisr keys init`
    b.start()
    yield b
    b.stop()


@pytest.mark.django_db(transaction=True)
def test_two_instances_exchange_referrals_end_to_end(cast, fatima_case, live_server, instance_b, tmp_path) -> None:
    from jisr.care.services import consent_withdraw
    from jisr.referrals import services as svc
    from jisr.referrals.models import OutboundMessage, Referral

    b = instance_b
    # Identities and the partner directory on both sides, fingerprints confirmed by a person
    # (`jisr partner add` / `confirm` on B, the same services on A).
    svc.instance_keys_init(name="demo-ma")
    a_keys_file = tmp_path / "demo-ma.json"
    a_keys_file.write_text(svc.own_public_keys().to_json())
    b_keys = b.shell(PARTNER_B.format(url=f"{live_server.url}/api/v1/referrals/inbox/", keys=a_keys_file,
                                      fingerprint=svc.own_public_keys().fingerprint))
    b_keys = b_keys[b_keys.index("{"):]
    partner = svc.partner_add(actor=None, organisation=cast.ma, name="Demo ES", country="ES",
                              inbox_url=f"{b.url}/api/v1/referrals/inbox/", public_keys=b_keys)
    svc.partner_confirm(actor=None, partner=partner, fingerprint=json.loads(b_keys)["fingerprint"])

    # 1. Out, received (B's signed acknowledgement arrives back at once), accepted, in service, completed.
    consent = give_consent(cast.ma_case_worker, fatima_case, "Demo ES")
    r = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity", "screening"],
                            reason="MigrationOrChangeOfLocation", partner=partner, message="Meet her at the port.")
    r.refresh_from_db()
    assert r.state == "received", OutboundMessage.objects.values_list("last_error", flat=True)
    sender = Client()
    sender.force_login(cast.ma_case_worker)
    sender.cookies["jisr_language"] = "en"
    seen = []
    for events, expected in (([("accept", "")], "accepted"), ([("start_service", "")], "in_service"),
                             ([("complete", "services_provided")], "completed")):
        assert b.shell(ACT_B.format(exchange_id=r.exchange_id, events=events)).splitlines()[-1] == expected
        r.refresh_from_db()
        assert r.state == expected
        page = sender.get(reverse("referrals:detail", args=[r.pk])).content.decode()
        seen.append(page.count("signed message from the partner"))
    assert seen == [2, 3, 4]  # receive + each answer, shown as signed messages from the partner
    assert r.outcome == "services_provided"
    assert not OutboundMessage.objects.filter(delivered_at__isnull=True).exists()

    # 2. Consent withdrawal cancels an open cross-border referral, and B is told.
    r2 = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["screening"],
                             reason="AdditionalServicesRequired", partner=partner)
    r2.refresh_from_db()
    assert r2.state == "received"
    consent_withdraw(actor=cast.ma_case_worker, consent=consent)
    svc.on_consent_withdrawn(actor=cast.ma_case_worker, consent=consent)
    r2.refresh_from_db()
    assert r2.state == "cancelled"
    b_states = b.shell(STATES_B).splitlines()[-1]
    assert f"UUID('{r2.exchange_id}'): 'cancelled'" in b_states
    assert f"UUID('{r.exchange_id}'): 'completed'" in b_states
    r.refresh_from_db()
    assert r.state == "completed"  # a completed referral is not reopened or cancelled by the hook
    # ...but B, which completed it, is told that her consent was withdrawn and wipes what it was shared; the
    # person record B registered when it opened its case is B's own (and says so on its page).
    assert r.sharing_ended == "consent_withdrawn"
    assert b.shell(SHARED_B.format(exchange_id=r.exchange_id)).splitlines()[-1] == \
        "completed consent_withdrawn [] True Fatima"

    # 3. Poor connectivity: delivery fails, the envelope waits in the queue, travels as a .jisr file.
    give_consent(cast.ma_case_worker, fatima_case, "Demo ES")
    partner.inbox_url = "http://127.0.0.1:9/api/v1/referrals/inbox/"  # nothing listens there
    partner.save()
    r3 = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["care_plan"],
                             reason="AdditionalServicesRequired", partner=partner)
    queued = OutboundMessage.objects.get(referral=r3)
    queued.refresh_from_db()
    assert queued.delivered_at is None and queued.attempts == 1 and queued.last_error == "unreachable"
    out_dir = tmp_path / "usb"
    from django.core.management import call_command

    call_command("referral", "export", "--partner", "Demo ES", "--dir", str(out_dir))
    [file] = list(out_dir.glob("*.jisr"))
    assert b"Fatima" not in file.read_bytes() and b"Benali" not in file.read_bytes()
    assert "now received" in b.run("referral", "import", str(file)).stdout
    r3.refresh_from_db()
    assert r3.state == "received"  # B's acknowledgement came back over HTTP
    # The same file again is a replay: refused, nothing changes on B.
    again = b.run("referral", "import", str(file), check=False)
    assert again.returncode != 0 and "replay" in again.stderr
    assert Referral.objects.filter(direction="outgoing").count() == 3
