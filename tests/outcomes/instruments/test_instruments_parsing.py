"""Typed answers: ASCII, Eastern Arabic and Persian digits, '-' for missing, strict rejection."""

from __future__ import annotations

import re

import pytest

from jisr.outcomes.instruments import ParseError, parse_int, parse_item_list
from jisr.outcomes.instruments.parsing import normalise_digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3,2,-,1", [3, 2, None, 1]),
        ("\u0663,\u0662,-,\u0661", [3, 2, None, 1]),  # Eastern Arabic digits
        ("\u06f3,\u06f2,-,\u06f1", [3, 2, None, 1]),  # Persian digits
        ("\u0663\u060c\u0662\u060c-\u060c\u0661", [3, 2, None, 1]),  # Arabic comma
        (" 3 , 2 ,- , 1 ", [3, 2, None, 1]),
        ("\u200f\u0663,\u200f\u0662,\u2067-\u2069,1", [3, 2, None, 1]),  # RTL marks from a text box
        ("\u0661\u0660,1\u06f0", [10, 10]),  # mixed scripts within one number
        ("-1,5", [-1, 5]),  # out of range, but an integer: the instrument decides
        ("-", [None]),
    ],
)
def test_parse_item_list(text: str, expected: list[int | None]) -> None:
    assert parse_item_list(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the item list is empty"),
        ("  \u200f ", "the item list is empty"),
        ("1,,2", "answer 2 is empty; write - for a missing answer"),
        ("1,2,", "answer 3 is empty"),
        ("1,x,2", "answer 2: 'x' is not an integer"),
        ("2.5", "answer 1: '2.5' is not an integer"),
        ("+2", "answer 1: '+2' is not an integer"),
        ("1_0", "answer 1: '1_0' is not an integer"),
        ("\u0967", "is not an integer"),  # Devanagari 1: not a script we were asked to accept
        ("\uff11", "is not an integer"),  # full-width 1
        ("1234567890", "is not an integer"),  # bounded length
        ("--", "is not an integer"),
    ],
)
def test_parse_item_list_rejects(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_item_list(text)


def test_parse_int() -> None:
    assert parse_int("\u0663\u0661") == 31
    assert parse_int(" 33 ") == 33
    with pytest.raises(ParseError):
        parse_int("thirty")


def test_normalise_digits_maps_all_twenty_digits() -> None:
    eastern = "".join(chr(0x0660 + d) for d in range(10))
    persian = "".join(chr(0x06F0 + d) for d in range(10))
    assert normalise_digits(eastern + persian) == "0123456789" * 2
