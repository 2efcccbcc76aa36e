"""Settings: development generates keys once; production refuses to start and names what is missing."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jisr.config import env


def _run(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JISR_", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS"))
    }
    environment.update({"JISR_DATA_DIR": str(tmp_path / "data"), **extra})
    return subprocess.run(
        [sys.executable, "-m", "jisr", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_development_generates_keys_once_private(tmp_path: Path) -> None:
    assert _run(tmp_path).returncode == 0
    master = tmp_path / "data" / "master_key"
    first = master.read_text()
    assert len(base64.b64decode(first.strip())) == 32
    assert oct(master.stat().st_mode & 0o777) == "0o600"
    assert _run(tmp_path).returncode == 0
    assert master.read_text() == first


@pytest.mark.parametrize(
    ("given", "missing"),
    [({}, "SECRET_KEY"), ({"SECRET_KEY": "s" * 50}, "JISR_MASTER_KEY")],
)
def test_production_refuses_without_keys(tmp_path: Path, given: dict[str, str], missing: str) -> None:
    result = _run(tmp_path, JISR_ENV="production", JISR_ALLOWED_HOSTS="jisr.example.org", **given)
    assert result.returncode != 0
    assert f"{missing} is missing" in result.stderr
    assert not (tmp_path / "data" / "master_key").exists()


def test_production_reads_key_files(tmp_path: Path) -> None:
    (tmp_path / "k").write_text(base64.b64encode(os.urandom(32)).decode())
    (tmp_path / "s").write_text("x" * 60)
    result = _run(
        tmp_path,
        JISR_ENV="production",
        JISR_ALLOWED_HOSTS="jisr.example.org",
        SECRET_KEY_FILE=str(tmp_path / "s"),
        JISR_MASTER_KEY_FILE=str(tmp_path / "k"),
    )
    assert result.returncode == 0, result.stderr[-500:]


def test_env_helpers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "perhaps")
    with pytest.raises(env.ConfigurationError, match="X_BOOL"):
        env.env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(env.ConfigurationError, match="X_INT"):
        env.env_int("X_INT", 1)
    monkeypatch.setenv("X_CHOICE", "staging")
    with pytest.raises(env.ConfigurationError, match="development, production"):
        env.env_choice("X_CHOICE", "development", ("development", "production"))
    monkeypatch.setenv("X_SECRET_FILE", "/nonexistent/file")
    with pytest.raises(env.ConfigurationError, match="X_SECRET_FILE"):
        env.env_secret("X_SECRET")


def test_production_hashes_passwords_with_argon2(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("JISR_", "DATABASE_URL"))}
    environment.update({"JISR_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "jisr.config.settings"})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher", result.stderr[-300:]


def test_production_collectstatic_finds_every_referenced_file(tmp_path: Path) -> None:
    """Manifest storage fails on a CSS/JS file that references a missing file (e.g. a source map)."""
    (tmp_path / "k").write_text(base64.b64encode(os.urandom(32)).decode())
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("JISR_", "DATABASE_URL", "SECRET_KEY"))}
    environment.update(
        {
            "JISR_DATA_DIR": str(tmp_path / "data"),
            "JISR_ENV": "production",
            "JISR_ALLOWED_HOSTS": "jisr.example.org",
            "SECRET_KEY": "s" * 60,
            "JISR_MASTER_KEY_FILE": str(tmp_path / "k"),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "jisr", "collectstatic", "--noinput"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-800:]


@pytest.mark.parametrize(("rate", "ok"), [("30/min", True), ("5/s", True), ("abc", False), ("0/min", False),
                                          ("120/day", False)])
def test_the_inbox_rate_is_checked_at_start(tmp_path: Path, rate: str, ok: bool) -> None:
    """A malformed JISR_REFERRAL_INBOX_RATE stops the start with its name, instead of a server error at
    the partner's first envelope."""
    result = _run(tmp_path, JISR_REFERRAL_INBOX_RATE=rate)
    assert (result.returncode == 0) is ok, result.stderr[-500:]
    if not ok:
        assert "JISR_REFERRAL_INBOX_RATE" in result.stderr
