"""`jisr import_persons FILE --organisation SLUG [--as USERNAME] [--dry-run]`: import a register.

All or nothing: every row is read and checked first; if any row is wrong nothing is written and the
report lists spreadsheet row numbers with reasons. Otherwise every row goes through `person_register`
inside one transaction (one `person.register` audit event each, then one `person.import` summary).
The output never contains a name or any other cell value: row numbers, column names, reasons, counts
and pseudonymous codes only.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from jisr.accounts.models import Organisation, User
from jisr.audit.services import audit_record
from jisr.common.errors import PermissionDeniedError
from jisr.survivors.importing import (
    ImportFileError,
    PersonRow,
    duplicates_registered,
    duplicates_within,
    read_sheet,
    validate,
)
from jisr.survivors.services import person_register

MAX_REPORTED = 200


class _RowWriteError(Exception):
    def __init__(self, row: int, reason: str) -> None:
        super().__init__(f"row {row}: {reason}")


def _reason(exc: Exception) -> str:
    """A reason that quotes no value: our own ValueError messages are fixed sentences; for anything
    else only the field names or the error class."""
    if isinstance(exc, ValidationError):
        fields = sorted(getattr(exc, "error_dict", {}) or {})
        return "rejected by the model" + (f" ({', '.join(fields)})" if fields else "")
    if isinstance(exc, ValueError | PermissionDeniedError):
        return str(exc)
    return f"unexpected error ({exc.__class__.__name__})"


class Command(BaseCommand):
    help = (
        "Import persons from a register (CSV in UTF-8 or Windows-1256, or XLSX). All or nothing: "
        "a single bad row imports nothing. Header names in English, French, Spanish or Arabic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file; the first row is the header")
        parser.add_argument("--organisation", required=True, metavar="SLUG", help="organisation slug")
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="the staff member importing (recorded as registrant and in the audit log; "
            "must be allowed to register people in the organisation)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
        parser.add_argument(
            "--ignore-unknown-columns",
            action="store_true",
            help="skip columns whose header is not recognised instead of refusing the file",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = Organisation.objects.get(slug=options["organisation"])
        except Organisation.DoesNotExist:
            raise CommandError("no organisation with that slug") from None
        actor = self._actor(options["username"], organisation)
        show_progress = not options["no_progress"] and sys.stderr.isatty()

        def progress(items: Iterable[Any], desc: str, total: int) -> Iterable[Any]:
            return tqdm(
                items, desc=desc, total=total, unit="row", file=sys.stderr, disable=not show_progress, leave=False
            )

        try:
            sheet = read_sheet(options["file"])
            total = len(sheet.rows)
            checked = validate(
                sheet,
                default_region=organisation.country.code,
                today=timezone.localdate(),
                ignore_unknown=options["ignore_unknown_columns"],
                progress=partial(progress, desc="checking", total=total),
            )
        except ImportFileError as exc:
            raise CommandError(f"{exc}\nNothing was imported.") from None

        self.stdout.write(
            f"Read {sheet.source}: {checked.rows_read} row(s)"
            + (f", {checked.empty_rows} empty row(s) skipped" if checked.empty_rows else "")
            + "."
        )
        if checked.problems:
            rows = sorted({p.row for p in checked.problems})
            lines = [str(p) for p in sorted(checked.problems, key=lambda p: (p.row, p.column))]
            more = f"\n  … and {len(lines) - MAX_REPORTED} more" if len(lines) > MAX_REPORTED else ""
            raise CommandError(
                f"{len(checked.problems)} problem(s) in {len(rows)} row(s); nothing was imported:\n  "
                + "\n  ".join(lines[:MAX_REPORTED])
                + more
            )

        persons = checked.persons
        warnings = duplicates_within(persons) + duplicates_registered(
            persons, organisation, progress=partial(progress, desc="duplicates", total=len(persons))
        )
        for warning in sorted(warnings, key=lambda w: w.row)[:MAX_REPORTED]:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        duplicate_rows = sorted({w.row for w in warnings})
        if len(warnings) > MAX_REPORTED:
            self.stdout.write(self.style.WARNING(f"warning: … and {len(warnings) - MAX_REPORTED} more"))

        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: {len(persons)} row(s) valid, {len(duplicate_rows)} possible duplicate(s); "
                "nothing was written."
            )
            return

        codes = self._write(
            persons,
            organisation,
            actor,
            sheet.source,
            sheet.sha256,
            len(duplicate_rows),
            partial(progress, desc="registering", total=len(persons)),
        )
        span = f" ({codes[0]} … {codes[-1]})" if codes else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Registered {len(codes)} person(s){span}; {len(duplicate_rows)} row(s) flagged as possible "
                "duplicates (review them; nothing is merged automatically)."
            )
        )

    def _actor(self, username: str | None, organisation: Organisation) -> User | None:
        if not username:
            return None
        actor = User.objects.filter(username=username).first()
        if actor is None or actor.organisation != organisation or not actor.capabilities.register_persons:
            raise CommandError("that user does not exist or may not register people in this organisation")
        return actor

    def _write(
        self,
        persons: list[PersonRow],
        organisation: Organisation,
        actor: User | None,
        source: str,
        sha256: str,
        duplicates: int,
        progress: Any,
    ) -> list[str]:
        codes: list[str] = []
        try:
            with transaction.atomic():
                for row in progress(persons):
                    try:
                        person = person_register(
                            actor=actor,
                            organisation=organisation,
                            identity=row.identity,
                            sex=row.sex,
                            nationality=row.nationality,
                            languages=row.languages,
                            estimated_age=row.estimated_age,
                            age_estimated_on=row.age_estimated_on,
                            audit_details={"source": "import", "row": row.row},
                        )
                    except Exception as exc:  # any failure rolls back the whole import
                        raise _RowWriteError(row.row, _reason(exc)) from None
                    codes.append(person.code)
                audit_record(
                    actor=actor,
                    action="person.import",
                    organisation=organisation,
                    details={
                        "source": source,
                        "sha256": sha256,
                        "rows": len(persons),
                        "registered": len(codes),
                        "possible_duplicates": duplicates,
                    },
                    actor_label="" if actor else "import",
                )
        except _RowWriteError as exc:
            raise CommandError(f"{exc}; the import was rolled back, nothing was written.") from None
        return codes
