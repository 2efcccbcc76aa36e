"""Backups and restores (`jisr backup_key`, `jisr backup`, `jisr restore`).

A backup holds the whole database (`dumpdata` of every app, natural foreign keys, primary keys kept so
the audit chain's hashes stay valid; SQLite ↔ PostgreSQL), the roadmap's evidence files, and the key
material without which the data is useless: the master key list, SECRET_KEY, the backup signing key
(the referrals instance keys are database rows, wrapped by the master key, so they travel with the
data). All of it is encrypted for the operator's offline RECOVERY KEY and signed (`backup_file`).

A restore goes only into an empty target and checks everything before writing anything.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from jisr.crypto import backup_file
from jisr.crypto.backup_file import BackupError

PAYLOAD_VERSION = 1
RECOVERY_PUBLIC = "recovery.pub"
SIGNING_KEY = "backup_signing_key"
MASTER_KEY = "master_key"
SECRET_KEY = "secret_key"  # noqa: S105 - a file name
MEDIA = "media"
# Not backed up: content types and permissions are rebuilt by `migrate` (and referred to by natural
# key); sessions are dropped (everyone signs in again after a restore).
EXCLUDED = ("contenttypes", "auth.permission", "sessions")
# Rows a fresh `migrate` creates; the backup's copies replace them (tests/security check this list).
SEEDED_BY_MIGRATIONS = frozenset({"contenttypes.contenttype", "auth.permission", "roadmap.strategicarea"})


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def write_secret_file(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write `text` to `path` with mode 0600, atomically (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if exclusive:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        return
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# --- Keys ---------------------------------------------------------------------------------------------


def recovery_public(path: str | None = None) -> bytes:
    """The recovery public key from `path`, else JISR_DATA_DIR/recovery.pub."""
    source = Path(path) if path else data_dir() / RECOVERY_PUBLIC
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise BackupError(
            "no recovery public key: run `jisr backup_key init --out FILE` (or give --recovery-public-key)"
        ) from exc
    return backup_file.load_public(text)


def signing_seed() -> tuple[bytes, str]:
    """(Ed25519 seed, where it comes from): the referrals instance signing key when this instance has
    one, else a backup signing key generated once into JISR_DATA_DIR."""
    if apps.is_installed("jisr.referrals"):
        from jisr.referrals.services import current_instance_key, own_private_keys

        if current_instance_key() is not None:
            return own_private_keys()[0].signing_seed, "instance"
    path = data_dir() / SIGNING_KEY
    if not path.exists():
        try:
            write_secret_file(path, os.urandom(32).hex() + "\n", exclusive=True)
        except FileExistsError:
            pass
    return bytes.fromhex(path.read_text(encoding="utf-8").strip()), "backup"


# --- Backup -------------------------------------------------------------------------------------------


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _media_files() -> dict[str, str]:
    root = data_dir() / MEDIA
    files: dict[str, str] = {}
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            files[path.relative_to(root).as_posix()] = base64.b64encode(path.read_bytes()).decode()
    return files


def build_payload() -> bytes:
    """Everything a restore needs, as JSON bytes (plaintext: only ever handed to `seal_backup`)."""
    buf = io.StringIO()
    # One read transaction: the dump is a consistent snapshot even while the instance keeps working.
    with transaction.atomic():
        call_command(
            "dumpdata", exclude=list(EXCLUDED), natural_foreign=True, use_base_manager=True, format="json", stdout=buf
        )
        migrations = _applied_migrations()
    keys: dict[str, Any] = {"master_keys": list(settings.JISR_MASTER_KEYS), "secret_key": settings.SECRET_KEY}
    signing = data_dir() / SIGNING_KEY
    if signing.exists():
        keys["backup_signing_key"] = signing.read_text(encoding="utf-8").strip()
    public = data_dir() / RECOVERY_PUBLIC
    if public.exists():  # so that the restored instance goes on backing up for the same recovery key
        keys["recovery_public"] = public.read_text(encoding="utf-8")
    payload = {
        "jisr_backup": PAYLOAD_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "vendor": connection.vendor,
        "migrations": migrations,
        "keys": keys,
        "data": buf.getvalue(),
        "media": _media_files(),
    }
    return json.dumps(payload, ensure_ascii=True).encode()


@dataclass
class BackupResult:
    size: int
    signer: str
    signer_source: str
    recipient: str
    objects: int


def backup_write(path: Path, *, recovery_public_key: bytes) -> BackupResult:
    """Write the encrypted, signed backup to `path` (mode 0600, atomically) and audit it."""
    from jisr.audit.services import audit_record

    seed, source = signing_seed()
    payload = build_payload()
    objects = len(json.loads(json.loads(payload)["data"]))
    blob = backup_file.seal_backup(
        payload,
        recovery_public=recovery_public_key,
        signing_seed=seed,
        meta={"created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "vendor": connection.vendor},
    )
    del payload
    tmp = path.with_name(path.name + ".partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(blob)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    header = backup_file.read_header(blob)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="backup.create",
            actor_label="backup",
            details={"bytes": len(blob), "objects": objects, "signer": header["signer_fingerprint"],
                     "recipient": header["recipient"]},
        )
    return BackupResult(len(blob), header["signer_fingerprint"], source, header["recipient"], objects)


# --- Restore ------------------------------------------------------------------------------------------


def _process_started_at() -> float:
    """When this process started (Linux /proc), to recognise key files the settings generated at start."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        boot = next(
            int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime")
        )
        return boot + start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return time.time() + 3600  # unknown: treat no existing file as fresh


