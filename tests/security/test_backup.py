"""`jisr backup` / `jisr restore`: a real backup of a generated instance, restored into a fresh data dir
by a separate process, compared record by record; tampering, a wrong recovery key and a non-empty
target write nothing."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from security.instances import Instance, fresh_sqlite, pg_available, pg_database, pg_drop

# Generated people (common given and family names combined), never real ones.
PEOPLE = [
    ("فاطمة الزهراء", "بن علي", "Fatima Zahra", "Benali"),
    ("خديجة", "العلوي", "Khadija", "Alaoui"),
    ("مريم", "الإدريسي", "Meryem", "Idrissi"),
    ("سلمى", "التازي", "Salma", "Tazi"),
    ("نادية", "بنجلون", "Nadia", "Benjelloun"),
    ("أمينة", "الفاسي", "Amina", "Fassi"),
]
ERASED = 5  # this one is erased before the backup: still unreadable after the restore

MAKE_DATA = """
import json, sys
from jisr.cases.services import case_note_add, case_open
from jisr.survivors.identity import Identity
from jisr.survivors.services import person_erase, person_register

people = json.loads(sys.argv[1])
o = org()
team = Team.objects.create(organisation=o, name="Tanger")
cw = member("sec-cw", o, Role.CASE_WORKER, team)
sup = member("sec-sup", o, Role.SUPERVISOR, team)
out = {}
for i, (g, f, gl, fl) in enumerate(people):
    p = person_register(actor=cw, organisation=o, identity=Identity(given_name=g, family_name=f,
                        given_name_latin=gl, family_name_latin=fl, phone=f"+2126120000{i:02d}"),
                        sex="Feminine", nationality="MA", estimated_age=20 + i)
    c = case_open(actor=cw, person=p)
    case_note_add(actor=cw, case=c, body=f"ملاحظة {g}: the first meeting went well")
    out[str(p.pk)] = {"code": p.code, "case": str(c.pk)}
erased = list(out)[int(sys.argv[2])]
from jisr.survivors.models import Person
person_erase(actor=sup, person=Person.objects.get(pk=erased), reason="she asked to be forgotten")
print(json.dumps(out))
"""

READ_BACK = """
import json
from jisr.audit.models import AuditEvent
from jisr.cases.models import CaseNote
from jisr.cases.services import case_note_text
from jisr.crypto.services import DataKeyDestroyedError
from jisr.survivors.models import Person
from jisr.survivors.services import person_identity
out = {}
for p in Person.objects.select_related("data_key").order_by("code"):
    try:
        i = person_identity(p)
        names = [i.given_name, i.family_name, i.given_name_latin, i.family_name_latin, i.phone]
        notes = sorted(case_note_text(n) for n in CaseNote.objects.filter(case__person=p))
    except DataKeyDestroyedError:
        names, notes = None, None
    out[str(p.pk)] = {"code": p.code, "names": names, "notes": notes}
