"""The output document and the small helpers that build it.

Shape (``identification-interface.md``, "Output document")::

    {
      "outcome": "INDICATED" | "NOT_INDICATED" | "INSUFFICIENT_INFORMATION" | "NEEDS_LEGAL_REVIEW"
                 | "RULESET_NOT_AVAILABLE",
      "ruleset": "palermo-2000", "ruleset_version": "1.0.0",
      "child": bool, "presumption_of_minority_applied": bool,
      "elements": {"act": bool|null, "means": bool|null, "purpose": bool|null},  # legal; {} for ILO/EC
      "dimensions": {"D1": {"positive": bool, "strong": n, "medium": n, "weak": n}, ...},  # ILO/EC, else {}
      "missing": ["means", ...],           # what would have to be established for INDICATED
      "warnings": [Message, ...], "notes": [Message, ...]
    }

``missing`` holds element names (``act``, ``means``, ``purpose``, ``will_overridden`` for Morocco's
448-1 qualifier, ``profile``, ``indicators``) or, for ILO/EC, a group of alternative dimensions joined by
``|`` (``"D5|D6"``: dimension 5 or 6 must be positive). A ``Message`` is
``{"code": str, "message": str (English), "source": str | null, "items": [str, ...]}``: ``code`` is stable
(screens translate by it), ``source`` cites the rule, ``items`` names the codes concerned.
"""

from __future__ import annotations

from typing import TypedDict


class Message(TypedDict):
    """A note or warning: stable ``code``, English ``message``, cited ``source``, concerned ``items``."""

    code: str
    message: str
    source: str | None
    items: list[str]


class DimensionResult(TypedDict):
    """One ILO/EC dimension: whether it is positive and the counts of distinct observed indicators."""

    positive: bool
    strong: int
    medium: int
    weak: int


class Result(TypedDict):
    """The output document (see the module docstring)."""

    outcome: str
    ruleset: str
    ruleset_version: str
    child: bool
    presumption_of_minority_applied: bool
    elements: dict[str, bool | None]
    dimensions: dict[str, DimensionResult]
    missing: list[str]
    warnings: list[Message]
    notes: list[Message]


def message(code: str, text: str, *, source: str | None = None, items: list[str] | None = None) -> Message:
    """Build a :class:`Message`."""
    return {"code": code, "message": text, "source": source, "items": list(items or [])}


class Unverified:
    """Collects the unverified rules, items and weights a result relied on, for one warning."""

    def __init__(self) -> None:
        self._labels: dict[str, None] = {}

    def use(self, label: str, verified: bool) -> None:
        """Record that ``label`` (e.g. ``"rule:child_rule"``) was relied on; kept only if unverified."""
        if not verified:
            self._labels[label] = None

    def warning(self, code: str, text: str) -> list[Message]:
        """``[warning]`` naming everything unverified that was relied on, or ``[]``."""
        if not self._labels:
            return []
        return [message(code, text, items=list(self._labels))]
