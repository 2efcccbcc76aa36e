"""`jisr keys init NAME` · `jisr keys show [--json]` · `jisr keys rotate`: this instance's identity.

The private keys never leave the database, where they are sealed under a data key wrapped by the master
key. `show` prints the human-checkable fingerprint to read aloud to partners, and `--json` the public
keys file partners give to `jisr partner add`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisr.common.errors import StateError
from jisr.referrals import services as svc


class Command(BaseCommand):
    help = "Create, show or rotate this instance's referral keys (Ed25519 signing + X25519 encryption)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="create the keys (once)")
        init.add_argument("name", help="a short name partners will see, e.g. demo-ma")
        show = sub.add_parser("show", help="print the fingerprint (or the public keys file with --json)")
        show.add_argument("--json", action="store_true")
        sub.add_parser("rotate", help="new keys; the old ones still open envelopes for 90 days")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "init":
                row = svc.instance_keys_init(name=options["name"])
                self.stdout.write(f"instance {row.instance_id} ({row.name})\nfingerprint: {row.fingerprint}")
            elif options["action"] == "rotate":
                row = svc.instance_keys_rotate()
                self.stdout.write(f"new fingerprint: {row.fingerprint}\n"
                                  "Send `jisr keys show --json` to every partner and read them the new fingerprint: "
                                  "they pin it with `jisr partner rotate`.")
            else:
                keys = svc.own_public_keys()
                self.stdout.write(keys.to_json() if options["json"] else
                                  f"instance {keys.instance_id} ({keys.name})\nfingerprint: {keys.fingerprint}")
        except (StateError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
