"""Shared by the screen tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import re

# Every generated name the fixtures use, in both scripts: none may ever appear in a URL.
FATIMA_NAMES = ("فاطمة", "بن علي", "Fatima", "Benali")

_URL_ATTRS = re.compile(r'\b(?:href|action|src|hx-post|hx-get|formaction)\s*=\s*"([^"]*)"')


def urls_in(html: str) -> list[str]:
    """Every URL-valued attribute of a page (links, form actions, htmx endpoints, assets)."""
    return _URL_ATTRS.findall(html)
