"""`jisr partner add NAME --url URL --public-keys FILE [--organisation SLUG] [--country CC]`,
`jisr partner confirm NAME --fingerprint "XXXX XXXX …"`,
`jisr partner rotate NAME --public-keys FILE --fingerprint "XXXX …" [--overlap-days N]`, `jisr partner list`.

A partner is usable only after `confirm`, run by a person who heard the fingerprint from the partner
(phone call, meeting) and typed it: the typed value must match the pinned keys exactly.

`rotate` pins a partner's new keys after it ran `jisr keys rotate`: same partner, same referrals. The
new fingerprint is typed as for `confirm`. Envelopes the partner signed with its previous key are
still accepted for `--overlap-days` (default and most: 14, the validity of an envelope); 0 when the old
key may be in someone else's hands. Envelopes of ours still waiting for the partner are sealed again to
its new key in the same transaction (the command says how many).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jisr.accounts.models import Organisation
from jisr.common.errors import StateError
from jisr.referrals import services as svc
from jisr.referrals.models import OutboundMessage, Partner


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
        rotate = sub.add_parser("rotate", help="pin the partner's new keys (after its `jisr keys rotate`)")
        rotate.add_argument("name")
        rotate.add_argument("--public-keys", required=True, help="the partner's new `jisr keys show --json` file")
        rotate.add_argument("--fingerprint", required=True, help="the new fingerprint, as read aloud by the partner")
        rotate.add_argument("--overlap-days", type=int, default=svc.PARTNER_KEY_OVERLAP.days,
                            help="days the previous key still verifies envelopes in flight (0 to "
                                 f"{svc.PARTNER_KEY_OVERLAP.days}; 0 if it may be compromised)")
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
                p = _partner(options["name"])
                svc.partner_confirm(actor=None, partner=p, fingerprint=options["fingerprint"], actor_label="command")
                self.stdout.write(f"{p.name} confirmed")
            elif options["action"] == "rotate":
                p = _partner(options["name"])
                text = Path(options["public_keys"]).read_text(encoding="utf-8")
                waiting = dict(OutboundMessage.objects.filter(partner=p, delivered_at__isnull=True,
                                                              expires_at__gt=timezone.now()).values_list("pk", "blob"))
                p = svc.partner_rotate_keys(actor=None, partner=p, public_keys=text, fingerprint=options["fingerprint"],
                                            overlap=dt.timedelta(days=options["overlap_days"]), actor_label="command")
                replaced = p.previous_keys.first()  # newest first: the keys just replaced
                until = replaced.accepted_until if replaced and replaced.accepted_until > p.confirmed_at else None
                overlap = f"accepted until {until.isoformat(timespec='minutes')}" if until else "refused from now on"
                self.stdout.write(f"{p.name}: new keys pinned and confirmed ({p.fingerprint}); envelopes signed "
                                  f"with the previous key are {overlap}")
                if waiting:
                    now_blobs = OutboundMessage.objects.filter(pk__in=waiting).values_list("pk", "blob")
                    resealed = sum(bytes(blob) != bytes(waiting[pk]) for pk, blob in now_blobs)
                    kept = len(waiting) - resealed
                    self.stdout.write(f"{resealed} envelope(s) waiting for it sealed again to the new key"
                                      + (f"; {kept} left sealed to the previous key (nothing readable to seal again), "
                                         "which the partner still opens until they expire" if kept else ""))
            else:
                for p in Partner.objects.all():
                    state = "confirmed" if p.confirmed_at else "NOT CONFIRMED"
                    self.stdout.write(f"{p.name}\t{p.fingerprint}\t{state}\t{p.inbox_url}")
        except (StateError, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc


def _partner(name: str) -> Partner:
    try:
        return Partner.objects.get(name__iexact=name)
    except Partner.DoesNotExist as exc:
        raise CommandError("no such partner") from exc
