"""`jisr partner add NAME --url URL --public-keys FILE [--organisation SLUG] [--country CC]`,
`jisr partner confirm NAME --fingerprint "XXXX XXXX …"`, `jisr partner list`.

A partner is usable only after `confirm`, run by a person who heard the fingerprint from the partner
(phone call, meeting) and typed it: the typed value must match the pinned keys exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisr.accounts.models import Organisation
from jisr.common.errors import StateError
from jisr.referrals import services as svc
from jisr.referrals.models import Partner


class Command(BaseCommand):
    help = "Manage the partner directory (other Jisr instances)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add")
        add.add_argument("name")
        add.add_argument("--url", required=True, help="the partner's inbox, https://…/api/v1/referrals/inbox/")
        add.add_argument("--public-keys", required=True, help="the partner's `jisr keys show --json` file")
        add.add_argument("--organisation", default="", help="our organisation's slug (default: the only one)")
        add.add_argument("--country", default="")
        confirm = sub.add_parser("confirm")
        confirm.add_argument("name")
        confirm.add_argument("--fingerprint", required=True)
        sub.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "add":
                slug = options["organisation"]
                orgs = Organisation.objects.filter(slug=slug) if slug else Organisation.objects.all()
                if orgs.count() != 1:
                    raise CommandError("name our organisation with --organisation SLUG")
                text = Path(options["public_keys"]).read_text(encoding="utf-8")
                p = svc.partner_add(actor=None, organisation=orgs.get(), name=options["name"], inbox_url=options["url"],
                                    public_keys=text, country=options["country"], actor_label="command")
                self.stdout.write(f"added {p.name}; fingerprint to confirm with them: {p.fingerprint}")
            elif options["action"] == "confirm":
                try:
                    p = Partner.objects.get(name__iexact=options["name"])
                except Partner.DoesNotExist as exc:
                    raise CommandError("no such partner") from exc
                svc.partner_confirm(actor=None, partner=p, fingerprint=options["fingerprint"], actor_label="command")
                self.stdout.write(f"{p.name} confirmed")
            else:
                for p in Partner.objects.all():
                    state = "confirmed" if p.confirmed_at else "NOT CONFIRMED"
                    self.stdout.write(f"{p.name}\t{p.fingerprint}\t{state}\t{p.inbox_url}")
        except (StateError, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