events = [[e.chain, e.seq, e.action, e.hash] for e in AuditEvent.objects.order_by("chain", "seq")]
print(json.dumps({"persons": out, "events": events}))
"""


def _state(inst: Instance) -> dict:
    return json.loads(inst.script(READ_BACK).stdout)


def _make_source(inst: Instance) -> None:
    inst.script(MAKE_DATA.replace("sys.argv[1]", repr(json.dumps(PEOPLE))).replace("sys.argv[2]", str(ERASED)))


def _roundtrip(source: Instance, target: Instance, tmp_path: Path) -> None:
    _make_source(source)
    before = _state(source)
    key = tmp_path / "recovery.key"
    source.jisr("backup_key", "init", "--out", str(key))
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (source.data_dir / "recovery.pub").exists()
    backup = tmp_path / "jisr.backup"
    out = source.jisr("backup", str(backup)).stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    signer = out.split("signed by the backup key ")[1].split()[0]

    blob = backup.read_bytes()
    for person in PEOPLE:
        for name in person:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                assert name.encode(encoding) not in blob
            assert name.encode("unicode_escape") not in blob  # JSON-escaped Arabic

    target.jisr("restore", str(backup), "--recovery-key", str(key), "--signer", signer)
    assert stat.S_IMODE((target.data_dir / "master_key").stat().st_mode) == 0o600
    assert (target.data_dir / "master_key").read_text() == (source.data_dir / "master_key").read_text()
    assert (target.data_dir / "secret_key").read_text() == (source.data_dir / "secret_key").read_text()
    assert "audit chain intact" in target.jisr("audit_verify").stdout

    after = _state(target)
    assert after["persons"] == before["persons"]
    readable = [p for p in after["persons"].values() if p["names"]]
    assert sorted(p["names"][0] for p in readable) == sorted(p[0] for p in PEOPLE[:ERASED])
    erased = [p for p in after["persons"].values() if p["names"] is None]
    assert len(erased) == 1
    # Same chain (hashes included), then the restore's own event. The backup's event is written after
    # the dump, so it is in the source's chain only.
    assert after["events"][: len(before["events"])] == before["events"]
    assert [e[2] for e in after["events"][len(before["events"]) :]] == ["backup.restore"]
    assert _state(source)["events"][-1][2] == "backup.create"

    # The restored instance goes on backing up for the same recovery key, signed by the same key.
    assert (target.data_dir / "recovery.pub").read_text() == (source.data_dir / "recovery.pub").read_text()
    assert (target.data_dir / "backup_signing_key").read_text() == (source.data_dir / "backup_signing_key").read_text()


def test_backup_restore_roundtrip_sqlite(migrated_sqlite: Path, tmp_path: Path) -> None:
    source = fresh_sqlite(migrated_sqlite, tmp_path / "source")
    target = Instance(tmp_path / "restored")  # empty: no database, no keys
    _roundtrip(source, target, tmp_path)


@pytest.mark.skipif(not pg_available(), reason="PostgreSQL not reachable at 127.0.0.1:5432")
def test_backup_from_sqlite_restores_on_postgresql(migrated_sqlite: Path, tmp_path: Path) -> None:
    name, url = pg_database()
    try:
        source = fresh_sqlite(migrated_sqlite, tmp_path / "source")
        _roundtrip(source, Instance(tmp_path / "restored", url), tmp_path)
    finally:
        pg_drop(name)


@pytest.fixture(scope="module")
def made_backup(migrated_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Instance, Path, Path]:
    tmp = tmp_path_factory.mktemp("made")
    source = fresh_sqlite(migrated_sqlite, tmp / "source")
    _make_source(source)
    key = tmp / "recovery.key"
    source.jisr("backup_key", "init", "--out", str(key))
    backup = tmp / "jisr.backup"
    source.jisr("backup", str(backup))
    return source, key, backup


def _refused(target: Instance, backup: Path, key: Path, expect: str, *args: str) -> None:
    # Keys given by the environment, so a refused restore has no excuse to leave any file behind.
    proc = target.jisr("restore", str(backup), "--recovery-key", str(key), *args, check=False,
                       SECRET_KEY="x" * 50, JISR_MASTER_KEY="A" * 43 + "=")
    assert proc.returncode != 0
    assert expect in proc.stderr and "nothing was written" in proc.stderr
    assert list(target.data_dir.iterdir()) == []


def test_changed_byte_wrong_key_or_signer_is_refused_and_nothing_written(made_backup, tmp_path: Path) -> None:
    """Every byte is covered in-process (tests/security/test_backup_file.py); here the command itself."""
    source, key, backup = made_backup
    changed = bytearray(backup.read_bytes())
    changed[len(changed) // 2] ^= 0x01
    bad = tmp_path / "bad.backup"
    bad.write_bytes(bytes(changed))
    _refused(Instance(tmp_path / "t-bad"), bad, key, "the signature does not verify")

    other = tmp_path / "other.key"
    source.jisr("backup_key", "init", "--out", str(other), "--public-out", str(tmp_path / "other.pub"))
    _refused(Instance(tmp_path / "t-key"), backup, other, "another recovery key")
    _refused(Instance(tmp_path / "t-signer"), backup, key, "signed by another key", "--signer", "0000:" * 7 + "0000")


def test_restore_refuses_a_non_empty_target(made_backup, tmp_path: Path) -> None:
    source, key, backup = made_backup
    before = _state(source)
    keys_before = (source.data_dir / "master_key").read_text()
    proc = source.jisr("restore", str(backup), "--recovery-key", str(key), check=False)
    assert proc.returncode != 0
    assert "the database is not empty" in proc.stderr and "nothing was written" in proc.stderr
    assert _state(source) == before
    assert (source.data_dir / "master_key").read_text() == keys_before

    # An empty database but another instance's key file in the data dir: that key is never overwritten.
    elsewhere = Instance(tmp_path / "elsewhere")
    (elsewhere.data_dir / "master_key").write_text("B" * 43 + "=\n")
    os.utime(elsewhere.data_dir / "master_key", (1_600_000_000, 1_600_000_000))
    proc = elsewhere.jisr("restore", str(backup), "--recovery-key", str(key), check=False)
    assert proc.returncode != 0 and "already holds another key" in proc.stderr
    assert (elsewhere.data_dir / "master_key").read_text() == "B" * 43 + "=\n"


def test_fresh_migrate_seeds_only_the_rows_restore_replaces(migrated_sqlite: Path, tmp_path: Path) -> None:
    """`restore` treats a migrated database as empty when only SEEDED_BY_MIGRATIONS hold rows; a new data
    migration must be added there (or restore would refuse every target)."""
    inst = fresh_sqlite(migrated_sqlite, tmp_path / "fresh")
    out = inst.script("from jisr.crypto.backup import database_rows\nprint(database_rows())").stdout
    assert out.strip() == "{}"
