"""Set up Django for a benchmark on a throw-away SQLite database (or DATABASE_URL if given)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data").resolve()


def setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("JISR_DATA_DIR", tempfile.mkdtemp(prefix="jisr-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisr.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
