"""Two roadmap members editing the same event, recommendation or action: the second one's form was
filled from an older version, so her save is refused (ConflictError; 409 on the screen with what she
typed kept and a translated message), nothing of the first one's change is lost, and no audit event is
written for the refused save (optimistic locking, as on cases)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from jisr.audit.models import AuditEvent
from jisr.common.errors import ConflictError
from jisr.roadmap import services
from jisr.roadmap.models import Action, Event, Recommendation


@pytest.fixture
def rec(cast, areas, rabat):  # type: ignore[no-untyped-def]
    return services.recommendation_create(actor=cast.ma_roadmap, event=rabat, area=areas["prevention"], scope="both",
                                          text_fr="Former les inspecteurs du travail")


@pytest.fixture
def action(cast, rec):  # type: ignore[no-untyped-def]
    return services.action_create(actor=cast.ma_roadmap, title="Formation des inspecteurs", lead_organisation=cast.ma,
                                  recommendations=[rec], start_on=dt.date(2026, 1, 1), due_on=dt.date(2026, 6, 30))


def _state(obj) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """Every stored column and many-to-many of `obj`, read again from the database."""
    fresh = type(obj).objects.get(pk=obj.pk)
    state = {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields if f.name != "updated_at"}
    for m2m in fresh._meta.many_to_many:
        state[m2m.name] = sorted(getattr(fresh, m2m.name).values_list("pk", flat=True))
    return state


def _audits(name: str) -> int:
    return AuditEvent.objects.filter(action=f"roadmap.{name}_update").count()


# --- Services ----------------------------------------------------------------------------------------


def _edits(kind: str, cast, areas, rabat, rec, action):  # type: ignore[no-untyped-def]
    """(record, first change, second change) for `kind`: two members' edits of the same record."""
    if kind == "event":
        return (rabat, {"ends_on": dt.date(2025, 5, 10), "place": "Rabat, Maison de la culture",
                        "areas": [areas["prevention"]]}, {"title_fr": "Rencontre de Rabat 2025"})
    if kind == "recommendation":
        return rec, {"priority": "high", "addressee": "Ministère"}, {"text_fr": "Former les inspectrices"}
    return action, {"due_on": dt.date(2026, 9, 30), "partners": [cast.es]}, {"title": "Formation des inspectrices"}


def _update(kind: str, actor, obj, **fields):  # type: ignore[no-untyped-def]
    return getattr(services, f"{kind}_update")(actor=actor, **{kind: obj}, **fields)


@pytest.mark.parametrize("kind", ["event", "recommendation", "action"])
def test_a_save_from_a_stale_version_is_refused_and_changes_nothing(kind, cast, areas, rabat, rec, action):  # type: ignore[no-untyped-def]
    obj, first, second = _edits(kind, cast, areas, rabat, rec, action)
    opened = type(obj).objects.get(pk=obj.pk).version  # both members open the form at this version
    before = _audits(kind)
    _update(kind, cast.ma_roadmap, obj, expected_version=opened, **first)
    after_first = _state(obj)
    assert after_first["version"] == opened + 1 and _audits(kind) == before + 1
    with pytest.raises(ConflictError):
        _update(kind, cast.ma_coordinator, obj, expected_version=opened, **second)
    assert _state(obj) == after_first  # the first member's change is all there, the second wrote nothing
    assert _audits(kind) == before + 1  # and no audit event for the refused save
    # from the current version, the second member's change goes through
    _update(kind, cast.ma_coordinator, obj, expected_version=opened + 1, **second)
    assert _state(obj)["version"] == opened + 2 and _audits(kind) == before + 2


@pytest.mark.parametrize("model", [Event, Recommendation, Action])
def test_nothing_changed_keeps_the_version(model, cast, rabat, rec, action):  # type: ignore[no-untyped-def]
    obj = {Event: rabat, Recommendation: rec, Action: action}[model]
    kind = model.__name__.lower()
    field = {"event": ("place", rabat.place), "recommendation": ("scope", "both"),
             "action": ("title", "Formation des inspecteurs")}[kind]
    _update(kind, cast.ma_roadmap, obj, expected_version=1, **{field[0]: field[1]})
    assert model.objects.get(pk=obj.pk).version == 1 and _audits(kind) == 0


def test_linking_recommendations_counts_as_a_change_of_the_action(cast, action, rec):  # type: ignore[no-untyped-def]
    """The action's page also sets its recommendations (a field of the edit form): a stale link form is
    refused, and a link made after an edit form was opened makes that form stale."""
    services.action_link(actor=cast.ma_roadmap, action=action, recommendations=[], expected_version=1)
    assert Action.objects.get(pk=action.pk).version == 2
    with pytest.raises(ConflictError):
        services.action_link(actor=cast.ma_coordinator, action=action, recommendations=[rec], expected_version=1)
    with pytest.raises(ConflictError):
        services.action_update(actor=cast.ma_coordinator, action=action, expected_version=1, title="Autre")
    assert not Action.objects.get(pk=action.pk).recommendations.exists()
    assert Action.objects.get(pk=action.pk).title == "Formation des inspecteurs"


