"""`jisr score` through the real console script (the Django wrapper passes argv through untouched)."""

import json
import os
import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jisr", "score", *args], capture_output=True, text=True,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "jisr.config.settings"}, timeout=60,
                          check=False)


def test_score_missing_first_item_is_not_taken_for_an_option() -> None:
    result = run("who-5", "--items", "-,3,3,3,3")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "INCOMPLETE"


def test_score_eastern_digits_and_bad_instrument() -> None:
    out = json.loads(run("gad-7", "--items", "٣,٣,٣,٣,٣,٣,٣").stdout)
    assert (out["total"], out["severity"]) == (21, "severe")
    assert run("xyz-1", "--items", "1").returncode == 2
