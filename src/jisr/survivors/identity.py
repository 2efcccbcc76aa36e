"""The decrypted identity of a person, as a typed value (pure; no Django)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IdentityDocument:
    """An identity document: `kind` (passport, national_id, residence_permit, other), `number`, and
    the issuing `country` (ISO 3166 alpha-2, may be empty)."""

    kind: str
    number: str
    country: str = ""


@dataclass(frozen=True)
class Identity:
    """What is encrypted at rest for one person. Names in Arabic script go in `given_name`/`family_name`
    (either script is accepted there), Latin spellings in the `_latin` fields."""

    given_name: str = ""
    family_name: str = ""
    given_name_latin: str = ""
    family_name_latin: str = ""
    aliases: tuple[str, ...] = ()
    date_of_birth: dt.date | None = None
    phone: str = ""  # E.164
    documents: tuple[IdentityDocument, ...] = field(default_factory=tuple)

    def __repr__(self) -> str:  # keep names out of tracebacks and logs
        return "Identity(<redacted>)"

    __str__ = __repr__

    def name_variants(self) -> list[tuple[str, str]]:
        """(given, family) pairs for every script the person's name is written in, non-empty only."""
        pairs = [(self.given_name, self.family_name), (self.given_name_latin, self.family_name_latin)]
        return [(g, f) for g, f in pairs if g or f]

    def display_name(self) -> str:
        """The name in the first script available, given name first."""
        for given, family in self.name_variants():
            return f"{given} {family}".strip()
        return ""


def mask(text: str) -> str:
    """First letter of each word, the rest hidden: "Fatima Benali" → "F••• B•••" (lengths hidden too)."""
    return " ".join(w[0] + "•••" for w in text.split() if w)
