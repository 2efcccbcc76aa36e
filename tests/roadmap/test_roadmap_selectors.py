"""Selectors: not yet addressed, overdue in the lead organisation's time zone, dashboard, search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from jisr.roadmap import selectors, services
from jisr.roadmap.models import ActionStatus

UTC = dt.UTC


def test_recommendation_with_no_action_is_not_yet_addressed(cast, areas, rabat):  # type: ignore[no-untyped-def]
    actor = cast.ma_roadmap
    lonely = services.recommendation_create(actor=actor, event=rabat, area=areas["prevention"], scope="MA",
                                            text_fr="Sensibiliser dans les écoles")
    carried = services.recommendation_create(actor=actor, event=rabat, area=areas["protection"], scope="both",
                                             text_fr="Prise en charge intégrée")
    services.action_create(actor=actor, title="Protocole", lead_organisation=cast.ma, recommendations=[carried])
    ids = {r.pk for r in selectors.recommendations_not_addressed(cast.ma_analyst)}
    assert ids == {lonely.pk}
    board = selectors.dashboard(cast.es_case_worker)
    assert [r.pk for r in board.not_addressed] == [lonely.pk]
    assert board.totals["not_addressed"] == 1
    # A later action takes it off the list.
    services.action_create(actor=actor, title="Campagne", lead_organisation=cast.es, recommendations=[lonely])
    assert not selectors.recommendations_not_addressed(cast.ma_analyst).exists()


def test_overdue_is_judged_in_the_lead_organisations_time_zone(cast):  # type: ignore[no-untyped-def]
    """10 June 2026: Madrid is UTC+2 (CEST), Casablanca UTC+1. At 22:30 UTC it is already 11 June in
    Madrid but still 10 June in Casablanca (and in UTC)."""
    actor = cast.ma_roadmap
    due = dt.date(2026, 6, 10)
    madrid = services.action_create(actor=actor, title="Madrid", lead_organisation=cast.es, due_on=due)
    casablanca = services.action_create(actor=actor, title="Casablanca", lead_organisation=cast.ma, due_on=due)
    assert cast.es.time_zone == "Europe/Madrid" and cast.ma.time_zone == "Africa/Casablanca"

    def overdue(now: dt.datetime) -> set[str]:
        return {a.title for a in selectors.actions_overdue(cast.ma_roadmap, now=now)}

    assert overdue(dt.datetime(2026, 6, 10, 21, 59, tzinfo=UTC)) == set()  # 23:59 Madrid
    assert overdue(dt.datetime(2026, 6, 10, 22, 0, tzinfo=UTC)) == {"Madrid"}  # 00:00 Madrid, 23:00 Casablanca
    assert overdue(dt.datetime(2026, 6, 10, 22, 59, tzinfo=UTC)) == {"Madrid"}  # 23:59 Casablanca
    assert overdue(dt.datetime(2026, 6, 10, 23, 0, tzinfo=UTC)) == {"Madrid", "Casablanca"}
    # Done or dropped actions are never overdue; blocked ones still are.
    services.action_set_status(actor=actor, action=madrid, status=ActionStatus.DONE)
    services.action_set_status(actor=actor, action=casablanca, status=ActionStatus.BLOCKED, reason="budget")
    assert overdue(dt.datetime(2026, 7, 1, tzinfo=UTC)) == {"Casablanca"}
    with pytest.raises(ValueError):
        selectors.today_in(cast.ma, dt.datetime(2026, 6, 10, 12, 0))  # naive: refused


def test_dashboard_progress_by_area_and_country(cast, areas, rabat):  # type: ignore[no-untyped-def]
    actor = cast.ma_roadmap
    r1 = services.recommendation_create(actor=actor, event=rabat, area=areas["protection"], scope="MA", text_fr="a")
    r2 = services.recommendation_create(actor=actor, event=rabat, area=areas["protection"], scope="ES", text_fr="b")
    r3 = services.recommendation_create(actor=actor, event=rabat, area=areas["partnership"], scope="both",
                                        text_fr="c")
    done = services.action_create(actor=actor, title="A", lead_organisation=cast.ma, recommendations=[r1, r3])
    services.action_set_status(actor=actor, action=done, status=ActionStatus.DONE)
    services.action_create(actor=actor, title="B", lead_organisation=cast.es, recommendations=[r2])
    blocked = services.action_create(actor=actor, title="C", lead_organisation=cast.es, recommendations=[r2])
    services.action_set_status(actor=actor, action=blocked, status=ActionStatus.BLOCKED, reason="attente")
    board = selectors.dashboard(cast.ma_supervisor)
    protection = next(p for p in board.by_area if p.area.code == "protection")
    assert (protection.recommendations, protection.addressed, protection.actions_total) == (2, 2, 3)
    assert protection.actions["done"] == 1 and protection.actions["blocked"] == 1 and protection.done_percent == 33
    partnership = next(p for p in board.by_area if p.area.code == "partnership")
    assert partnership.actions["done"] == 1
    spain = next(c for c in board.by_country if c.scope == "ES")
    assert spain.actions["planned"] == 1 and spain.actions["blocked"] == 1
    assert [a.pk for a in board.blocked] == [blocked.pk]
    data = board.chart_data()
    assert len(data["areas"]["labels"]) == 6 and {s["key"] for s in data["areas"]["series"]} == set(ActionStatus)


def test_good_practices_are_searchable(cast, areas):  # type: ignore[no-untyped-def]
    actor = cast.ma_roadmap
    one = services.practice_create(actor=actor, title="Guichet unique pour migrantes", summary="Accueil intégré",
                                   country="MA", area=areas["protection"], tags=["prise en charge"])
    services.practice_create(actor=actor, title="Formation des inspecteurs", summary="Travail forcé",
                             country="ES", area=areas["prevention"], tags=["inspection"])
    ar = services.practice_create(actor=actor, title="مرافقة الناجيات", summary="دعم نفسي واجتماعي",
                                  country="MA", area=areas["empowerment"])

    def titles(**kw):  # type: ignore[no-untyped-def]
        return {p.title for p in selectors.practices_search(cast.es_supervisor, **kw)}

    assert titles(q="guichet") == {one.title}
    assert titles(q="INTÉGRÉ") == {one.title}
    assert titles(q="prise en charge") == {one.title}
    assert titles(q="نفسي") == {ar.title}
    assert titles(country="ES") == {"Formation des inspecteurs"}
    assert titles(area="empowerment") == {ar.title}


def test_outsider_and_anonymous_read_nothing(cast, rabat):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    for user in (cast.outsider, AnonymousUser()):
        with pytest.raises(Http404):
            selectors.event_get_for_user(user, rabat.pk)
        with pytest.raises(Http404):
            selectors.dashboard(user)
