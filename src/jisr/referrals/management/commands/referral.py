"""`jisr referral import FILE…` · `jisr referral export --partner NAME --dir DIR` ·
`jisr referral deliver` · `jisr referral list`.

`import` takes `.jisr` files carried by hand (USB, e-mail) through exactly the checks of the HTTP inbox.
`export` writes every envelope still waiting for a partner as `<message id>.jisr` (no personal data in
names or bytes). `deliver` is the periodic job (cron / systemd timer, every few minutes): it retries
due deliveries with back-off, expires unanswered referrals and cancels those whose consent lapsed.
`list` prints ids, directions and states only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jisr.common.errors import StateError
from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import OutboundMessage, Partner, Referral


class Command(BaseCommand):
    help = "Import/export .jisr envelope files, run deliveries, list referrals."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("files", nargs="+")
        exp = sub.add_parser("export")
        exp.add_argument("--partner", required=True)
        exp.add_argument("--dir", required=True)
        sub.add_parser("deliver")
        sub.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            failed = 0
            for name in options["files"]:
                try:
                    referral = svc.inbox_receive(Path(name).read_bytes(), via="file")
                except env.EnvelopeError as exc:
                    failed += 1
                    self.stderr.write(f"{name}: refused ({exc.code})")
                except StateError:
                    failed += 1
                    self.stderr.write(f"{name}: refused (invalid_transition)")
                except OSError as exc:
                    failed += 1
                    self.stderr.write(f"{name}: {exc.strerror}")
                else:
                    self.stdout.write(f"{name}: referral {referral.exchange_id} now {referral.state}")
            if failed:
                raise CommandError(f"{failed} file(s) refused; nothing was stored from them")
        elif action == "export":
            try:
                partner = Partner.objects.get(name__iexact=options["partner"])
            except Partner.DoesNotExist as exc:
                raise CommandError("no such partner") from exc
            out = Path(options["dir"])
            out.mkdir(parents=True, exist_ok=True)
            n = 0
            for msg in OutboundMessage.objects.filter(partner=partner, delivered_at__isnull=True,
                                                      expires_at__gt=timezone.now()):
                (out / f"{msg.message_id}.jisr").write_bytes(bytes(msg.blob))
                svc.outbound_mark_exported(message=msg)
                n += 1
            self.stdout.write(f"{n} file(s) written to {out}")
        elif action == "deliver":
            self.stdout.write(" ".join(f"{k}={v}" for k, v in svc.referrals_tick().items()))
        else:
            for r in Referral.objects.order_by("created_at"):
                self.stdout.write(f"{r.exchange_id}\t{r.direction}\t{r.state}")