# --- Screens -----------------------------------------------------------------------------------------


def _version(html: str) -> str:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert match, "the edit form carries the record's version"
    return match.group(1)


def _event_post(version: str, **overrides: object) -> dict[str, object]:
    return {"kind": "meeting", "title_ar": "لقاء الرباط", "title_fr": "Rencontre de Rabat", "starts_on": "08/05/2025",
            "place": "Rabat", "country": "MA", "version": version, **overrides}


def test_second_member_saving_an_older_form_sees_a_conflict(cast, areas, rabat, client_as):  # type: ignore[no-untyped-def]
    """The reported case: the first member saves an end date, a place and an area; the second, who opened
    the form earlier, saves her title correction — refused, in her language, her text kept."""
    url = reverse("roadmap:event_edit", kwargs={"event_id": rabat.pk})
    first, second = client_as(cast.ma_roadmap, "fr"), client_as(cast.ma_coordinator, "ar")
    version_second = _version(second.get(url).content.decode())  # she opens the form first
    version_first = _version(first.get(url).content.decode())
    assert version_first == version_second == "1"
    response = first.post(url, _event_post(version_first, ends_on="10/05/2025", place="Rabat, Maison de la culture",
                                           areas=[str(areas["prevention"].pk)]))
    assert response.status_code == 303
    saved = _state(rabat)
    response = second.post(url, _event_post(version_second, title_fr="Rencontre de Rabat (mai 2025)"))
    assert response.status_code == 409
    assert _state(rabat) == saved and _audits("event") == 1
    html = response.content.decode()
    assert "لم يُحفظ شيء" in html  # "Nothing was saved", in Arabic
    assert 'value="Rencontre de Rabat (mai 2025)"' in html  # what she typed is still in the form
    assert ">تاريخ النهاية<" in html or "تاريخ النهاية</li>" in html  # the end date differs from what is saved
    assert _version(html) == "2"  # saving again, after checking, is a deliberate choice
    response = second.post(url, _event_post(_version(html), title_fr="Rencontre de Rabat (mai 2025)",
                                            ends_on="10/05/2025", place="Rabat, Maison de la culture",
                                            areas=[str(areas["prevention"].pk)]))
    assert response.status_code == 303
    event = Event.objects.get(pk=rabat.pk)
    assert (event.title_fr, event.ends_on, event.place) == ("Rencontre de Rabat (mai 2025)", dt.date(2025, 5, 10),
                                                            "Rabat, Maison de la culture")
    assert event.version == 3 and _audits("event") == 2


def test_stale_recommendation_and_action_forms_are_refused(cast, rec, action, client_as):  # type: ignore[no-untyped-def]
    client = client_as(cast.ma_roadmap, "es")
    rec_url = reverse("roadmap:recommendation_edit", kwargs={"recommendation_id": rec.pk})
    action_url = reverse("roadmap:action_edit", kwargs={"action_id": action.pk})
    assert _version(client.get(rec_url).content.decode()) == "1"
    assert _version(client.get(action_url).content.decode()) == "1"
    services.recommendation_update(actor=cast.ma_coordinator, recommendation=rec, priority="high")
    services.action_update(actor=cast.ma_coordinator, action=action, due_on=dt.date(2026, 9, 30))
    rec_before, action_before = _state(rec), _state(action)
    response = client.post(rec_url, {"event": rec.event_id, "area": rec.area_id, "text_fr": "Autre texte",
                                     "scope": "both", "priority": "medium", "version": "1"})
    assert response.status_code == 409 and "No se ha guardado nada" in response.content.decode()
    response = client.post(action_url, {"title": "Autre titre", "lead_organisation": cast.ma.pk,
                                        "start_on": "01/01/2026", "due_on": "30/06/2026", "version": "1"})
    assert response.status_code == 409 and 'value="Autre titre"' in response.content.decode()
    assert _state(rec) == rec_before and _state(action) == action_before
    assert _audits("recommendation") == 1 and _audits("action") == 1


def test_stale_link_form_on_the_action_page_is_refused(cast, rec, action, client_as):  # type: ignore[no-untyped-def]
    client = client_as(cast.ma_roadmap, "fr")
    detail = reverse("roadmap:action_detail", kwargs={"action_id": action.pk})
    version = _version(client.get(detail).content.decode())
    services.action_update(actor=cast.ma_coordinator, action=action, recommendations=[])
    response = client.post(reverse("roadmap:action_link", kwargs={"action_id": action.pk}),
                           {"recommendations": [rec.pk], "version": version}, follow=True)
    assert "Rien n&#x27;a été enregistré" in response.content.decode()
    assert not Action.objects.get(pk=action.pk).recommendations.exists()
    assert not AuditEvent.objects.filter(action="roadmap.action_link").exists()
