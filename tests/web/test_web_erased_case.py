"""The case page of a person whose identity was erased: a notice instead of the note form and the referral
button, and her notes shown as erased with her identity (not as unreadable)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from jisr.cases.services import case_note_add
from jisr.survivors.services import person_erase


def test_erased_person_case_page_offers_no_write_and_says_erased(cast, fatima_case) -> None:  # type: ignore[no-untyped-def]
    case_note_add(actor=cast.ma_case_worker, case=fatima_case, body="Generated note before erasure.")
    url = reverse("web:case_detail", kwargs={"case_id": fatima_case.pk})
    client = Client()
    client.force_login(cast.ma_case_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    before = client.get(url).content.decode()
    assert reverse("web:case_note", kwargs={"case_id": fatima_case.pk}) in before
    assert "data-erased-notice" not in before

    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="she asked to be forgotten")
    after = client.get(url).content.decode()
    assert "data-erased-notice" in after
    assert reverse("web:case_note", kwargs={"case_id": fatima_case.pk}) not in after
    assert reverse("referrals:create", args=[fatima_case.pk]) not in after
    assert "Effacé avec l'identité de la personne." in after
    assert "Generated note before erasure." not in after
