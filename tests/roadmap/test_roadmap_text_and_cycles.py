"""Roadmap text is stored cleaned (no bidi override that reverses a title, no zero-width or control
character, as for person names: jisr.crypto.normalise.clean_text; several-line texts keep their line
breaks), and two people making two events part of each other at the same moment get a clean refusal —
never a cycle, never a server error (PostgreSQL deadlock)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from jisr.audit.models import AuditEvent
from jisr.common.errors import ConflictError
from jisr.roadmap import services
from jisr.roadmap.models import Action, Event, GoodPractice, Recommendation

RLO, ZWSP, ZWNJ, BOM = "\u202e", "\u200b", "\u200c", "\ufeff"
HIDDEN = f"{RLO}Rencontre{ZWSP} de\u0007 Rabat{BOM}"  # shows reversed, with an invisible space and a bell


# --- Hidden and direction-reversing characters ------------------------------------------------------------


def test_event_edit_screen_stores_the_title_cleaned(cast, rabat, client_as):  # type: ignore[no-untyped-def]
    """The tester's case: a title typed with U+202E and a zero-width space on the edit screen."""
    url = reverse("roadmap:event_edit", kwargs={"event_id": rabat.pk})
    data = {"kind": "meeting", "title_ar": "لقاء الرباط", "title_fr": f"{RLO}Rencontre{ZWSP} <b>x</b>",
            "starts_on": "08/05/2025", "place": f"Rabat{ZWSP}", "country": "MA",
            "summary": f"Première ligne{RLO}\r\n\r\n  Deuxième{ZWSP}   ligne  \n",
            "organisers": [str(cast.ma.pk), str(cast.es.pk)]}
    response = client_as(cast.ma_roadmap).post(url, data)
    assert response.status_code == 303
    event = Event.objects.get(pk=rabat.pk)
    assert event.title_fr == "Rencontre <b>x</b>" and event.place == "Rabat"
    assert event.summary == "Première ligne\n\nDeuxième ligne"  # the paragraphs kept
    details = AuditEvent.objects.get(action="roadmap.event_update").details
    assert details == {"fields": ["summary", "title_fr"]}  # "Rabat" + a zero-width space is "Rabat": unchanged
    html = client_as(cast.ma_roadmap).get(reverse("roadmap:event_list")).content.decode()
    assert RLO not in html and ZWSP not in html


