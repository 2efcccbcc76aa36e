"""`jisr backup FILE`: an encrypted, signed backup of the database, evidence files and key material.

Encrypted for the recovery key (`jisr backup_key init`), so the backup file alone — or with the server's
keys — reveals nothing without the offline recovery key. See README, "Backups", for the schedule.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisr.crypto.backup import backup_write, recovery_public
from jisr.crypto.backup_file import BackupError


class Command(BaseCommand):
    help = "Write an encrypted, signed backup (database + key material) for the recovery key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="backup file to write (mode 0600)")
        parser.add_argument("--recovery-public-key", help="public key file (default JISR_DATA_DIR/recovery.pub)")
        parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} exists (use --force to overwrite)")
        try:
            public = recovery_public(options["recovery_public_key"])  # type: ignore[arg-type]
            started = time.monotonic()
            result = backup_write(path, recovery_public_key=public)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"backup written: {path} ({result.size} bytes, {result.objects} objects, "
            f"{time.monotonic() - started:.1f} s)\n"
            f"encrypted for recovery key {result.recipient}\n"
            f"signed by the {result.signer_source} key {result.signer} (note it: `jisr restore --signer`)"
        )
