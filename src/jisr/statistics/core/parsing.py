"""What the GLOTIP and CTDC parsers share: rejections with line numbers, file hashing. Pure."""

from __future__ import annotations

import csv
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


# What a spreadsheet or an archive starts with: an XLSX (or ODS) workbook is a ZIP archive; an XLS
# workbook an OLE2 compound file.
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_CSV = "save it as CSV UTF-8 (in Excel: File > Save As > “CSV UTF-8 (Comma delimited)”) and import the CSV"


def not_text(data: bytes) -> str | None:
    """Why `data` is not a CSV file, when it is a workbook or an archive (None otherwise)."""
    if data.startswith(_OLE2):
        return f"this looks like an Excel file (XLS), not CSV: {SAVE_AS_CSV}"
    if data.startswith(_ZIP):
        head = data[:65536]
        if b"xl/" in head or b"[Content_Types].xml" in head or b"mimetypeapplication/vnd.oasis" in head:
            return f"this looks like an Excel file (XLSX), not CSV: {SAVE_AS_CSV}"
        return (
            "this is a ZIP archive, not CSV: extract the CSV file from it and import that "
            f"(if it holds an Excel file: {SAVE_AS_CSV})"
        )
    return None


def header_rejection(head: str, expected: tuple[str, ...], dataset: str) -> Rejection:
    """Line 1 of a file whose header is not `expected`, and why: separated by semicolons or tabs (as a
    spreadsheet set to French or Spanish saves "CSV"), or simply other columns."""
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if tuple(next(csv.reader([head], delimiter=separator), [])) == expected:
            return Rejection(1, f"the columns are separated by {name}, not commas: save the file as CSV UTF-8")
    return Rejection(1, f"header {next(csv.reader([head]), [])} is not the {dataset} header {list(expected)}")


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (a BOM is dropped). Raises MalformedFileError when not UTF-8, or when it
    is a workbook (XLSX, XLS) or a ZIP archive, saying so and what to do."""
    data = path.read_bytes()
    problem = not_text(data)
    if problem:
        raise MalformedFileError([Rejection(1, problem)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MalformedFileError([Rejection(line, "not UTF-8 text")]) from exc
