"""Evaluating a screening again is refused on a closed case, as a new screening is: the service raises
StateError and records nothing; the result page offers no button and says why (ar/fr/es); a POST sent
anyway (an old tab) is answered 409 with the same message and changes nothing."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from identification.web.test_identification_closed_case import _client, _close
from jisr.audit.models import AuditEvent
from jisr.common.errors import StateError
from jisr.identification.models import ScreeningResult
from jisr.identification.services import screening_record, screening_reevaluate

OBS = {"age_at_act": 25, "acts": ["recruitment"], "means": ["deception"], "purposes": ["forced_labour"]}
MESSAGE = {
    "ar": "الحالة مغلقة: لا يمكن إعادة تقييم فحوصها. أعد فتح الحالة أولًا.",
    "fr": "Le dossier est clos : ses repérages ne peuvent plus être réévalués. Rouvrez d'abord le dossier.",
    "es": "El caso está cerrado: sus detecciones no pueden volver a evaluarse. Reabra primero el caso.",
}


def _closed_screening(cast: Any, case: Any) -> Any:
    screening = screening_record(actor=cast.ma_case_worker, case=case, observation=OBS, rulesets=["palermo-2000"])
    _close(cast, case)
    screening.refresh_from_db()
    return screening


def test_the_service_refuses_on_a_closed_case(cast: Any, fatima_case: Any) -> None:
    screening = _closed_screening(cast, fatima_case)
    with pytest.raises(StateError, match="closed"):
        screening_reevaluate(actor=cast.ma_supervisor, screening=screening)
    assert ScreeningResult.objects.filter(screening=screening).count() == 1
    assert not AuditEvent.objects.filter(action="screening.reevaluate").exists()


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_no_button_and_a_notice_on_the_result_page(cast: Any, fatima_case: Any, language: str) -> None:
    screening = _closed_screening(cast, fatima_case)
    page = _client(cast.ma_supervisor, language).get(reverse("identification:screening_detail", args=[screening.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and page.context["can_reevaluate"] is False
    assert reverse("identification:screening_reevaluate", args=[screening.pk]) not in html
    assert "data-closed-notice" in html and MESSAGE[language] in html


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_a_post_anyway_is_refused_with_409(cast: Any, fatima_case: Any, language: str) -> None:
    screening = _closed_screening(cast, fatima_case)
    response = _client(cast.ma_supervisor, language).post(
        reverse("identification:screening_reevaluate", args=[screening.pk]))
    assert response.status_code == 409
    html = response.content.decode()
    assert unescape(html).count(MESSAGE[language]) == 2  # the refusal, and the notice where the button was
    assert ScreeningResult.objects.filter(screening=screening).count() == 1
    assert not AuditEvent.objects.filter(action="screening.reevaluate").exists()


def test_an_open_case_still_offers_it(cast: Any, fatima_case: Any) -> None:
    screening = screening_record(actor=cast.ma_case_worker, case=fatima_case, observation=OBS,
                                 rulesets=["palermo-2000"])
    page = _client(cast.ma_supervisor, "fr").get(reverse("identification:screening_detail", args=[screening.pk]))
    assert page.context["can_reevaluate"] is True and "data-closed-notice" not in page.content.decode()
