"""Small typed helpers that read settings from the environment and fail loudly.

Secrets may come from `NAME` or from a file named by `NAME_FILE` (Docker/Kubernetes secrets), as in
healthchecks' `envsecret()`. Nothing here logs a value.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed; the message names the variable, never its value."""


def env_str(name: str, default: str) -> str:
    """The variable's value, or `default` when unset or empty."""
    value = os.environ.get(name, "")
    return value if value != "" else default


def env_bool(name: str, default: bool) -> bool:
    """`1/true/yes/on` → True, `0/false/no/off` → False (case-insensitive); anything else raises."""
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be a boolean (true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    """An integer; a non-integer value raises ConfigurationError."""
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be an integer") from exc


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices`; anything else raises ConfigurationError."""
    value = env_str(name, default)
    if value not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_secret(name: str) -> str | None:
    """The secret from `NAME`, else from the file named by `NAME_FILE` (stripped), else None.

    Raises ConfigurationError when `NAME_FILE` names a file that cannot be read.
    """
    value = os.environ.get(name, "")
    if value:
        return value.strip()
    path = os.environ.get(f"{name}_FILE", "")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE points to a file that cannot be read: {exc.strerror}") from exc
    return None


def development_secret(data_dir: Path, filename: str, make: str) -> str:
    """Read a development secret from `data_dir/filename`, generating it once (mode 0600) if absent.

    `make` is `"token"` (URL-safe text, for SECRET_KEY) or `"key256"` (a base64 256-bit key).
    Only used when JISR_ENV=development; production refuses to start without explicit keys.
    """
    path = data_dir / filename
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(50) if make == "token" else base64.b64encode(secrets.token_bytes(32)).decode()
        # O_EXCL: two processes starting at once never overwrite each other's freshly made key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(value + "\n")
    return path.read_text(encoding="utf-8").strip()
