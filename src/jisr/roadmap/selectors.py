"""Reads of the roadmap, scoped to the user (access.py): a user who may not read the roadmap gets
Http404 from every selector here, whatever the record. Nothing here touches cases or persons.

Time: "overdue" is judged in the *lead organisation's* time zone (Organisation.time_zone): the due
date is that organisation's commitment, so an action due on 10 June led from Madrid is overdue from
00:00 on 11 June Madrid time, while one led from Casablanca still has an hour. Selectors take `now`
(an aware datetime, default: the present) so tests can stand on either side of midnight.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jisr.accounts.models import Organisation
from jisr.roadmap.access import require_reader
from jisr.roadmap.models import (
    CLOSED_STATUSES,
    Action,
    ActionStatus,
    CountryScope,
    Event,
    GoodPractice,
    Indicator,
    Recommendation,
    StoredFile,
    StrategicArea,
    Training,
    TrainingAttendance,
    search_key,
)


def today_in(organisation: Organisation, now: dt.datetime | None = None) -> dt.date:
    """The calendar date at `now` (aware; default the present) in the organisation's time zone."""
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError("`now` must be an aware datetime")
    return now.astimezone(zoneinfo.ZoneInfo(organisation.time_zone)).date()


# --- Lists and single records -----------------------------------------------------------------------


def areas_for(user: Any, *, include_inactive: bool = False) -> QuerySet[StrategicArea]:
    require_reader(user)
    qs = StrategicArea.objects.all()
    return qs if include_inactive else qs.filter(active=True)


def events_for(user: Any) -> QuerySet[Event]:
    require_reader(user)
    return (Event.objects.prefetch_related("organisers", "areas").annotate(n_recommendations=Count("recommendations"))
            .order_by("starts_on", "created_at"))


def event_get_for_user(user: Any, event_id: Any) -> Event:
    require_reader(user)
    return get_object_or_404(
        Event.objects.prefetch_related("organisers", "areas", "participants__organisation", "documents__file"),
        pk=event_id,
    )


def recommendations_for(user: Any, *, area: str = "", scope: str = "", event: Any = None,
                        q: str = "") -> QuerySet[Recommendation]:
    """Recommendations, each annotated with `n_actions`; filters by area code, scope, event, text."""
    require_reader(user)
    # Explicit order: Meta.ordering is not applied to aggregate (GROUP BY) queries.
    qs = (Recommendation.objects.select_related("area", "event")
          .annotate(n_actions=Count("actions", distinct=True)).order_by("area__order", "reference", "created_at"))
    if area:
        qs = qs.filter(area__code=area)
    if scope:
        qs = qs.filter(scope=scope)
    if event:
        qs = qs.filter(event_id=event)
    for word in search_key(q).split():
        qs = qs.filter(search_text__contains=word)
    return qs


def recommendation_get_for_user(user: Any, recommendation_id: Any) -> Recommendation:
    require_reader(user)
    return get_object_or_404(
        Recommendation.objects.select_related("area", "event").prefetch_related(
            "actions__lead_organisation", "practices"),
        pk=recommendation_id,
    )


def recommendations_not_addressed(user: Any) -> QuerySet[Recommendation]:
    """Recommendations that no action carries out yet ("not yet addressed")."""
    return recommendations_for(user).filter(n_actions=0)


def actions_for(user: Any, *, status: str = "", lead: Any = None, area: str = "") -> QuerySet[Action]:
    require_reader(user)
    qs = Action.objects.select_related("lead_organisation").prefetch_related("partners", "recommendations__area")
    if status:
        qs = qs.filter(status=status)
    if lead:
        qs = qs.filter(lead_organisation_id=lead)
    if area:
        qs = qs.filter(recommendations__area__code=area).distinct()
    return qs


def action_get_for_user(user: Any, action_id: Any) -> Action:
    require_reader(user)
    return get_object_or_404(
        Action.objects.select_related("lead_organisation").prefetch_related(
            "partners",
            "recommendations__area",
            "status_history__changed_by",
            "progress_updates__evidence",
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements")),
        ),
        pk=action_id,
    )


def indicator_get_for_user(user: Any, indicator_id: Any) -> Indicator:
    require_reader(user)
    return get_object_or_404(Indicator.objects.select_related("action"), pk=indicator_id)


def actions_overdue(user: Any, *, now: dt.datetime | None = None) -> list[Action]:
    """Open actions (planned, in progress, blocked) whose due date is before today in the lead
    organisation's time zone, oldest due first."""
    now = now or timezone.now()
    # No time zone is more than 14 h ahead of UTC: anything due on or after UTC's tomorrow is not late.
    latest_possible = (now.astimezone(dt.UTC) + dt.timedelta(days=1)).date()
    candidates = actions_for(user).filter(due_on__lt=latest_possible).exclude(status__in=CLOSED_STATUSES)
    return sorted((a for a in candidates if a.is_overdue_on(today_in(a.lead_organisation, now))),
                  key=lambda a: (a.due_on, a.title))


def actions_blocked(user: Any) -> QuerySet[Action]:
    return actions_for(user, status=ActionStatus.BLOCKED).prefetch_related("status_history")


def trainings_for(user: Any) -> QuerySet[Training]:
    require_reader(user)
    return Training.objects.select_related("organiser", "area").prefetch_related("attendance__organisation")


def training_get_for_user(user: Any, training_id: Any) -> Training:
    require_reader(user)
    return get_object_or_404(trainings_for(user), pk=training_id)


