"""`jisr import_statistics glotip FILE…` / `jisr import_statistics ctdc FILE`: all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jisr.statistics.services import ImportRejectedError, import_statistics


class Command(BaseCommand):
    help = "Import UNODC GLOTIP country data or the CTDC synthetic dataset (all or nothing; re-import is a no-op)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", choices=["glotip", "ctdc"])
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["files"]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        if options["dataset"] == "ctdc" and len(paths) != 1:
            raise CommandError("ctdc takes one file")
        try:
            report = import_statistics(
                actor=None, dataset=options["dataset"], paths=paths, progress=not options["no_progress"]
            )
        except ImportRejectedError as exc:
            for name, rejections in exc.rejections.items():
                for r in rejections[:200]:
                    self.stderr.write(f"{name}: {r}")
                if len(rejections) > 200:
                    self.stderr.write(f"{name}: … and {len(rejections) - 200} more")
            raise CommandError(f"{exc}") from exc
        for name in report.skipped:
            self.stdout.write(f"{name}: already imported (same content), nothing changed")
        for name, rows in report.imported.items():
            self.stdout.write(f"{name}: {rows} rows imported")
            for line in report.flagged[name][:50]:
                self.stdout.write(f"  kept with a note, {line}")
            unmapped = report.unmapped[name]
            if unmapped:
                top = ", ".join(f"{k or '(empty)'} ×{v}" for k, v in sorted(unmapped.items(), key=lambda x: -x[1])[:15])
                self.stdout.write(f"  citizenship not mapped to ISO 3166 ({sum(unmapped.values())} rows): {top}")
