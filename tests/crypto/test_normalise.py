"""Normalisers with real Arabic and Latin spelling variants (security-and-privacy.md §1.4)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jisr.crypto.normalise import (
    clean_free_text,
    mixes_lookalike_scripts,
    normalise_digits,
    normalise_document,
    normalise_name,
    normalise_phone,
    person_name_key,
    transliteration_key,
    transliteration_keys,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("أحمد", "احمد"),  # hamza on alef
        ("إيمان", "ايمان"),  # hamza below alef
        ("آمنة", "امنه"),  # alef madda, teh marbuta
        ("فاطمة", "فاطمه"),  # teh marbuta / heh
        ("مُحَمَّد", "محمد"),  # harakat and shadda
        ("عـــلي", "علي"),  # tatweel
        ("مصطفى", "مصطفي"),  # alef maksura / yeh
        ("ﻻمية", "لامية"),  # lam-alef presentation form (NFKC)
        ("فاطمة ٢", "فاطمه 2"),  # Eastern digits
        ("Hélène", "helene"),
        ("JOSÉ-MARÍA", "jose maria"),
        ("  Ben   Ali ", "ben ali"),
        ("N'Diaye", "n diaye"),
    ],
)
def test_spelling_variants_normalise_equal(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


@pytest.mark.parametrize(("a", "b"), [("محمد", "أحمد"), ("Fatima", "Fatiha"), ("سلمى", "سلمان")])
def test_different_names_stay_different(a: str, b: str) -> None:
    assert normalise_name(a) != normalise_name(b)


@pytest.mark.parametrize(
    "group",
    [
        ["فاطمة", "Fatima", "Fatma", "Fatimah", "فاطمه"],
        ["محمد", "Mohamed", "Mohammed", "Muhammad", "Mohammad", "مُحَمَّد"],
        ["يوسف", "Youssef", "Yusuf", "Youssouf"],
        ["خديجة", "Khadija", "Khadidja"],
        ["وسيم", "Ouassim", "Wassim"],
        ["شيماء", "Chaimae", "Chaima", "Shaima"],
        ["العمراني", "El Amrani", "El-Amrani", "Amrani"],
        ["بن علي", "Benali", "Ben Ali", "Ben-Ali"],
    ],
)
def test_transliteration_key_brings_scripts_together(group: list[str]) -> None:
    keys = {transliteration_key(name) for name in group}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    "group",
    [
        ["العلوي", "Alaoui", "Alaoui", "El Alaoui"],
        ["العلمي", "Alami", "El Alami"],
        ["العمراني", "Elamrani", "El Amrani", "Amrani"],
        ["الإدريسي", "Elidrissi", "El Idrissi", "Idrissi"],
    ],
)
def test_glued_articles_meet_through_one_of_their_keys(group: list[str]) -> None:
    common = set.intersection(*(transliteration_keys(name) for name in group))
    assert common, {name: transliteration_keys(name) for name in group}


def test_transliteration_key_separates_different_names() -> None:
    assert transliteration_key("فاطمة") != transliteration_key("خديجة")
    assert transliteration_key("Salma") != transliteration_key("Nadia")


def test_person_name_key_is_order_free() -> None:
    assert person_name_key("Fatima", "Benali") == person_name_key("بن علي", "فاطمة")
    assert person_name_key("", "") == ""


def test_digits_and_documents() -> None:
    assert normalise_digits("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹") == "0123456789 0123456789"
    assert normalise_document("ab 12-34.56") == "AB123456"
    assert normalise_document("اب١٢٣") == "123"  # non-Latin letters are not document characters


def test_phone_normalises_to_e164_and_rejects_garbage() -> None:
    assert normalise_phone("0612 34 56 78", "MA") == "+212612345678"
    assert normalise_phone("٠٦١٢٣٤٥٦٧٨", "MA") == "+212612345678"
    assert normalise_phone("+34 612 345 678", "MA") == "+34612345678"
    with pytest.raises(ValueError, match="phone"):
        normalise_phone("12", "MA")
    with pytest.raises(ValueError, match="phone"):
        normalise_phone("not a number", "ES")


@given(st.text(max_size=40))
def test_normalise_name_is_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once


@given(st.text(max_size=40))
def test_transliteration_key_is_ascii_consonants(text: str) -> None:
    assert set(transliteration_key(text)) <= set("bcdfghjklmnpqrstvxz")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Z\u202eevil\u200b\u0007X", "ZevilX"),  # right-to-left override, zero-width space, BEL
        ("line one\r\nline two\rline three", "line one\nline two\nline three"),
        ("\n\n  first  \n\nsecond\t\n\n", "first\n\nsecond"),  # lines and inner blank lines kept
        ("\u2067مرحبا\u2069 ok", "مرحبا ok"),  # bidi isolates
        ("می\u200cخواهم", "می\u200cخواهم"),  # the zero-width non-joiner of a spelling stays
        ("e\u0301", "é"),  # NFC
    ],
)
def test_clean_free_text_keeps_lines_and_drops_hidden_characters(typed: str, kept: str) -> None:
    assert clean_free_text(typed) == kept


@pytest.mark.parametrize(
    ("name", "mixed"),
    [
        ("Кһadija", True),  # Cyrillic К and һ in a Latin name: looks like Khadija
        ("El Fаssi", True),  # one Cyrillic а
        ("Ολga", True),  # Greek and Latin
        ("Khadija El Fassi", False),
        ("Ольга Петренко", False),  # a Ukrainian name, all Cyrillic: not mixed
        ("فاطمة Fatima", False),  # two scripts in two words, not look-alike
        ("Hélène-Marie", False),
    ],
)
def test_mixes_lookalike_scripts(name: str, mixed: bool) -> None:
    assert mixes_lookalike_scripts(name) is mixed
