"""Crash safety: a process killed with SIGKILL in the middle of a write leaves no half-written record,
and the audit chain still verifies — for a bulk import and for a referral acceptance, on a file-backed
SQLite database and (when reachable) on PostgreSQL.

The process is killed only once it has provably written inside its transaction: a hook wrapped around
the real write path reports (in a marker file) how many rows it has written so far, then the work goes
on (import) or sleeps before the commit (referral).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sys
import textwrap
import time
from pathlib import Path

import pytest

from security.instances import SETUP, Instance, fresh_sqlite, pg_available, pg_database, pg_drop

GIVEN = ["فاطمة", "خديجة", "مريم", "سلمى", "نادية", "أمينة", "زينب", "حنان", "سعاد", "ليلى"]
FAMILY = ["بن علي", "العلوي", "الإدريسي", "التازي", "بنجلون", "الفاسي", "الشرقاوي", "العمراني"]
LATIN_G = ["Fatima", "Khadija", "Meryem", "Salma", "Nadia", "Amina", "Zineb", "Hanane", "Souad", "Leila"]
LATIN_F = ["Benali", "Alaoui", "Idrissi", "Tazi", "Benjelloun", "Fassi", "Cherkaoui", "Amrani"]
ROWS = 1500
KILL_AFTER = 150  # persons written (uncommitted) before the kill


@pytest.fixture(params=["sqlite", "postgresql"])
def instance(request, migrated_sqlite: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield fresh_sqlite(migrated_sqlite, tmp_path / "instance")
        return
    if not pg_available():
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    name, url = pg_database()
    inst = Instance(tmp_path / "instance", url)
    try:
        inst.jisr("migrate", "--noinput", "-v0")
        yield inst
    finally:
        pg_drop(name)


def _wait_for(marker: Path, proc, at_least: int, timeout: float = 60) -> int:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the process ended before the kill: {proc.communicate()}"
        try:
            value = int(marker.read_text().split()[0] or 0)
        except (OSError, ValueError, IndexError):
            value = 0
        if value >= at_least:
            return value
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("the process never reached its write phase")


def _kill(proc) -> None:  # type: ignore[no-untyped-def]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def _counts(inst: Instance) -> dict:
    out = inst.script("""
        import json
        from jisr.audit.models import AuditEvent
        from jisr.survivors.models import Person, PersonIndex
        from jisr.crypto.models import DataKey
        print(json.dumps({"persons": Person.objects.count(), "indexes": PersonIndex.objects.count(),
                          "person_keys": DataKey.objects.filter(purpose="person").count(),
                          "register_events": AuditEvent.objects.filter(action="person.register").count(),
                          "import_events": AuditEvent.objects.filter(action="person.import").count()}))
    """).stdout
    return json.loads(out.strip().splitlines()[-1])


IMPORT = SETUP + """
import sys
from django.core.management import call_command
from jisr.survivors.management.commands import import_persons as command

marker, path = sys.argv[1], sys.argv[2]
o = org()
member("sec-cw", o, Role.CASE_WORKER)
real = command.person_register
written = 0

def person_register(**kwargs):
    global written
    person = real(**kwargs)
    written += 1
    if written % 10 == 0:
        with open(marker + ".tmp", "w") as fh:
            fh.write(str(written))
        os.replace(marker + ".tmp", marker)
    return person

command.person_register = person_register
call_command("import_persons", path, organisation="sec-ma", username="sec-cw", no_progress=True)
"""


def test_import_killed_mid_write_leaves_nothing(instance: Instance, tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    with register.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["given_name", "family_name", "given_name_latin", "family_name_latin", "sex", "estimated_age"])
        for i in range(ROWS):
            out.writerow([GIVEN[i % 10], FAMILY[(i // 10) % 8], LATIN_G[i % 10], LATIN_F[(i // 10) % 8],
                          "F", str(18 + i % 40)])
    instance.script("o = org(); member('sec-cw', o, Role.CASE_WORKER)")
    marker = tmp_path / "written"
    proc = instance.popen([sys.executable, "-c", IMPORT, str(marker), str(register)])
    written = _wait_for(marker, proc, KILL_AFTER)
    _kill(proc)
    assert KILL_AFTER <= written < ROWS  # killed part-way through the write phase

    assert _counts(instance) == {"persons": 0, "indexes": 0, "person_keys": 0, "register_events": 0,
                                 "import_events": 0}
    assert "audit chain intact" in instance.jisr("audit_verify").stdout

    # After the restart the instance works: a small import goes through and the chain still verifies.
    small = tmp_path / "small.csv"
    small.write_text("given_name,family_name,sex\nفاطمة,بن علي,F\nخديجة,العلوي,F\n", encoding="utf-8")
    instance.jisr("import_persons", str(small), "--organisation", "sec-ma", "--as", "sec-cw", "--no-progress")
    assert _counts(instance)["persons"] == 2
    assert "audit chain intact" in instance.jisr("audit_verify").stdout


REFERRAL_SETUP = """
import datetime as dt, json
from jisr.care.services import consent_record
from jisr.cases.services import case_open
from jisr.referrals import services as svc
from jisr.survivors.identity import Identity
from jisr.survivors.services import person_register

