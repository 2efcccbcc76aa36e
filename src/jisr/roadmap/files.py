"""What an uploaded evidence file may be (pure; no Django import).

The browser's declared content type is not trusted: the type is inferred from the file's first bytes
(its "magic number") and must agree with the extension. Accepted: PDF, PNG, JPEG, and the OOXML /
OpenDocument office formats (ZIP containers), which is what partners attach as minutes, reports and
photographed attendance counts. Anything else — HTML, SVG, scripts, executables — is refused, so a
file served back can never run in a reader's browser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # 10 MiB: a scanned report fits; a video does not.

_ZIP = b"PK\x03\x04"
# extension → (content type, magic prefix)
ALLOWED: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
}


class UploadRejected(ValueError):
    """The file may not be stored; the message says why (no personal data)."""


@dataclass(frozen=True)
class CheckedUpload:
    display_name: str
    extension: str
    content_type: str


def clean_display_name(name: str) -> str:
    """The last path component, NFC, control characters removed, at most 150 characters."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[\x00-\x1f\x7f\"<>]", "", name).strip() or "file"
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 8 else name[:150]
    return name


def check_upload(name: str, size: int, head: bytes) -> CheckedUpload:
    """Accept a file called `name` of `size` bytes whose first bytes are `head`, or raise UploadRejected.

    `check_upload("minutes.pdf", 1200, b"%PDF-1.7...")` → CheckedUpload("minutes.pdf", ".pdf",
    "application/pdf"). Raises for an empty or oversized file, an unknown extension, or content that is
    not what the extension says.
    """
    display = clean_display_name(name)
    if size <= 0:
        raise UploadRejected("empty file")
    if size > MAX_UPLOAD_BYTES:
        raise UploadRejected("file too large")
    extension = ("." + display.rsplit(".", 1)[-1].lower()) if "." in display else ""
    if extension not in ALLOWED:
        raise UploadRejected("file type not accepted")
    content_type, magic = ALLOWED[extension]
    if not head.startswith(magic):
        raise UploadRejected("file content does not match its type")
    return CheckedUpload(display, extension, content_type)
