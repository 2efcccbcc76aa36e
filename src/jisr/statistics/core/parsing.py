"""What the GLOTIP and CTDC parsers share: rejections with line numbers, file hashing. Pure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rejection:
    """A row that cannot be imported: its physical line number in the file (1 = header) and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class Flag:
    """A row kept but marked by a data-quality note (publisher's error); kept out of totals when
    `plausible` is False."""

    line: int
    note: str


class MalformedFileError(ValueError):
    """The file as a whole cannot be read (wrong header, not UTF-8): nothing is imported."""

    def __init__(self, rejections: list[Rejection]):
        self.rejections = rejections
        super().__init__("; ".join(str(r) for r in rejections[:5]))


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of the file's bytes (re-import of the same content is a no-op)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (a BOM is dropped). Raises MalformedFileError when not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MalformedFileError([Rejection(line, "not UTF-8 text")]) from exc
