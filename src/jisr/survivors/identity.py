"""The decrypted identity of a person, as a typed value (pure; no Django)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from jisr.crypto.normalise import normalise_digits, normalise_document, normalise_name, transliteration_keys


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


# A consonant skeleton shorter than this is too common to stand for a name ("Ali" -> "l", "Tazi" -> "tz").
_MIN_SKELETON = 3


def _skeletons_of(identity: Identity) -> set[str]:
    """The transliteration skeletons (`crypto.normalise.transliteration_keys`) of each of her name parts
    and aliases, and of each given + family pair in either order, of at least _MIN_SKELETON letters."""
    keys: set[str] = set()
    for name in [identity.given_name, identity.family_name, identity.given_name_latin, identity.family_name_latin,
                 *identity.aliases]:
        keys |= transliteration_keys(name)
    givens = [identity.given_name, identity.given_name_latin]
    families = [identity.family_name, identity.family_name_latin]
    for given in filter(None, givens):
        for family in filter(None, families):
            keys |= transliteration_keys(f"{given} {family}") | transliteration_keys(f"{family} {given}")
    return {k for k in keys if len(k) >= _MIN_SKELETON}


def _text_skeletons(tokens: list[str]) -> set[str]:
    """Skeletons of every run of one to four consecutive words of the text: "Ben Aissa" meets "Benaissa",
    "Hanan Tazy" meets "Hanane Tazi"."""
    out: set[str] = set()
    for i in range(len(tokens)):
        for j in range(i + 1, min(i + 4, len(tokens)) + 1):
            out |= transliteration_keys(" ".join(tokens[i:j]))
    return out


def mentions_identity(text: str, identity: Identity) -> bool:
    """True if free `text` (a reason kept in the audit trail, …) contains any of the identity's name
    words (3 letters or more, any script, spelling normalised as for the blind indexes), another spelling
    of one of her names (the same transliteration skeleton as the duplicate check uses, of at least
    _MIN_SKELETON consonants, or her given and family name together: "Mariam Ben Aissa" for Meryem
    Benaissa, "Hanan Tazy" for Hanane Tazi), her phone number (its last 6 digits or more), a document
    number or her date of birth (as typed day/month/year or ISO). Eastern Arabic digits count as digits.
    Lossy on purpose: an ordinary word with the skeleton of one of her names is refused too, and the
    person writing the reason is asked to rephrase. Pure; never raises."""
    tokens = re.findall(r"\w+", normalise_name(text))
    words = set(tokens)
    names = [identity.given_name, identity.family_name, identity.given_name_latin, identity.family_name_latin]
    for name in [*names, *identity.aliases]:
        if any(len(part) >= 3 and part in words for part in re.findall(r"\w+", normalise_name(name))):
            return True
    if _skeletons_of(identity) & _text_skeletons(tokens):
        return True
    digits = "".join(ch for ch in normalise_digits(text) if ch.isdigit())
    phone = "".join(ch for ch in normalise_digits(identity.phone) if ch.isdigit())
    if len(phone) >= 6 and phone[-6:] in digits:
        return True
    compact = normalise_document(text)
    if any(len(n) >= 4 and n in compact for n in (normalise_document(d.number) for d in identity.documents)):
        return True
    if identity.date_of_birth is not None:
        born = identity.date_of_birth
        typed = normalise_digits(text)
        shapes = {
            born.isoformat(),
            f"{born.day:02d}/{born.month:02d}/{born.year}",
            f"{born.day}/{born.month}/{born.year}",
        }
        if any(shape in typed for shape in shapes):
            return True
    return False
