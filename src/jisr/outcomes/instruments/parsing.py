"""Parsing of typed answers: comma-separated item lists with Western or Eastern Arabic digits.

Case workers in Morocco and Spain type on Arabic, Persian-layout and Latin keyboards, so item
lists accept ASCII digits 0-9, Eastern Arabic-Indic digits (U+0660-U+0669) and Persian
(extended Arabic-Indic) digits (U+06F0-U+06F9), the ASCII comma or the Arabic comma (U+060C) as
separator, ``-`` for a
missing answer, and ignore surrounding whitespace and the invisible bidirectional marks that
right-to-left text fields insert. Anything else is rejected rather than guessed.
"""

from __future__ import annotations

import re

#: What a missing answer is written as (interface: never scored as zero).
MISSING_ANSWER = "-"

#: Eastern Arabic-Indic (U+0660..) and Persian (U+06F0..) digits to ASCII; bidi marks (LRM, RLM,
#: ALM, the embeddings/overrides U+202A-U+202E and isolates U+2066-U+2069, all invisible and
#: inserted by right-to-left inputs) removed.
_TRANSLATION: dict[int, str | None] = {
    **{cp: str(cp - base) for base in (0x0660, 0x06F0) for cp in range(base, base + 10)},
    **dict.fromkeys([0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]),
}
_SEPARATORS = re.compile("[,\u060c]")
# At most 9 digits: bounded, so int() never meets Python's huge-integer conversion limit.
_INTEGER = re.compile(r"-?[0-9]{1,9}")


class ParseError(ValueError):
    """The text is not a usable item list or integer; the message says what is wrong."""


def normalise_digits(text: str) -> str:
    """``text`` with Eastern Arabic and Persian digits turned into ASCII and bidi marks removed."""
    return text.translate(_TRANSLATION)


def parse_int(text: str) -> int:
    """Parse one integer (optionally negative) in ASCII, Eastern Arabic or Persian digits.

    Raises :class:`ParseError` for anything else (decimals, signs other than ``-``, letters,
    digits of other scripts, empty text).
    """
    token = normalise_digits(text).strip()
    if not _INTEGER.fullmatch(token):
        raise ParseError(f"{text.strip()!r} is not an integer")
    return int(token)


def parse_item_list(text: str) -> list[int | None]:
    """Parse ``"3,2,-,1"`` (or the same in Arabic digits and commas) into ``[3, 2, None, 1]``.

    ``-`` is a missing answer (``None``). Out-of-range integers are returned as they are — range
    checking belongs to the instrument. Raises :class:`ParseError` for an empty list, an empty
    position (use ``-`` for a missing answer) or a token that is not an integer.
    """
    if not normalise_digits(text).strip():
        raise ParseError("the item list is empty")
    values: list[int | None] = []
    for position, raw in enumerate(_SEPARATORS.split(text), start=1):
        token = normalise_digits(raw).strip()
        if token == MISSING_ANSWER:
            values.append(None)
        elif not token:
            raise ParseError(f"answer {position} is empty; write - for a missing answer")
        else:
            try:
                values.append(parse_int(token))
            except ParseError as exc:
                raise ParseError(f"answer {position}: {exc}") from None
    return values
