"""Reads for statistics, scoped to the user.

Who sees what (accounts.roles; DESIGN §2):
- coordinator: the organisation's statistics, and drill-down lists of the cases behind a number
  (through `cases_visible_to`, masked as everywhere else);
- analyst: the organisation's aggregates and exports, never a list of cases or anything about a person;
- everyone else: nothing here (404: a stranger does not learn that the page exists).

Every number on the dashboard is computed by `breakdown(query)`; every drill-down list by
`drill_down(user, query, value)`: both start from `caseload(query)` — one queryset, one set of date
bounds (the organisation's local calendar, half-open [start, end)), one labelling function — so a list
always has exactly as many cases as the number it came from.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from jisr.accounts.models import Organisation, User
from jisr.accounts.roles import Role
from jisr.cases.models import Case, ExploitationType, TrmStage
from jisr.cases.selectors import cases_visible_to
from jisr.statistics.core.agebands import CTDC_BANDS, JISR_BANDS, UNKNOWN, band_of, labels
from jisr.statistics.models import CtdcRecord, GlotipFigure
from jisr.survivors.models import Sex

STATISTICS_ROLES = (Role.COORDINATOR, Role.ANALYST)
DIMENSIONS = ("trm_stage", "exploitation", "sex", "age_band", "ctdc_age", "nationality")
NONE_RECORDED = "none"


def may_view_statistics(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.role in STATISTICS_ROLES


def is_analyst(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.role == Role.ANALYST


def require_statistics(user: User) -> Organisation:
    """The user's organisation if she may see its statistics; Http404 otherwise."""
    if not may_view_statistics(user) or user.organisation is None:
        raise Http404
    return user.organisation


def require_analyst(user: User) -> Organisation:
    if not is_analyst(user) or user.organisation is None:
        raise Http404
    return user.organisation


def local_today(organisation: Organisation) -> dt.date:
    return timezone.localdate(timezone=ZoneInfo(organisation.time_zone))


@dataclass(frozen=True)
class CaseloadQuery:
    """The cases of `organisation` open at some time in [start, end) — dates in the organisation's
    own calendar: opened before `end` and not closed before `start`."""

    organisation_id: object
    start: dt.date
    end: dt.date

    @classmethod
    def last_months(cls, organisation: Organisation, months: int = 12, today: dt.date | None = None) -> CaseloadQuery:
        today = today or local_today(organisation)
        end = today + dt.timedelta(days=1)
        year, month = today.year, today.month - months + 1
        while month < 1:
            month += 12
            year -= 1
        return cls(organisation.pk, dt.date(year, month, 1), end)

    def months(self) -> list[CaseloadQuery]:
        out = []
        cursor = dt.date(self.start.year, self.start.month, 1)
        while cursor < self.end:
            nxt = dt.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
            out.append(replace(self, start=max(cursor, self.start), end=min(nxt, self.end)))
            cursor = nxt
        return out


def caseload(query: CaseloadQuery) -> QuerySet[Case]:
    """The one queryset behind every number and every drill-down."""
    return Case.objects.filter(
        Q(organisation_id=query.organisation_id),
        Q(opened_on__lt=query.end),
        Q(closed_on__isnull=True) | Q(closed_on__gte=query.start),
    )


_SQL_FIELDS = {"trm_stage": "trm_stage", "sex": "person__sex", "nationality": "person__nationality"}


def _age_at_opening(
    rows: Iterable[tuple[object, dt.date, int | None, dt.date | None, bool]],
) -> dict[object, int | None]:
    """Case pk → age in completed years when the case was opened: from the decrypted date of birth when
    recorded, else from the estimate and the date it was made."""
    from jisr.common.dates import age_on
    from jisr.survivors.models import Person
    from jisr.survivors.services import person_identity

    ages: dict[object, int | None] = {}
    need_dob: dict[object, tuple[object, dt.date]] = {}
    for pk, opened_on, estimated, estimated_on, has_dob in rows:
        if has_dob:
            need_dob[pk] = (None, opened_on)
        ages[pk] = age_on(opened_on, estimated_age=estimated, estimated_on=estimated_on)
    if need_dob:
        cases = Case.objects.filter(pk__in=list(need_dob)).select_related("person", "person__data_key")
        for case in cases:
            person: Person = case.person
            try:
                dob = person_identity(person).date_of_birth
            except Exception:
                dob = None
            if dob is not None:
                ages[case.pk] = person.age_on(case.opened_on, dob)
    return ages


def _labels_in_python(qs: QuerySet[Case], dimension: str) -> dict[object, list[str]]:
    """Case pk → its labels for the dimensions computed in Python (a case may have several forms)."""
    if dimension == "exploitation":
        return {pk: sorted(set(types)) or [NONE_RECORDED] for pk, types in qs.values_list("pk", "exploitation_types")}
    rows = qs.values_list(
        "pk", "opened_on", "person__estimated_age", "person__age_estimated_on", "person__date_of_birth"
    )
    ages = _age_at_opening((pk, o, e, eo, dob is not None) for pk, o, e, eo, dob in rows)
    bands = CTDC_BANDS if dimension == "ctdc_age" else JISR_BANDS
    return {pk: [band_of(age, bands)] for pk, age in ages.items()}


