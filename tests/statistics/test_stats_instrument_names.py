"""The statistics dashboard names the outcome instruments in the reader's language (the outcomes app's
own display names), not in the instruments' published English."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jisr.outcomes.instruments import INSTRUMENTS
from jisr.outcomes.selectors import instrument_name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_outcome_rows_name_the_instruments_in_the_reader_language(cast, language) -> None:
    client = Client()
    client.force_login(cast.ma_coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("statistics:dashboard"))
    outcomes = next(s for s in response.context["care_sections"] if s["id"] == "outcomes")
    codes = list(INSTRUMENTS)
    with translation.override(language):
        expected = [instrument_name(code) for code in codes]
    assert [str(label) for label, _values in outcomes["rows"]] == expected
    html = response.content.decode()
    for code in codes:
        english = INSTRUMENTS[code].spec.name
        assert english not in html, f"{language}: {english!r} shown untranslated"
    assert WHO5[language] in html


WHO5 = {"ar": "مؤشر الرفاه WHO-5", "fr": "Indice de bien-être WHO-5", "es": "Índice de Bienestar WHO-5"}
