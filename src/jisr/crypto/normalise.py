"""Normalisation of names, phone numbers and document numbers before blind indexing.

Pure module (no Django). Store and query sides must run byte-identical code, so every function here is
deterministic and versioned by `NORMALISER_VERSION`; change a rule and you must bump it and re-index.

Rules and sources:
- Arabic script (Lucene `ArabicNormalizer`, pyarabic `normalize_hamza` / `strip_tashkeel` /
  `strip_tatweel`; see shared/reference/security-and-privacy.md §1.4): NFKC first (splits presentation
  forms such as the lam-alef ligature); hamza-on-alef, alef-madda and alef-wasla → bare alef; hamza on
  waw/ya → waw/ya; teh marbuta → heh; alef maksura → yeh; Persian yeh/kaf → Arabic; diacritics
  (harakat, shadda, sukun, tanwin, superscript alef) and tatweel removed; Eastern Arabic and Persian
  digits → ASCII.
- Latin script: casefold; accents stripped through NFKD; hyphens, apostrophes, dots and runs of
  whitespace collapse to one space.
- `transliteration_key`: a deliberately coarse, lossy consonant skeleton on which Arabic and Latin
  spellings of one name meet (فاطمة / Fatima / Fatma; محمد / Mohamed / Mohammed / Muhammad). It feeds
  duplicate *suggestions* for a person to confirm, never an automatic merge.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

NORMALISER_VERSION = 2  # 2: glued articles give keys with and without the article

_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

_ARABIC_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",  # alef wasla
        "ٲ": "ا",
        "ٳ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ة": "ه",  # teh marbuta → heh
        "ى": "ي",  # alef maksura → yeh
        "ی": "ي",  # Persian yeh
        "ې": "ي",
        "ک": "ك",  # Persian keheh
        "ـ": None,  # tatweel
    }
)

# Harakat, tanwin, shadda, sukun, superscript alef, Quranic marks.
_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_'’‘`´.,·]+")


_KEEP_FORMAT = {"\u200c", "\u200d"}  # zero-width non-joiner / joiner: meaningful in some spellings


def _drop_hidden(text: str) -> str:
    """`text` without control, format, private-use and surrogate characters (Unicode categories Cc, Cf, Co,
    Cs), but for the zero-width (non-)joiner, tab and line feed."""
    return "".join(
        ch
        for ch in text
        if ch in _KEEP_FORMAT or unicodedata.category(ch) not in {"Cc", "Cf", "Co", "Cs"} or ch in "\t\n"
    )


def clean_text(text: str) -> str:
    """Text as typed, made safe to store and show: NFC; control characters and invisible format
    characters (bidi overrides U+202A–202E / U+2066–2069, zero-width space, BOM…) removed, except the
    zero-width (non-)joiner; runs of whitespace collapsed; trimmed. Names typed with hidden characters
    can otherwise look like someone else's or reorder the text around them."""
    return " ".join(_drop_hidden(unicodedata.normalize("NFC", text)).split())


def clean_free_text(text: str) -> str:
    """Free text (a case note, a care-plan entry, a referral's message) made safe to store and show, its
    lines kept: NFC; line ends made "\n"; control characters and invisible format characters (bidi
    overrides and isolates U+202A–202E / U+2066–2069, zero-width space, BOM, BEL…) removed as in
    `clean_text`, except the zero-width (non-)joiner, tab and line feed; spaces at line ends and blank
    lines at both ends trimmed. A right-to-left override hidden in a note would otherwise reorder what
    the next reader sees (issue 8's bad-input catalogue)."""
    text = _drop_hidden(unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


# Alphabets whose letters look alike (Unicode TR39 "confusables": Latin a / Cyrillic а / Greek α …).
_CONFUSABLE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})


def mixes_lookalike_scripts(text: str) -> bool:
    """True if one word of `text` has letters of two or more alphabets that look alike (Latin, Cyrillic,
    Greek…; Unicode TR39 mixed-script detection, single words only): "Кһadija" (Cyrillic К and һ in a
    Latin name) looks like "Khadija" on screen but matches nothing in the blind indexes. A whole word in
    one alphabet (a Russian or Greek name) is not mixed; Arabic beside Latin is not confusable. Pure."""
    for word in text.split():
        scripts = {unicodedata.name(ch, "?").split(" ", 1)[0] for ch in word if ch.isalpha()} & _CONFUSABLE_SCRIPTS
        if len(scripts) > 1:
            return True
    return False


def normalise_digits(text: str) -> str:
    """Replace Eastern Arabic (٠-٩) and Persian (۰-۹) digits by ASCII digits; nothing else changes."""
    return text.translate(_EASTERN_DIGITS)


def normalise_name(text: str) -> str:
    """A name in canonical form for exact matching, in any script.

    Arabic and Latin rules as in the module docstring. Returns "" for a blank name.
    `normalise_name("مُحَمَّد") == normalise_name("محمد")`, `normalise_name("Hélène-Marie") == "helene marie"`.
    """
    text = unicodedata.normalize("NFKC", text)
    text = normalise_digits(text)
    text = _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_MAP)
    # Strip Latin accents: decompose, drop combining marks (Arabic marks are already gone).
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text).casefold()
    return _SEPARATORS.sub(" ", text).strip()


def normalise_document(text: str) -> str:
    """A document number (passport, CIN, NIE…) upper-cased with separators and spaces removed."""
    text = normalise_digits(unicodedata.normalize("NFKC", text))
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


