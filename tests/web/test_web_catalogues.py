"""Translation catalogues are complete (no empty or fuzzy entry) and compiled; assets are local."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import jisr

LOCALE = Path(jisr.__file__).parent / "locale"
STATIC = Path(jisr.__file__).parent / "web" / "static"


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_catalogue_complete(language):
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=language)
    problems = []
    for message in catalog:
        if not message.id:
            continue  # the header
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if not all(s and s.strip() for s in strings):
            problems.append(f"empty: {message.id!r}")
    assert len(catalog) > 100
    assert not problems, "\n".join(problems)
    mo = po_path.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po_path.stat().st_mtime - 5, "run `jisr compilemessages`"


def test_catalogue_has_no_obsolete_or_fuzzy_markers_in_text():
    for language in ("ar", "fr", "es"):
        text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        assert "#, fuzzy" not in text
        assert "\n#~ " not in text


@pytest.mark.parametrize("path", [
    "vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.rtl.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js", "vendor/htmx/htmx.min.js",
    "vendor/noto-sans-arabic/noto-sans-arabic-arabic-400-normal.woff2",
    "vendor/bootstrap/LICENSE", "vendor/htmx/LICENSE", "vendor/noto-sans-arabic/LICENSE",
])
def test_vendored_assets_present(path):
    assert (STATIC / path).stat().st_size > 0


def test_no_remote_urls_in_own_css():
    css = (STATIC / "web" / "jisr.css").read_text(encoding="utf-8")
    assert "http://" not in css and "https://" not in css and "//" not in css.replace("/*", "").replace("*/", "")
