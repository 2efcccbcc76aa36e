"""`jisr score INSTRUMENT --items LIST [--cutoff N]` — see jisr.outcomes.instruments.cli."""

import sys

from django.core.management.base import BaseCommand

from jisr.outcomes.instruments.cli import main


class Command(BaseCommand):
    help = "Score WHO-5, PHQ-9, GAD-7 or PCL-5 answers, or compare two scores (prints JSON)."

    def run_from_argv(self, argv: list[str]) -> None:
        # The pure CLI parses its own arguments: an item list may start with "-" (a missing answer),
        # which argparse would take for an option.
        sys.exit(main(argv[2:]))

    def handle(self, *args: object, **options: object) -> None:  # pragma: no cover - run_from_argv handles it
        raise SystemExit(main([str(a) for a in args]))
