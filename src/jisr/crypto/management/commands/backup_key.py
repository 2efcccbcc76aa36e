"""`jisr backup_key init --out recovery.key`: make the recovery key pair backups are encrypted for.

The private key goes to `--out` (mode 0600; never overwritten): keep it OFFLINE (a USB stick in a safe,
a printed copy), never on the server. The public key goes to JISR_DATA_DIR/recovery.pub, where
`jisr backup` finds it. `jisr backup_key show` prints the fingerprint of the public key in use.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisr.crypto import backup_file
from jisr.crypto.backup import RECOVERY_PUBLIC, data_dir, recovery_public, write_secret_file
from jisr.crypto.backup_file import BackupError, RecoveryKey


class Command(BaseCommand):
    help = "Make the backup recovery key pair (init) or show the public key's fingerprint (show)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["init", "show"])
        parser.add_argument("--out", help="init: file for the PRIVATE recovery key (kept offline)")
        parser.add_argument("--public-out", help="init: file for the public key (default JISR_DATA_DIR/recovery.pub)")
        parser.add_argument("--force", action="store_true", help="init: replace an existing recovery.pub")

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "show":
            try:
                public = recovery_public(options["public_out"])  # type: ignore[arg-type]
            except BackupError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"recovery public key fingerprint: {backup_file.fingerprint(public)}")
            return
        out = options["out"]
        if not out:
            raise CommandError("give --out FILE for the private recovery key")
        public_path = Path(str(options["public_out"])) if options["public_out"] else data_dir() / RECOVERY_PUBLIC
        if public_path.exists() and not options["force"]:
            raise CommandError(
                f"{public_path} exists: backups are already encrypted for a recovery key. Use --force to "
                "replace it (older backups still need the old private key)."
            )
        key = RecoveryKey.generate()
        try:
            write_secret_file(Path(str(out)), key.dump(), exclusive=True)
        except FileExistsError:
            raise CommandError(f"{out} exists; it is never overwritten") from None
        write_secret_file(public_path, backup_file.dump_public(key.public))
        public_path.chmod(0o644)
        self.stdout.write(
            f"recovery key written to {out} (keep it offline, then delete it from this machine);\n"
            f"public key in {public_path}; fingerprint {backup_file.fingerprint(key.public)}"
        )
