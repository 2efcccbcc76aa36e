"""`jisr audit_verify`: exit 0 when every audit chain is intact; exit 1 naming the first broken event."""

from django.core.management.base import BaseCommand, CommandError

from jisr.audit.verify import verify_chains


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log; non-zero exit names the first broken event."

    def handle(self, *args: object, **options: object) -> None:
        checked, breaks = verify_chains()
        if breaks:
            for b in breaks:
                self.stderr.write(f"BROKEN chain {b.chain}: event #{b.seq} (id {b.event_id}): {b.problem}")
            raise CommandError(f"audit chain broken ({len(breaks)} chain(s)); {checked} events checked")
        self.stdout.write(f"audit chain intact: {checked} events checked")
