"""`jisr reindex_persons`: recompute every person's blind indexes (after JISR_EXPECTED_POPULATION or the
normaliser changes). Decrypts each identity in memory only; prints counts, never names."""

from django.core.management.base import BaseCommand
from django.db import transaction

from jisr.audit.services import audit_record
from jisr.survivors.models import Person
from jisr.survivors.services import person_identity, person_reindex


class Command(BaseCommand):
    help = "Recompute the blind indexes of every person (not erased)."

    def handle(self, *args: object, **options: object) -> None:
        count = 0
        with transaction.atomic():
            for person in Person.objects.filter(erased_at__isnull=True).select_related("data_key").iterator():
                person_reindex(person, person_identity(person))
                count += 1
            audit_record(actor=None, action="person.reindex", details={"persons": count}, actor_label="reindex_persons")
        self.stdout.write(f"re-indexed {count} persons")
