"""A case note keeps its lines but not the hidden characters typed or pasted into it (issue 8's bad-input
catalogue: right-to-left override, zero-width and control characters normalised, never rendered raw),
whichever way it is written: the screen, the API, the service."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jisr.cases.models import CaseNote
from jisr.cases.services import case_note_add, case_note_text

TYPED = "Called back \u202eyrgna\u202c at 10h\u200b.\u0007\r\nShe is safe."
KEPT = "Called back yrgna at 10h.\nShe is safe."


def test_the_service_keeps_lines_and_drops_hidden_characters(cast, fatima_case) -> None:
    note = case_note_add(actor=cast.ma_case_worker, case=fatima_case, body=TYPED)
    assert case_note_text(note) == KEPT


def test_the_screen_and_the_api_store_and_show_it_clean(cast, fatima_case) -> None:
    client = Client()
    client.force_login(cast.ma_case_worker)
    assert client.post(reverse("web:case_note", args=[fatima_case.pk]), {"body": TYPED}).status_code in (302, 303)
    api = APIClient()
    api.force_authenticate(cast.ma_case_worker)
    assert api.post(f"/api/v1/cases/{fatima_case.pk}/notes/", {"body": TYPED}, format="json").status_code == 201
    assert [case_note_text(n) for n in CaseNote.objects.filter(case=fatima_case)] == [KEPT, KEPT]
    html = client.get(reverse("web:case_detail", args=[fatima_case.pk])).content.decode()
    assert "yrgna" in html and "\u202e" not in html and "\u200b" not in html and "\u0007" not in html


def test_a_note_of_hidden_characters_only_is_empty(cast, fatima_case) -> None:
    with pytest.raises(ValueError, match="empty"):
        case_note_add(actor=cast.ma_case_worker, case=fatima_case, body="\u202e\u200b\u0007 \r\n")