def test_every_roadmap_text_is_cleaned_by_the_services(cast, areas, rabat):  # type: ignore[no-untyped-def]
    actor = cast.ma_roadmap
    event = services.event_create(actor=actor, title_fr=HIDDEN, title_es=f"{ZWSP}", starts_on=dt.date(2025, 6, 1),
                                  place=f"{RLO}Tanger", summary=f"a{RLO}\nb")
    assert (event.title_fr, event.title_es, event.place, event.summary) == ("Rencontre de Rabat", "", "Tanger", "a\nb")
    participant = services.event_add_participant(actor=actor, event=event, name=f"{RLO}ONG{ZWSP}", country="ES")
    assert participant.name == "ONG"
    rec = services.recommendation_create(actor=actor, event=event, area=areas["protection"], scope="both",
                                         text_fr=f"{RLO}Former\n{ZWSP}les inspecteurs", addressee=f"Ministère{BOM}",
                                         reference=f"R{ZWSP}1")
    assert (rec.text_fr, rec.addressee, rec.reference) == ("Former\nles inspecteurs", "Ministère", "R1")
    assert RLO not in rec.search_text
    services.recommendation_update(actor=actor, recommendation=rec, text_es=f"{RLO}Formar", addressee=f"{ZWSP}X")
    rec = Recommendation.objects.get(pk=rec.pk)
    assert (rec.text_es, rec.addressee) == ("Formar", "X")
    action = services.action_create(actor=actor, title=f"{RLO}Protocole", description=f"l1{ZWSP}\nl2",
                                    lead_organisation=cast.ma, other_partners=f"{RLO}UNICEF")
    assert (action.title, action.description, action.other_partners) == ("Protocole", "l1\nl2", "UNICEF")
    services.action_update(actor=actor, action=action, title=f"Protocole{ZWSP} commun")
    assert Action.objects.get(pk=action.pk).title == "Protocole commun"
    change = services.action_set_status(actor=actor, action=action, status="blocked", reason=f"{RLO}Attente")
    assert change.reason == "Attente"
    update = services.progress_add(actor=actor, action=action, note=f"{RLO}Réunion\nsuite{ZWSP}")
    assert update.note == "Réunion\nsuite"
    indicator = services.indicator_add(actor=actor, action=action, name=f"{RLO}Protocoles", unit=f"n{ZWSP}")
    assert (indicator.name, indicator.unit) == ("Protocoles", "n")
    from decimal import Decimal

    measurement = services.measurement_add(actor=actor, indicator=indicator, measured_on=dt.date(2026, 1, 1),
                                           value=Decimal(1), note=f"{RLO}ok")
    assert measurement.note == "ok"
    training = services.training_create(actor=actor, title=f"{RLO}Loi 27-14", organiser=cast.ma,
                                        starts_on=dt.date(2025, 10, 14), country="MA", place=f"{ZWSP}Rabat",
                                        topics=f"a{RLO}\nb")
    assert (training.title, training.place, training.topics) == ("Loi 27-14", "Rabat", "a\nb")
    row = services.training_record_attendance(actor=actor, training=training, profession="police", count=2,
                                              organisation_name=f"{RLO}Police")
    assert row.organisation_name == "Police"
    practice = services.practice_create(actor=actor, title=f"{RLO}Guichet", summary=f"s{ZWSP}", country="MA",
                                        area=areas["protection"], tags=[f"{RLO}Accueil", f"accueil{ZWSP}"],
                                        evidence=f"e{RLO}", organisation_name=f"{ZWSP}Asso")
    practice = GoodPractice.objects.get(pk=practice.pk)
    assert (practice.title, practice.summary, practice.tags, practice.evidence, practice.organisation_name) == (
        "Guichet", "s", ["accueil"], "e", "Asso")
    area = services.area_create(actor=actor, code="gender", name_ar=f"{RLO}النوع", name_fr="Genre", name_es="Género",
                                name_en=f"Gender{ZWSP}")
    assert (area.name_ar, area.name_en) == ("النوع", "Gender")


def test_the_zero_width_non_joiner_is_kept(cast, areas):  # type: ignore[no-untyped-def]
    """It is part of how some words are spelt (as in person names)."""
    event = services.event_create(actor=cast.ma_roadmap, title_fr=f"a{ZWNJ}b", starts_on=dt.date(2025, 6, 1))
    assert event.title_fr == f"a{ZWNJ}b"


def test_a_title_of_invisible_characters_only_is_no_title(cast, areas, rabat):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        services.event_create(actor=cast.ma_roadmap, title_fr=f"{RLO}{ZWSP}", starts_on=dt.date(2025, 6, 1))
    with pytest.raises(ValueError):
        services.event_update(actor=cast.ma_roadmap, event=rabat, title_ar="", title_fr=f"{ZWSP} ", title_es="")
    with pytest.raises(ValueError):
        services.action_create(actor=cast.ma_roadmap, title=BOM, lead_organisation=cast.ma)
    assert Event.objects.get(pk=rabat.pk).title_fr == "Rencontre de Rabat"
    assert not AuditEvent.objects.filter(action="roadmap.event_update").exists()


# --- Two opposite "part of" edits at the same moment ------------------------------------------------------


@pytest.fixture
def two_events(cast, rabat):  # type: ignore[no-untyped-def]
    madrid = services.event_create(actor=cast.ma_coordinator, title_fr="Rencontre de Madrid",
                                   starts_on=dt.date(2025, 6, 8), place="Madrid", country="ES",
                                   organisers=[cast.es])
    return rabat, madrid


def _edit_data(event: Event, **overrides) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {"kind": event.kind, "title_ar": event.title_ar, "title_fr": event.title_fr, "title_es": event.title_es,
            "starts_on": event.starts_on.strftime("%d/%m/%Y"), "place": event.place, "country": str(event.country),
            "parent": event.parent_id or "", "summary": event.summary, "version": event.version,
            "organisers": [str(o.pk) for o in event.organisers.all()], **overrides}