def _key_file_conflict(path: Path, wanted: str) -> bool:
    """True when `path` holds another key that this process did not just generate (settings make
    development keys at start): overwriting it could destroy the only copy of someone's key."""
    if not path.exists():
        return False
    if path.read_text(encoding="utf-8").strip() == wanted.strip():
        return False
    return path.stat().st_mtime < _process_started_at() - 2


def database_rows() -> dict[str, int]:
    """Rows per model in the target database, for the models whose table exists (seeded ones left out)."""
    tables = set(connection.introspection.table_names())
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.db_table not in tables or label in SEEDED_BY_MIGRATIONS or not model._meta.managed:
            continue
        n = model._base_manager.using(connection.alias).count()
        if n:
            counts[label] = n
    return counts


@dataclass
class OpenedBackup:
    header: dict[str, Any]
    payload: dict[str, Any]


def backup_open(blob: bytes, *, recovery_private: bytes, expect_signer: str | None = None) -> OpenedBackup:
    """Verify and decrypt a backup in memory; check it fits this version of Jisr. Writes nothing."""
    header, raw = backup_file.open_backup(blob, recovery_private=recovery_private, expect_signer=expect_signer)
    payload = json.loads(raw)
    if payload.get("jisr_backup") != PAYLOAD_VERSION:
        raise BackupError("unsupported backup content version")
    known = {tuple(node) for node in MigrationLoader(None, ignore_no_migrations=True).graph.nodes}
    theirs = {tuple(m) for m in payload["migrations"]}
    if theirs != known:
        raise BackupError(
            "this backup was made by another version of Jisr (its database migrations differ: "
            f"{len(theirs - known)} unknown here, {len(known - theirs)} missing): restore it with the version "
            "that made it, then upgrade"
        )
    return OpenedBackup(header, payload)


def restore_refusals(opened: OpenedBackup) -> list[str]:
    """Why the target is not empty (nothing is written when this list is not empty)."""
    reasons = []
    keys = opened.payload["keys"]
    for name, wanted in ((MASTER_KEY, ",".join(keys["master_keys"])), (SECRET_KEY, keys["secret_key"])):
        if _key_file_conflict(data_dir() / name, wanted):
            reasons.append(f"{data_dir() / name} already holds another key")
    media = data_dir() / MEDIA
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        reasons.append(f"{media} is not empty")
    rows = database_rows()
    if rows:
        reasons.append("the database is not empty (" + ", ".join(f"{k}: {v}" for k, v in sorted(rows.items())) + ")")
    return reasons


def restore(opened: OpenedBackup) -> int:
    """Write the keys and media, migrate, then load every object in one transaction. Returns the number of
    objects loaded. The caller has checked `restore_refusals` is empty."""
    from jisr.audit.services import audit_record
    from jisr.crypto.models import DataKey
    from jisr.crypto.services import data_key_material

    payload = opened.payload
    keys = payload["keys"]
    write_secret_file(data_dir() / MASTER_KEY, ",".join(keys["master_keys"]) + "\n")
    write_secret_file(data_dir() / SECRET_KEY, keys["secret_key"] + "\n")
    if keys.get("backup_signing_key") and not (data_dir() / SIGNING_KEY).exists():
        write_secret_file(data_dir() / SIGNING_KEY, keys["backup_signing_key"] + "\n")
    if keys.get("recovery_public") and not (data_dir() / RECOVERY_PUBLIC).exists():
        write_secret_file(data_dir() / RECOVERY_PUBLIC, keys["recovery_public"])
    settings.JISR_MASTER_KEYS = list(keys["master_keys"])
    for rel, content in payload["media"].items():
        target = (data_dir() / MEDIA / rel).resolve()
        if not target.is_relative_to((data_dir() / MEDIA).resolve()):
            raise BackupError("a media path in the backup leaves the media folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(content))

    call_command("migrate", interactive=False, verbosity=0)
    data = payload["data"]
    objects = json.loads(data)
    present = {o["model"] for o in objects}
    with transaction.atomic():
        # A fresh `migrate` seeds a few rows (with their own random keys); the backup's rows replace them.
        for label in sorted(SEEDED_BY_MIGRATIONS & present):
            apps.get_model(label)._base_manager.all().delete()
        with_fixture(data)
        # The restored master keys must open the restored data keys; otherwise roll everything back.
        sample = DataKey.objects.filter(wrapped__isnull=False).first()
        if sample is not None:
            data_key_material(sample)
        audit_record(
            actor=None,
            action="backup.restore",
            actor_label="restore",
            details={"objects": len(objects), "signer": opened.header["signer_fingerprint"],
                     "made_at": opened.header.get("created_at", "")},
        )
    return len(objects)


def with_fixture(data: str) -> None:
    """`loaddata` of the dumped JSON (a temporary 0600 file, removed at once: it holds ciphertext only,
    but still is survivor data)."""
    path = data_dir() / f".restore-{os.getpid()}.json"
    write_secret_file(path, data)
    try:
        call_command("loaddata", str(path), verbosity=0)
    finally:
        path.unlink(missing_ok=True)