def breakdown(query: CaseloadQuery, dimension: str) -> dict[str, int]:
    """Label → number of cases in the caseload with that label (exploitation: a case counts once per form)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    qs = caseload(query)
    if dimension in _SQL_FIELDS:
        field = _SQL_FIELDS[dimension]
        return {(row[field] or UNKNOWN): row["n"] for row in qs.values(field).annotate(n=Count("pk")).order_by(field)}
    counter: Counter[str] = Counter()
    for values in _labels_in_python(qs, dimension).values():
        counter.update(values)
    return dict(counter)


def drill_down(user: User, query: CaseloadQuery, dimension: str, value: str) -> QuerySet[Case]:
    """The cases behind `breakdown(query, dimension)[value]`, restricted to what `user` may read
    (coordinators only: an analyst never gets a list of cases)."""
    if user.role != Role.COORDINATOR or user.organisation is None or user.organisation.pk != query.organisation_id:
        raise Http404
    if dimension not in DIMENSIONS:
        raise Http404
    qs = caseload(query)
    if dimension in _SQL_FIELDS:
        field = _SQL_FIELDS[dimension]
        qs = qs.filter(**{field: "" if value == UNKNOWN else value})
    else:
        pks = [pk for pk, values in _labels_in_python(qs, dimension).items() if value in values]
        qs = qs.filter(pk__in=pks)
    return cases_visible_to(user).filter(pk__in=qs.values("pk")).order_by("opened_on", "created_at")


def dimension_labels(dimension: str) -> dict[str, str]:
    """Code → translated label for display (labels are for people; codes stay in exports)."""
    if dimension == "trm_stage":
        return {str(k): str(v) for k, v in TrmStage.choices}
    if dimension == "sex":
        return {str(k): str(v) for k, v in Sex.choices} | {UNKNOWN: _("Unknown")}
    if dimension == "exploitation":
        return {str(k): str(v) for k, v in ExploitationType.choices} | {NONE_RECORDED: _("None recorded")}
    if dimension in ("age_band", "ctdc_age"):
        return {
            label: (_("Unknown") if label == UNKNOWN else label)
            for label in labels(CTDC_BANDS if dimension == "ctdc_age" else JISR_BANDS)
        }
    return {}


def ordered(dimension: str, counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(code, label, count) in the dimension's natural order, zero rows included for fixed vocabularies."""
    names = dimension_labels(dimension)
    if dimension == "nationality":
        keys = sorted(counts, key=lambda c: (c == UNKNOWN, -counts[c], c))
        return [(k, str(countries.name(k)) if k != UNKNOWN else _("Unknown"), counts[k]) for k in keys]
    keys = list(names) + [k for k in counts if k not in names]
    return [(k, names.get(k, k), counts.get(k, 0)) for k in keys]


def caseload_over_time(query: CaseloadQuery) -> dict[str, object]:
    """Monthly caseload by TRM stage: {"months": [...], "series": {stage: [counts]}, "bounds": [...]}."""
    months = query.months()
    stages = [str(s) for s in TrmStage.values]
    series: dict[str, list[int]] = {s: [] for s in stages}
    for month in months:
        counts = breakdown(month, "trm_stage")
        for s in stages:
            series[s].append(counts.get(s, 0))
    return {
        "months": [m.start.strftime("%Y-%m") for m in months],
        "bounds": [[m.start.isoformat(), m.end.isoformat()] for m in months],
        "series": series,
    }


# --- Context: public data (GLOTIP, CTDC) -------------------------------------------------------------

CONTEXT_COUNTRIES = {"MAR": "Morocco", "ESP": "Spain"}


def glotip_victims(iso3: str, dimension: str) -> dict[str, dict[int, tuple[int, int]]]:
    """Detected victims in `iso3` by `dimension` ("by form of exploitation", or "Total" split by sex/age):
    category → year → (low, high) summed over plausible rows (censored `<5` adds [0, 4])."""
    qs = GlotipFigure.objects.filter(iso3=iso3, indicator="Detected trafficking victims", plausible=True)
    out: dict[str, dict[int, tuple[int, int]]] = {}
    if dimension == "form":
        rows = qs.filter(dimension="by form of exploitation", sex="Total", age="Total").values_list(
            "category", "year", "value_low", "value_high"
        )
    elif dimension == "sex":
        rows = (
            qs.filter(dimension="Total", age="Total")
            .exclude(sex="Total")
            .values_list("sex", "year", "value_low", "value_high")
        )
    elif dimension == "age":
        rows = (
            qs.filter(dimension="Total", sex="Total")
            .exclude(age="Total")
            .values_list("age", "year", "value_low", "value_high")
        )
    else:
        raise ValueError(dimension)
    for key, year, low, high in rows:
        lo, hi = out.setdefault(key, {}).get(year, (0, 0))
        out[key][year] = (lo + low, hi + high)
    return out


def ctdc_patterns(exploitation_region: str | None = None) -> dict[str, dict[str, object]]:
    """CTDC recruiter relation and control by form of exploitation. Shares follow CTDC's rule: the
    denominator is the records with at least one value known in the group (CTDC codebook 2024)."""
    qs = CtdcRecord.objects.all()
    if exploitation_region:
        qs = qs.filter(exploitation_region=exploitation_region)
    out: dict[str, dict[str, object]] = {}
    for form, field in (("ForcedLabour", "is_forced_labour"), ("SexualExploitation", "is_sexual_exploit")):
        rows = list(
            qs.filter(**{field: True}).values_list("ip_relation", "ip_control_abuse_kidnap", "ip_recruiter_broker")
        )
        relation: Counter[str] = Counter()
        known = 0
        for rel, _control, _broker in rows:
            if rel:
                known += 1
                relation.update(rel.split(";"))
        out[form] = {
            "records": len(rows),
            "relation_known": known,
            "relation": dict(relation),
            "control_abuse_kidnap": sum(1 for r in rows if r[1]),
            "recruiter_broker": sum(1 for r in rows if r[2]),
        }
    return out