ma, es = org("sec-ma", "MA"), org("sec-es", "ES")
team = Team.objects.create(organisation=ma, name="Tanger")
cw = member("sec-cw", ma, Role.CASE_WORKER, team)
focal = member("sec-es-focal", es, Role.PARTNER_FOCAL_POINT)
person = person_register(actor=cw, organisation=ma, identity=Identity(given_name="فاطمة", family_name="بن علي",
                         given_name_latin="Fatima", family_name_latin="Benali"), sex="Feminine", estimated_age=24)
case = case_open(actor=cw, person=person)
consent_record(actor=cw, case=case, purpose="referral", recipient=es.name, given_by="survivor",
               method="written", language="ar", given_on=dt.date.today())
r = svc.referral_create(actor=cw, case=case, categories=["identity"], reason="MigrationOrChangeOfLocation",
                        organisation=es)
r = svc.referral_transition(actor=focal, referral=r, event="receive")
print(json.dumps({"referral": str(r.pk)}))
"""

ACCEPT = SETUP + """
import sys, time
from jisr.referrals import services as svc
from jisr.referrals.models import Referral, ReferralTransition
from jisr.audit.models import AuditEvent

marker, pk, hook = sys.argv[1], sys.argv[2], sys.argv[3] == "hook"
real = svc._tell_partner

def tell_partner(referral, ev, **kwargs):
    # Inside referral_transition's transaction, after the state, the transition row and the audit event
    # were written, before the commit: say what this transaction sees, then wait to be killed.
    real(referral, ev, **kwargs)
    seen = ReferralTransition.objects.filter(referral=referral, event="accept").count()
    events = AuditEvent.objects.filter(action="referral.accept").count()
    state = Referral.objects.get(pk=referral.pk).state
    with open(marker + ".tmp", "w") as fh:
        fh.write(f"1 {state} {seen} {events}")
    os.replace(marker + ".tmp", marker)
    time.sleep(120)

if hook:
    svc._tell_partner = tell_partner
focal = User.objects.get(username="sec-es-focal")
svc.referral_transition(actor=focal, referral=Referral.objects.get(pk=pk), event="accept")
print("accepted")
"""

REFERRAL_STATE = """
import json, sys
from jisr.audit.models import AuditEvent
from jisr.referrals.models import Referral, ReferralTransition
r = Referral.objects.get(pk=sys.argv[1])
transitions = list(ReferralTransition.objects.filter(referral=r).order_by("created_at").values_list("event", flat=True))
actions = [a for a in AuditEvent.objects.order_by("chain", "seq").values_list("action", flat=True)
           if a.startswith("referral.")]
print(json.dumps({"state": r.state, "transitions": transitions, "events": actions}))
"""


def _referral_state(inst: Instance, pk: str) -> dict:
    code = REFERRAL_STATE.replace("sys.argv[1]", repr(pk))
    return json.loads(inst.script(code).stdout.strip().splitlines()[-1])


def test_referral_acceptance_killed_before_commit_leaves_nothing(instance: Instance, tmp_path: Path) -> None:
    pk = json.loads(instance.script(REFERRAL_SETUP).stdout.strip().splitlines()[-1])["referral"]
    before = _referral_state(instance, pk)
    assert before["state"] == "received" and before["transitions"] == ["send", "receive"]

    marker = tmp_path / "accepting"
    proc = instance.popen([sys.executable, "-c", ACCEPT, str(marker), pk, "hook"])
    _wait_for(marker, proc, 1)
    # The dying transaction had written all three: new state, transition row, audit event.
    assert marker.read_text().split()[1:] == ["accepted", "1", "1"]
    _kill(proc)

    after = _referral_state(instance, pk)
    assert after == before  # state unchanged, no transition row, no audit event
    assert "audit chain intact" in instance.jisr("audit_verify").stdout

    # After the restart the acceptance goes through, with its transition row and its audit event.
    proc = instance.popen([sys.executable, "-c", ACCEPT, str(marker), pk, "plain"])
    assert proc.wait(timeout=60) == 0
    done = _referral_state(instance, pk)
    assert done["state"] == "accepted" and done["transitions"] == ["send", "receive", "accept"]
    assert done["events"] == [*before["events"], "referral.accept"]
    assert "audit chain intact" in instance.jisr("audit_verify").stdout


def test_scripts_are_self_contained() -> None:
    """The scripts above run with `python -c`: they must compile on their own."""
    for code in (IMPORT, ACCEPT, SETUP + textwrap.dedent(REFERRAL_SETUP), SETUP + REFERRAL_STATE):
        compile(code, "<script>", "exec")