def practices_search(user: Any, *, q: str = "", area: str = "", country: str = "",
                     tag: str = "") -> QuerySet[GoodPractice]:
    """Good practices matching every given filter; every word of `q` must occur in the title, summary,
    evidence, organisation or tags, compared folded (case, accents, Arabic letter variants: search_key)."""
    require_reader(user)
    qs = GoodPractice.objects.select_related("area", "organisation").prefetch_related("recommendations")
    for word in search_key(q).split():
        qs = qs.filter(search_text__contains=word)
    if area:
        qs = qs.filter(area__code=area)
    if country:
        qs = qs.filter(country=country)
    if tag:
        qs = qs.filter(tags__icontains=tag.strip().lower())
    return qs


def practice_get_for_user(user: Any, practice_id: Any) -> GoodPractice:
    require_reader(user)
    return get_object_or_404(
        GoodPractice.objects.select_related("area", "organisation").prefetch_related("recommendations__area"),
        pk=practice_id,
    )


def file_get_for_user(user: Any, file_id: Any) -> StoredFile:
    """An evidence file or event document if the user may read the roadmap; Http404 otherwise."""
    require_reader(user)
    return get_object_or_404(StoredFile, pk=file_id)


# --- Dashboard ---------------------------------------------------------------------------------------


@dataclass
class AreaProgress:
    area: StrategicArea
    recommendations: int = 0
    addressed: int = 0
    actions: Counter[str] = field(default_factory=Counter)

    @property
    def status_counts(self) -> list[int]:
        """Actions per status, in ActionStatus order."""
        return [self.actions[s] for s in ActionStatus]

    @property
    def actions_total(self) -> int:
        return sum(self.actions.values())

    @property
    def done_percent(self) -> int:
        open_or_done = self.actions_total - self.actions[ActionStatus.DROPPED]
        return round(100 * self.actions[ActionStatus.DONE] / open_or_done) if open_or_done else 0


@dataclass
class CountryProgress:
    scope: str
    label: str
    recommendations: int = 0
    addressed: int = 0
    actions: Counter[str] = field(default_factory=Counter)

    @property
    def status_counts(self) -> list[int]:
        return [self.actions[s] for s in ActionStatus]


@dataclass
class Dashboard:
    by_area: list[AreaProgress]
    by_country: list[CountryProgress]
    overdue: list[Action]
    blocked: list[Action]
    not_addressed: list[Recommendation]
    totals: dict[str, int]

    def chart_data(self) -> dict[str, Any]:
        """JSON-ready data for the charts (json_script): labels and one series per status."""
        statuses = [(s.value, str(s.label)) for s in ActionStatus]
        return {
            "areas": {
                "labels": [p.area.name for p in self.by_area],
                "series": [{"key": key, "label": label, "data": [p.actions[key] for p in self.by_area]}
                           for key, label in statuses],
            },
            "countries": {
                "labels": [c.label for c in self.by_country],
                "series": [{"key": key, "label": label, "data": [c.actions[key] for c in self.by_country]}
                           for key, label in statuses],
            },
        }


def dashboard(user: Any, *, now: dt.datetime | None = None) -> Dashboard:
    """Progress by strategic area and by country scope, overdue and blocked actions, and
    recommendations with no action yet.

    An action counts once in every area (and country scope) of the recommendations it carries out.
    """
    recommendations = list(
        recommendations_for(user).prefetch_related(Prefetch("actions", queryset=Action.objects.only("id", "status")))
    )
    by_area = {a.pk: AreaProgress(area=a) for a in areas_for(user)}
    by_country = {s.value: CountryProgress(scope=s.value, label=str(s.label)) for s in CountryScope}
    seen_area: set[tuple[Any, Any]] = set()
    seen_scope: set[tuple[str, Any]] = set()
    for rec in recommendations:
        area = by_area.get(rec.area_id)
        if area is None:  # an inactive area still counts
            area = by_area[rec.area_id] = AreaProgress(area=rec.area)
        country = by_country[rec.scope]
        area.recommendations += 1
        country.recommendations += 1
        if rec.n_actions:
            area.addressed += 1
            country.addressed += 1
        for action in rec.actions.all():
            if (rec.area_id, action.pk) not in seen_area:
                seen_area.add((rec.area_id, action.pk))
                area.actions[action.status] += 1
            if (rec.scope, action.pk) not in seen_scope:
                seen_scope.add((rec.scope, action.pk))
                country.actions[action.status] += 1
    all_actions = actions_for(user)
    totals = {
        "recommendations": len(recommendations),
        "not_addressed": sum(1 for r in recommendations if not r.n_actions),
        "actions": all_actions.count(),
        "done": all_actions.filter(status=ActionStatus.DONE).count(),
        "events": Event.objects.count(),
        "trainings": Training.objects.count(),
        "trained_people": TrainingAttendance.objects.aggregate(n=Sum("count"))["n"] or 0,
        "practices": GoodPractice.objects.count(),
    }
    overdue = actions_overdue(user, now=now)
    totals["overdue"] = len(overdue)
    return Dashboard(
        by_area=sorted(by_area.values(), key=lambda p: (p.area.order, p.area.code)),
        by_country=list(by_country.values()),
        overdue=overdue,
        blocked=list(actions_blocked(user)),
        not_addressed=[r for r in recommendations if not r.n_actions],
        totals=totals,
    )
