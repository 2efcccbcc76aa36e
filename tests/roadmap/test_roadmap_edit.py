"""Edit screens for events and actions: a roadmap member fixes a wrong date or title. Same forms and
rules as creation, one audited service each (event_update, action_update), the same permissions
(writers only: 403 for a reader, 404 for an outsider), and a refused change leaves everything as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jisr.audit.models import AuditEvent
from jisr.common.errors import PermissionDeniedError
from jisr.roadmap import services
from jisr.roadmap.models import Action, Event


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.fixture
def action(cast, areas, rabat):  # type: ignore[no-untyped-def]
    rec = services.recommendation_create(actor=cast.ma_roadmap, event=rabat, area=areas["prevention"], scope="both",
                                         text_fr="Former les inspecteurs du travail")
    return services.action_create(actor=cast.ma_roadmap, title="Formation des inspecteurs", lead_organisation=cast.ma,
                                  partners=[cast.es], recommendations=[rec], start_on=dt.date(2026, 1, 1),
                                  due_on=dt.date(2026, 6, 30))


def _event_state(event: Event) -> tuple:  # type: ignore[type-arg]
    event = Event.objects.get(pk=event.pk)
    return (event.kind, event.title_ar, event.title_fr, event.title_es, event.starts_on, event.ends_on, event.place,
            str(event.country), event.parent_id, event.summary, event.languages,
            sorted(event.organisers.values_list("pk", flat=True)), sorted(event.areas.values_list("pk", flat=True)))


def _action_state(action: Action) -> tuple:  # type: ignore[type-arg]
    action = Action.objects.get(pk=action.pk)
    return (action.title, action.description, action.lead_organisation_id, action.other_partners, action.start_on,
            action.due_on, action.status, sorted(action.partners.values_list("pk", flat=True)),
            sorted(action.recommendations.values_list("pk", flat=True)))


# --- Services ----------------------------------------------------------------------------------------


def test_event_update_changes_and_audits_only_the_changed_fields(cast, areas, rabat):  # type: ignore[no-untyped-def]
    services.event_update(actor=cast.ma_coordinator, event=rabat, title_fr="Rencontre de Rabat (2e édition)",
                          starts_on=dt.date(2025, 5, 9), place="Rabat", organisers=[cast.ma, cast.es],
                          areas=[areas["prevention"]])
    rabat.refresh_from_db()
    assert rabat.title_fr == "Rencontre de Rabat (2e édition)" and rabat.starts_on == dt.date(2025, 5, 9)
    assert list(rabat.areas.all()) == [areas["prevention"]]
    [event] = _events("roadmap.event_update")
    assert event.actor == cast.ma_coordinator and event.target_id == str(rabat.pk)
    assert event.details == {"fields": ["areas", "starts_on", "title_fr"]}  # place, organisers: unchanged
    assert "Rabat" not in str(event.details)  # names of fields, never what was typed
    services.event_update(actor=cast.ma_roadmap, event=rabat, place="Rabat")  # nothing changed: nothing written
    assert len(_events("roadmap.event_update")) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title_ar": "", "title_fr": "  ", "title_es": ""}, "title"),
        ({"ends_on": dt.date(2025, 5, 1)}, "end date"),
        ({"kind": "party"}, "kind"),
        ({"colour": "red"}, "cannot be changed"),
    ],
)
def test_event_update_refuses_invalid_input_and_changes_nothing(cast, rabat, fields, message):  # type: ignore[no-untyped-def]
    before = _event_state(rabat)
    with pytest.raises(ValueError, match=message):
        services.event_update(actor=cast.ma_roadmap, event=rabat, place="Tanger", **fields)
    assert _event_state(rabat) == before and not _events("roadmap.event_update")


def test_an_event_cannot_be_part_of_itself_or_of_its_sessions(cast, rabat):  # type: ignore[no-untyped-def]
    workshop = services.event_create(actor=cast.ma_roadmap, kind="workshop", title_fr="Atelier",
                                     starts_on=dt.date(2025, 5, 8), parent=rabat)
    session = services.event_create(actor=cast.ma_roadmap, kind="workshop", title_fr="Session",
                                     starts_on=dt.date(2025, 5, 8), parent=workshop)
    for parent in (rabat, workshop, session):
        with pytest.raises(ValueError, match="part of itself"):
            services.event_update(actor=cast.ma_roadmap, event=rabat, parent=parent)
    assert Event.objects.get(pk=rabat.pk).parent_id is None
    services.event_update(actor=cast.ma_roadmap, event=session, parent=rabat)  # moving a session is fine
    assert Event.objects.get(pk=session.pk).parent_id == rabat.pk


def test_action_update_changes_organisations_recommendations_and_dates(cast, action):  # type: ignore[no-untyped-def]
    services.action_update(actor=cast.ma_roadmap, action=action, title="Formation des inspectrices et inspecteurs",
                           lead_organisation=cast.es, partners=[cast.es, cast.ma], recommendations=[],
                           due_on=dt.date(2026, 9, 30))
    action.refresh_from_db()
    assert action.lead_organisation == cast.es and action.due_on == dt.date(2026, 9, 30)
    assert list(action.partners.all()) == [cast.ma]  # the lead is never its own partner
    assert not action.recommendations.exists()
    assert action.status == "planned" and action.status_history.count() == 1  # not a status change
    [event] = _events("roadmap.action_update")
    assert event.details == {"fields": ["due_on", "lead_organisation", "partners", "recommendations", "title"]}


def test_a_new_lead_is_no_longer_listed_as_partner(cast, action):  # type: ignore[no-untyped-def]
    services.action_update(actor=cast.ma_roadmap, action=action, lead_organisation=cast.es)
    assert not Action.objects.get(pk=action.pk).partners.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "title"),
        ({"due_on": dt.date(2025, 12, 31)}, "due date"),
        ({"status": "done"}, "cannot be changed"),
    ],
)
def test_action_update_refuses_invalid_input_and_changes_nothing(cast, action, fields, message):  # type: ignore[no-untyped-def]
    before = _action_state(action)
    with pytest.raises(ValueError, match=message):
        services.action_update(actor=cast.ma_roadmap, action=action, other_partners="OIM", partners=[], **fields)
    assert _action_state(action) == before and not _events("roadmap.action_update")


@pytest.mark.parametrize("persona", ["ma_case_worker", "ma_supervisor", "ma_analyst", "es_supervisor", "outsider"])
def test_only_writers_update(cast, rabat, action, persona):  # type: ignore[no-untyped-def]
    event_before, action_before = _event_state(rabat), _action_state(action)
    with pytest.raises(PermissionDeniedError):
        services.event_update(actor=getattr(cast, persona), event=rabat, title_fr="Autre")
    with pytest.raises(PermissionDeniedError):
        services.action_update(actor=getattr(cast, persona), action=action, title="Autre")
    assert _event_state(rabat) == event_before and _action_state(action) == action_before
    assert not _events("roadmap.event_update") and not _events("roadmap.action_update")


# --- Screens -----------------------------------------------------------------------------------------


def _event_data(**overrides: str) -> dict[str, str]:
    return {"kind": "meeting", "title_ar": "لقاء الرباط", "title_fr": "Rencontre de Rabat", "starts_on": "08/05/2025",
            "place": "Rabat", "country": "MA", **overrides}


def test_event_edit_screen_fixes_a_wrong_date(cast, rabat, client_as):  # type: ignore[no-untyped-def]
    client = client_as(cast.ma_roadmap, "ar")
    detail = reverse("roadmap:event_detail", kwargs={"event_id": rabat.pk})
    url = reverse("roadmap:event_edit", kwargs={"event_id": rabat.pk})
    assert url in client.get(detail).content.decode()  # offered on the event's page
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="ar" dir="rtl">' in html and " style=" not in html
    assert 'value="08/05/2025"' in html and 'value="Rencontre de Rabat"' in html  # filled in, day first
    assert f'value="{rabat.pk}"' not in html  # not offered as its own parent
    response = client.post(url, _event_data(starts_on="٠٩/٠٥/٢٠٢٥", ends_on="١٠/٠٥/٢٠٢٥",
                                            organisers=[str(cast.ma.pk), str(cast.es.pk)]))
    assert response.status_code == 303 and response["Location"] == detail
    rabat.refresh_from_db()
    assert (rabat.starts_on, rabat.ends_on) == (dt.date(2025, 5, 9), dt.date(2025, 5, 10))
    assert _events("roadmap.event_update")[0].details == {"fields": ["ends_on", "starts_on"]}


def test_action_edit_screen_fixes_a_wrong_title(cast, action, client_as):  # type: ignore[no-untyped-def]
    client = client_as(cast.ma_coordinator, "fr")
    detail = reverse("roadmap:action_detail", kwargs={"action_id": action.pk})
    url = reverse("roadmap:action_edit", kwargs={"action_id": action.pk})
    assert url in client.get(detail).content.decode()
    html = client.get(url).content.decode()
    assert 'value="30/06/2026"' in html and 'value="Formation des inspecteurs"' in html
    rec = action.recommendations.get()
    response = client.post(url, {"title": "Formation des inspecteurs du travail", "lead_organisation": cast.ma.pk,
                                 "partners": [cast.es.pk], "recommendations": [rec.pk], "start_on": "01/01/2026",
                                 "due_on": "٣٠/٠٦/٢٠٢٦"})
    assert response.status_code == 303 and response["Location"] == detail
    assert Action.objects.get(pk=action.pk).title == "Formation des inspecteurs du travail"
    assert _events("roadmap.action_update")[0].details == {"fields": ["title"]}


@pytest.mark.parametrize(
    "data",
    [
        _event_data(starts_on="31/02/2025"),  # no such day
        _event_data(ends_on="01/05/2025"),  # before the start
        _event_data(title_ar="", title_fr=""),  # no title
    ],
)
def test_invalid_event_edit_changes_nothing(cast, rabat, client_as, data):  # type: ignore[no-untyped-def]
    before = _event_state(rabat)
    response = client_as(cast.ma_roadmap).post(reverse("roadmap:event_edit", kwargs={"event_id": rabat.pk}), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert _event_state(rabat) == before and not _events("roadmap.event_update")


def test_invalid_action_edit_changes_nothing(cast, action, client_as):  # type: ignore[no-untyped-def]
    before = _action_state(action)
    url = reverse("roadmap:action_edit", kwargs={"action_id": action.pk})
    response = client_as(cast.ma_roadmap).post(url, {"title": "", "lead_organisation": cast.ma.pk,
                                                     "start_on": "01/07/2026", "due_on": "30/06/2026"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "due_on"}
    assert _action_state(action) == before and not _events("roadmap.action_update")


@pytest.mark.parametrize(("persona", "status"), [("ma_case_worker", 403), ("es_supervisor", 403),
                                                 ("ma_analyst", 403), ("outsider", 404)])
def test_edit_screens_refuse_non_writers(cast, rabat, action, client_as, persona, status):  # type: ignore[no-untyped-def]
    client = client_as(getattr(cast, persona))
    event_before, action_before = _event_state(rabat), _action_state(action)
    event_url = reverse("roadmap:event_edit", kwargs={"event_id": rabat.pk})
    action_url = reverse("roadmap:action_edit", kwargs={"action_id": action.pk})
    for url, data in ((event_url, _event_data(title_fr="Autre")),
                      (action_url, {"title": "Autre", "lead_organisation": cast.ma.pk})):
        assert client.get(url).status_code == status
        assert client.post(url, data).status_code == status
    if status == 403:  # a reader sees the pages, without the edit buttons
        for name, kw in (("roadmap:event_detail", {"event_id": rabat.pk}),
                         ("roadmap:action_detail", {"action_id": action.pk})):
            html = client.get(reverse(name, kwargs=kw)).content.decode()
            assert event_url not in html and action_url not in html
    assert _event_state(rabat) == event_before and _action_state(action) == action_before
    assert not _events("roadmap.event_update") and not _events("roadmap.action_update")