# --- Transliteration key --------------------------------------------------------------------------

# Arabic letters → coarse Latin consonant classes. Vowel carriers (alef, waw, yeh, ain, hamza) and the
# final heh of a feminine ending vanish, as vowels do on the Latin side.
_ARABIC_TO_LATIN = {
    "ا": "",
    "ء": "",
    "ع": "",
    "و": "",
    "ي": "",
    "ب": "b",
    "ت": "t",
    "ث": "t",
    "ج": "j",
    "ح": "h",
    "خ": "h",
    "د": "d",
    "ذ": "d",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "s",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "d",
    "غ": "g",
    "ف": "f",
    "ق": "k",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "پ": "b",
    "گ": "j",
    "ڤ": "f",
}
# Latin digraphs first (order matters), then single letters.
_LATIN_DIGRAPHS = [
    ("kh", "h"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "s"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("dj", "j"),
    ("ou", ""),
    ("q", "k"),
    ("c", "k"),
    ("x", "ks"),
    ("p", "b"),
    ("v", "f"),
    ("g", "j"),
]
_LATIN_VOWELS = re.compile(r"[aeiouyw]")
_ARTICLE = re.compile(r"^(al|el|ul)(?=.{3,})")


def _has_article(token: str) -> bool:
    if any("\u0600" <= ch <= "\u06ff" for ch in token):
        return token.startswith("ال") and len(token) > 3
    return _ARTICLE.match(token) is not None


def _skeleton_token(token: str, strip_article: bool = True) -> str:
    if any("\u0600" <= ch <= "\u06ff" for ch in token):
        if strip_article and token.startswith("ال") and len(token) > 3:
            token = token[2:]
        if token.endswith("ه") and len(token) > 2:  # feminine ending (normalised teh marbuta)
            token = token[:-1]
        out = "".join(_ARABIC_TO_LATIN.get(ch, "") for ch in token)
    else:
        if strip_article:
            token = _ARTICLE.sub("", token)
        if token.endswith("h") and len(token) > 2 and token[-2] in "aeiou":  # Fatimah, Aminah
            token = token[:-1]
        for src, dst in _LATIN_DIGRAPHS:
            token = token.replace(src, dst)
        out = _LATIN_VOWELS.sub("", token)
        out = re.sub(r"[^a-z]", "", out)
    # Collapse doubled consonants (Mohammed → mhmd).
    return re.sub(r"(.)\1+", r"\1", out)


def transliteration_keys(name: str) -> set[str]:
    """Every coarse, script-independent consonant skeleton of one name part (a given or family name).

    Lossy on purpose: `"ftm"` for فاطمة / Fatima / Fatma, `"mhmd"` for محمد / Mohamed / Muhammad; word
    breaks are ignored so "بن علي" and "Benali" meet ("bnl"). A glued article (العلوي, Alaoui, Elamrani)
    may or may not be part of how a name is spelt in the other script, so such a name gets both
    skeletons, with and without the article. Empty skeletons are left out.
    """
    tokens = [t for t in normalise_name(name).split(" ") if t]
    # "Al Amrani" / "El-Amrani": a lone article token is dropped.
    tokens = [t for t in tokens if t not in {"al", "el", "ال"}]
    variants = [""]
    for i, token in enumerate(tokens):
        options = {_skeleton_token(token, True)}
        if _has_article(token) and i < 3:  # bounded: at most 8 variants
            options.add(_skeleton_token(token, False))
        variants = [v + o for v in variants for o in options]
    return {re.sub(r"(.)\1+", r"\1", v) for v in variants} - {""}


def transliteration_key(name: str) -> str:
    """The primary skeleton of a name part (article stripped); see `transliteration_keys`."""
    tokens = [t for t in normalise_name(name).split(" ") if t and t not in {"al", "el", "ال"}]
    return re.sub(r"(.)\1+", r"\1", "".join(_skeleton_token(t) for t in tokens))


def person_name_keys(given: str, family: str) -> set[str]:
    """Transliteration keys of a full name, order-free: `"<key1> <key2>"`, the two part keys sorted.

    `person_name_keys("Fatima", "Benali") & person_name_keys("بن علي", "فاطمة")` is not empty.
    Empty set if both parts are empty.
    """
    return combine_name_keys(transliteration_keys(given), transliteration_keys(family))


def combine_name_keys(given_keys: Iterable[str], family_keys: Iterable[str]) -> set[str]:
    """`person_name_keys` from the parts' `transliteration_keys`, for a caller that already has them."""
    givens = set(given_keys) or {""}
    families = set(family_keys) or {""}
    return {" ".join(sorted(p for p in (g, f) if p)) for g in givens for f in families} - {""}


def person_name_key(given: str, family: str) -> str:
    """The primary order-free key of a full name (articles stripped)."""
    parts = sorted(k for k in (transliteration_key(given), transliteration_key(family)) if k)
    return " ".join(parts)


def normalise_phone(text: str, default_region: str) -> str:
    """A phone number in E.164 (``+212612345678``), Eastern digits accepted; `default_region` is an
    ISO 3166 alpha-2 code used for numbers typed without a country prefix.

    Raises ValueError("not a valid phone number") when libphonenumber cannot parse a possible number.
    """
    import phonenumbers  # local import: the rest of this module needs no third-party code

    try:
        parsed = phonenumbers.parse(normalise_digits(text), default_region.upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("not a valid phone number") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
