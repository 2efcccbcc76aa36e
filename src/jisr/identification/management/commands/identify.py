"""`jisr identify --ruleset ID|all FILE.json` — see jisr.identification.engine.cli."""

import sys

from django.core.management.base import BaseCommand

from jisr.identification.engine.cli import main


class Command(BaseCommand):
    help = (
        "Evaluate an observation (JSON file, or - for standard input) against a rule set, or every rule set "
        "with --ruleset all; prints the output document. An indication, never a legal determination."
    )

    def run_from_argv(self, argv: list[str]) -> None:
        # The pure CLI parses its own arguments (and reads "-" as standard input).
        sys.exit(main(argv[2:]))

    def handle(self, *args: object, **options: object) -> None:  # pragma: no cover - run_from_argv handles it
        raise SystemExit(main([str(a) for a in args]))
