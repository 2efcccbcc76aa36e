"""Where the real public data lives (../shared/data beside the repository); tests that need it skip
cleanly when it is absent. Never copied into the project."""

from __future__ import annotations

from pathlib import Path

import pytest


def _find_data() -> Path | None:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / ".." / "shared" / "data"
        if (candidate / "unodc_glotip_spain_morocco.csv").is_file():
            return candidate.resolve()
        candidate = parent / "shared" / "data"
        if (candidate / "unodc_glotip_spain_morocco.csv").is_file():
            return candidate.resolve()
    return None


DATA = _find_data()


@pytest.fixture
def shared_data() -> Path:
    if DATA is None:
        pytest.skip("../shared/data is not present")
    return DATA
