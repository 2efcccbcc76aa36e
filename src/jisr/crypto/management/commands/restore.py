"""`jisr restore FILE --recovery-key recovery.key`: restore a backup into an EMPTY instance.

Order: read the file, verify the signature, open it with the recovery key and decrypt it entirely, check
it was made by this version of Jisr and that the target (JISR_DATA_DIR and the database) is empty — and
only then write: the key files, the evidence files, `migrate`, and every object in one transaction.
A changed byte, a wrong recovery key or a non-empty target writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisr.crypto.backup import backup_open, data_dir, restore, restore_refusals
from jisr.crypto.backup_file import BackupError, RecoveryKey


class Command(BaseCommand):
    help = "Verify, decrypt and restore a backup into an empty data dir and an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="backup file written by `jisr backup`")
        parser.add_argument("--recovery-key", required=True, help="the private recovery key file")
        parser.add_argument("--signer", help="require this signer fingerprint (printed by `jisr backup`)")
        parser.add_argument("--verify-only", action="store_true", help="verify and decrypt; write nothing")

    def handle(self, *args: object, **options: object) -> None:
        try:
            recovery = RecoveryKey.load(Path(str(options["recovery_key"])).read_text(encoding="utf-8"))
            blob = Path(str(options["file"])).read_bytes()
            opened = backup_open(blob, recovery_private=recovery.private, expect_signer=options["signer"])  # type: ignore[arg-type]
        except OSError as exc:
            raise CommandError(f"cannot read: {exc.strerror}") from None
        except BackupError as exc:
            raise CommandError(f"{exc}; nothing was written") from None
        del blob
        header = opened.header
        self.stdout.write(
            f"backup verified: made {header.get('created_at', '?')} on {header.get('vendor', '?')}, "
            f"signed by {header['signer_fingerprint']}"
        )
        if options["verify_only"]:
            return
        reasons = restore_refusals(opened)
        if reasons:
            raise CommandError("the target is not empty; nothing was written:\n  " + "\n  ".join(reasons))
        try:
            loaded = restore(opened)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored {loaded} objects; keys written to {data_dir()}")
        if settings.JISR_MASTER_KEY_DEV_FILE is None:
            self.stdout.write(
                "JISR_MASTER_KEY is set by the operator: point JISR_MASTER_KEY_FILE and SECRET_KEY_FILE at the "
                f"restored files in {data_dir()} before starting Jisr."
            )
