"""The name and risk-level tags that list pages draw once per row (they were template includes)."""

from __future__ import annotations

import pytest
from django.utils import translation

from jisr.survivors.selectors import DisplayIdentity
from jisr.web.templatetags.jisr_web import identity_name, risk_badge


def _identity(name: str = "", latin: str = "", *, masked: bool = False, erased: bool = False) -> DisplayIdentity:
    return DisplayIdentity(name, latin, "", "", "", masked=masked, erased=erased, age=None)


def test_a_name_in_clear_with_its_latin_spelling_each_isolated_and_escaped() -> None:
    html = identity_name(_identity("فاطمة <b>", "Fatima & co"))
    assert html == ('<span class=""><bdi>فاطمة &lt;b&gt;</bdi> <span class="text-body-secondary">· '
                    '<bdi>Fatima &amp; co</bdi></span></span>')


@pytest.mark.parametrize(("language", "masked_word", "erased_words", "unreadable_words"), [
    ("ar", "مخفي", "الهوية", "تعذر"),
    ("fr", "masqué", "effacée", "lisible"),
])
def test_masked_erased_and_unreadable_say_so_in_the_readers_language(language, masked_word, erased_words,
                                                                      unreadable_words) -> None:
    with translation.override(language):
        masked = identity_name(_identity("ف••••", masked=True))
        erased = identity_name(_identity(erased=True))
        unreadable = identity_name(None)
    assert masked.startswith('<span class="masked"><bdi>ف••••</bdi></span>') and "visually-hidden" in masked
    assert erased_words in erased and "text-body-secondary" in erased
    assert unreadable_words in unreadable and "text-danger" in unreadable
    assert identity_name(_identity()) == '<span class=""><bdi>—</bdi></span>'


@pytest.mark.parametrize(("risk", "css"), [("critical", "text-bg-danger"), ("high", "text-bg-warning"),
                                           ("medium", "text-bg-info"), ("low", "text-bg-success"),
                                           ("unknown", "text-bg-secondary")])
def test_risk_badge_colour_and_escaped_label(risk, css) -> None:
    assert risk_badge(risk, "<x>") == f'<span class="badge {css}">&lt;x&gt;</span>'