def test_a_deadlock_is_answered_as_a_conflict_not_a_server_error(cast, two_events, client_as, monkeypatch):  # type: ignore[no-untyped-def]
    """Whatever the database: an edit it gives up to end a deadlock is refused like a stale form (409),
    nothing saved, nothing audited."""
    a, b = two_events

    class DeadlockDetected(Exception):
        sqlstate = "40P01"

    def deadlock(**kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("deadlock detected") from DeadlockDetected()

    monkeypatch.setattr(services, "_event_update", deadlock)
    with pytest.raises(ConflictError):
        services.event_update(actor=cast.ma_roadmap, event=a, parent=b)
    response = client_as(cast.ma_roadmap).post(reverse("roadmap:event_edit", kwargs={"event_id": a.pk}),
                                               _edit_data(a, parent=b.pk))
    assert response.status_code == 409
    assert Event.objects.get(pk=a.pk).parent_id is None
    assert not AuditEvent.objects.filter(action="roadmap.event_update").exists()

    def other_error(**kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("disk full")

    monkeypatch.setattr(services, "_event_update", other_error)
    with pytest.raises(OperationalError):  # only a deadlock is a conflict
        services.event_update(actor=cast.ma_roadmap, event=a, parent=b)


def _at_once(calls):  # type: ignore[no-untyped-def]
    """Run the calls in threads started together; their results (or exceptions)."""
    results: list[object] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, call):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _slow_check(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each edit pauses inside its check, so that both are there at once unless one waits for the other."""
    real = services._part_of_itself

    def slow(event, parent):  # type: ignore[no-untyped-def]
        time.sleep(0.5)
        return real(event, parent)

    monkeypatch.setattr(services, "_part_of_itself", slow)


def _post(user, event: Event, parent: Event) -> int:
    client = Client()
    client.force_login(user)
    return client.post(reverse("roadmap:event_edit", kwargs={"event_id": event.pk}),
                       _edit_data(event, parent=parent.pk)).status_code


@pytest.mark.django_db(transaction=True)
def test_opposite_part_of_edits_at_once_make_no_cycle_and_no_server_error(cast, two_events, monkeypatch):  # type: ignore[no-untyped-def]
    """The tester's case on PostgreSQL: A part of B and B part of A, saved at the same moment. Before, one
    user got a 500 (deadlock: each edit held its own row and waited for the other's). Now both rows are
    locked in a fixed order first: one edit is saved, the other refused (the cycle, on the form)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks and deadlocks: PostgreSQL")
    a, b = two_events
    _slow_check(monkeypatch)
    statuses = _at_once([lambda: _post(cast.ma_roadmap, a, b), lambda: _post(cast.ma_coordinator, b, a)])
    assert sorted(statuses) == [200, 303], statuses  # type: ignore[type-var]
    a, b = Event.objects.get(pk=a.pk), Event.objects.get(pk=b.pk)
    assert (a.parent_id == b.pk) != (b.parent_id == a.pk)  # exactly one is part of the other
    assert AuditEvent.objects.filter(action="roadmap.event_update").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_edits_closing_a_longer_loop_at_once_make_no_cycle(cast, two_events, monkeypatch):  # type: ignore[no-untyped-def]
    """C is a session of B. At once: A becomes part of C, B part of A (A → C → B → A). The rows the two
    edits lock first are not the same; the check locks the chain it walks, so one waits for the other and
    sees the loop, or the database ends a deadlock and that edit is a conflict (409). Never both saved."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks and deadlocks: PostgreSQL")
    a, b = two_events
    c = services.event_create(actor=cast.ma_roadmap, title_fr="Atelier", starts_on=dt.date(2025, 6, 9), parent=b)
    _slow_check(monkeypatch)
    results = _at_once([
        lambda: services.event_update(actor=cast.ma_roadmap, event=a, parent=c),
        lambda: services.event_update(actor=cast.ma_coordinator, event=b, parent=a),
    ])
    saved = [r for r in results if isinstance(r, Event)]
    refused = [r for r in results if isinstance(r, ValueError | ConflictError)]
    assert len(saved) == 1 and len(refused) == 1, results
    a, b = Event.objects.get(pk=a.pk), Event.objects.get(pk=b.pk)
    assert not (a.parent_id == c.pk and b.parent_id == a.pk)
