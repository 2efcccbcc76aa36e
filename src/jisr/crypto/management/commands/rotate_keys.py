"""`jisr rotate_keys`: move every data key under the current master key and retire the old ones.

Procedure (README, "Rotating the master key"):

- Operator-managed keys: put the new key first, the old one after it (`JISR_MASTER_KEY=NEW,OLD`, or
  the same in the file), restart, run `jisr rotate_keys`, then remove OLD and restart again.
- Development keys (generated in JISR_DATA_DIR): `jisr rotate_keys --new` generates the new key, writes
  `NEW,OLD` to the key file, re-wraps, then writes `NEW` alone.

Data keys are re-wrapped in small committed batches, so an interrupted run loses nothing: every row is
wrapped under either key while both are loaded, and running the command again resumes where it
stopped. The old key is retired only when no data key still needs it.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from jisr.audit.services import audit_record
from jisr.crypto.envelope import kek_id
from jisr.crypto.models import DataKey
from jisr.crypto.services import data_key_rewrap, keyring


def _write_key_file(path: Path, keys: list[str]) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(",".join(keys) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)  # atomic: the file always holds a complete key list


class Command(BaseCommand):
    help = "Re-wrap every data key under the current master key; with --new, first make a new development key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new", action="store_true", help="generate a new key (development key file only)")
        parser.add_argument("--batch", type=int, default=200, help="data keys per committed batch")

    def handle(self, *args: object, **options: object) -> None:
        dev_file: Path | None = settings.JISR_MASTER_KEY_DEV_FILE
        if options["new"]:
            if dev_file is None:
                raise CommandError(
                    "the master key is managed by the operator (JISR_MASTER_KEY or JISR_MASTER_KEY_FILE): "
                    "put the new key first (NEW,OLD), restart, and run `jisr rotate_keys` without --new"
                )
            new_key = base64.b64encode(os.urandom(32)).decode()
            # Keep every key still loaded (a previous run may have been interrupted).
            settings.JISR_MASTER_KEYS = [new_key, *settings.JISR_MASTER_KEYS]
            _write_key_file(dev_file, settings.JISR_MASTER_KEYS)
        ring = keyring()
        current = ring.current_id.hex()
        moved = 0
        while True:
            batch = list(
                DataKey.objects.filter(wrapped__isnull=False).exclude(kek_id=current).order_by("pk")[: options["batch"]]
            )
            if not batch:
                break
            with transaction.atomic():
                for key in batch:
                    moved += int(data_key_rewrap(key))
        with transaction.atomic():
            audit_record(
                actor=None,
                action="crypto.rotate",
                details={"rewrapped": moved, "kek": current},
                actor_label="rotate_keys",
            )
        old = [k for k in settings.JISR_MASTER_KEYS[1:] if kek_id(base64.b64decode(k)).hex() != current]
        if dev_file is not None and old:
            settings.JISR_MASTER_KEYS = settings.JISR_MASTER_KEYS[:1]
            _write_key_file(dev_file, settings.JISR_MASTER_KEYS)
            self.stdout.write(f"re-wrapped {moved} data keys under {current}; old development key retired")
        elif old:
            self.stdout.write(
                f"re-wrapped {moved} data keys under {current}; remove the old key(s) from JISR_MASTER_KEY and restart"
            )
        else:
            self.stdout.write(f"re-wrapped {moved} data keys under {current}; no old key loaded")
