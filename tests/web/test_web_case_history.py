"""The case page shows the newest notes and timeline entries; the older ones are on their own pages, a
page at a time, read through the same scoped fetch (audited; another organisation gets 404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jisr.audit.models import AuditEvent
from jisr.cases.selectors import case_notes, case_notes_for_user
from jisr.cases.services import case_note_add, case_set_risk
from jisr.web import views

pytestmark = pytest.mark.django_db


def _notes(cast, case, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        case_note_add(actor=cast.ma_case_worker, case=case, body=f"note number {i:02d}")


def test_case_page_shows_the_newest_notes_and_links_to_the_rest(cast, fatima_case, login_as) -> None:
    _notes(cast, fatima_case, views.NOTES_ON_CASE_PAGE + 2)
    html = login_as(cast.ma_case_worker).get(reverse("web:case_detail", args=[fatima_case.pk])).content.decode()
    newest = views.NOTES_ON_CASE_PAGE + 1
    assert f"note number {newest:02d}" in html and "note number 02" in html
    assert "note number 01" not in html and "note number 00" not in html
    assert reverse("web:case_notes", args=[fatima_case.pk]) in html


def test_case_page_without_older_notes_has_no_link(cast, fatima_case, login_as) -> None:
    _notes(cast, fatima_case, views.NOTES_ON_CASE_PAGE)
    html = login_as(cast.ma_case_worker).get(reverse("web:case_detail", args=[fatima_case.pk])).content.decode()
    assert "note number 00" in html
    assert reverse("web:case_notes", args=[fatima_case.pk]) not in html


def test_notes_page_pages_every_note_newest_first_and_is_audited(cast, fatima_case, login_as, monkeypatch) -> None:
    monkeypatch.setattr(views, "NOTES_PER_PAGE", 5)
    _notes(cast, fatima_case, 7)
    client = login_as(cast.ma_supervisor, "ar")
    url = reverse("web:case_notes", args=[fatima_case.pk])
    before = AuditEvent.objects.filter(action="case.view", actor=cast.ma_supervisor).count()
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "٢"}).content.decode()  # Eastern Arabic digit
    assert [f"note number {i:02d}" in first for i in range(7)] == [False, False, True, True, True, True, True]
    assert [f"note number {i:02d}" in second for i in range(7)] == [True, True, False, False, False, False, False]
    assert first.index("note number 06") < first.index("note number 02")
    assert AuditEvent.objects.filter(action="case.view", actor=cast.ma_supervisor).count() == before + 2


def test_coordinator_sees_that_notes_exist_not_their_text(cast, fatima_case, login_as) -> None:
    _notes(cast, fatima_case, 2)
    html = login_as(cast.ma_coordinator).get(reverse("web:case_notes", args=[fatima_case.pk])).content.decode()
    assert "note number" not in html
    assert html.count("<article") == 2


def test_timeline_page_holds_what_the_case_page_leaves_out(cast, fatima_case, login_as, monkeypatch) -> None:
    monkeypatch.setattr(views, "TIMELINE_ON_CASE_PAGE", 2)
    for level in ("high", "medium", "low"):
        case_set_risk(actor=cast.ma_case_worker, case=fatima_case, risk_level=level)
    client = login_as(cast.ma_case_worker, "en")
    case_html = client.get(reverse("web:case_detail", args=[fatima_case.pk])).content.decode()
    assert case_html.count("<li>\n    <div><strong>") == 2
    assert reverse("web:case_timeline", args=[fatima_case.pk]) in case_html
    full = client.get(reverse("web:case_timeline", args=[fatima_case.pk])).content.decode()
    # register + open + three risk changes (reads are not on the timeline)
    assert full.count("<li>\n    <div><strong>") == 5


@pytest.mark.parametrize("name", ["web:case_notes", "web:case_timeline"])
def test_another_organisation_gets_404_and_nothing_is_logged(cast, fatima_case, login_as, name) -> None:
    before = AuditEvent.objects.count()
    assert login_as(cast.es_supervisor).get(reverse(name, args=[fatima_case.pk])).status_code == 404
    assert AuditEvent.objects.count() == before


def test_notes_of_another_case_are_refused(cast, fatima_case) -> None:
    from jisr.cases.services import case_open
    from jisr.survivors.identity import Identity
    from jisr.survivors.services import person_register

    other = case_open(
        actor=cast.ma_case_worker,
        person=person_register(
            actor=cast.ma_case_worker,
            organisation=cast.ma,
            identity=Identity(given_name_latin="Generated", family_name_latin="Person"),
            sex="Feminine",
        ),
    )
    case_note_add(actor=cast.ma_case_worker, case=other, body="elsewhere")
    with pytest.raises(ValueError):
        case_notes_for_user(cast.ma_case_worker, fatima_case, case_notes(other))
