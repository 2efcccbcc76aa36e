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
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BooleanField, Count, F, Func, IntegerField, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from jisr.accounts.models import Organisation, User
from jisr.accounts.roles import Role
from jisr.cases.models import Case, ExploitationType, TrmStage
from jisr.cases.selectors import cases_visible_to
from jisr.statistics.core import disclosure
from jisr.statistics.core.agebands import (
    CTDC_BANDS,
    JISR_BANDS,
    UNKNOWN,
    AgeBand,
    band_of,
    labels,
    parts,
    refinement,
)
from jisr.statistics.core.periods import Quarter, completed_quarters
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

    @classmethod
    def of_quarter(cls, organisation: Organisation, quarter: Quarter) -> CaseloadQuery:
        return cls(organisation.pk, quarter.start, quarter.end)

    def months(self) -> list[CaseloadQuery]:
        out = []
        cursor = dt.date(self.start.year, self.start.month, 1)
        while cursor < self.end:
            nxt = dt.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
            out.append(replace(self, start=max(cursor, self.start), end=min(nxt, self.end)))
            cursor = nxt
        return out


# --- The periods an analyst may ask for -----------------------------------------------------------------
#
# Coordinators choose any first and last day (they see the exact counts and the cases anyway). Every
# product that reaches an analyst — dashboard, API, exported tables, donor report, microdata, DP tables —
# is for one of the whole calendar quarters that are over (core.periods says why), so that no two answers
# are for periods that overlap or differ by a day. A request for other bounds is refused.

ANALYST_QUARTERS = 40  # ten years of quarters, as the longest period a coordinator may choose


class PeriodNotOfferedError(ValueError):
    """An analyst asked for a period that is not one of the whole quarters offered to her."""


def analyst_periods(organisation: Organisation, today: dt.date | None = None) -> list[Quarter]:
    """The quarters an analyst of `organisation` may ask for, newest first: the quarters that are over in
    the organisation's calendar (the last ANALYST_QUARTERS of them)."""
    return completed_quarters(today or local_today(organisation), ANALYST_QUARTERS)


def offered_quarter(organisation: Organisation, query: CaseloadQuery) -> Quarter | None:
    """The offered quarter whose bounds are exactly `query`'s, or None."""
    if query.organisation_id != organisation.pk:
        return None
    try:
        quarter = Quarter.of(query.start)
    except ValueError:
        return None
    if (quarter.start, quarter.end) != (query.start, query.end) or quarter not in analyst_periods(organisation):
        return None
    return quarter


def require_offered_period(user: User, organisation: Organisation, query: CaseloadQuery) -> None:
    """Raise PeriodNotOfferedError if `user` is an analyst and `query` is not one of her quarters: the
    check every analyst product makes before computing anything."""
    if user.role != Role.COORDINATOR and offered_quarter(organisation, query) is None:
        raise PeriodNotOfferedError("analysts are given whole calendar quarters that are over")


def open_between(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """A case open at some time in [start, end): opened before `end`, not closed before `start`."""
    return Q(**{f"{prefix}opened_on__lt": end}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gte": start})
    )


def _in_caseload(query: CaseloadQuery, prefix: str = "") -> Q:
    """The condition of `caseload(query)`, on a case reached through `prefix` (e.g. "case__")."""
    return Q(**{f"{prefix}organisation_id": query.organisation_id}) & open_between(query.start, query.end, prefix)


def caseload(query: CaseloadQuery) -> QuerySet[Case]:
    """The one queryset behind every number and every drill-down."""
    return Case.objects.filter(_in_caseload(query))


_SQL_FIELDS = {"trm_stage": "trm_stage", "sex": "person__sex", "nationality": "person__nationality"}


# --- Age bands and forms of exploitation in SQL (SQLite and PostgreSQL) ---------------------------------
#
# Age at opening from the estimate in clear: estimated_age + completed years from age_estimated_on to
# opened_on, the same arithmetic as jisr.common.dates.age_on, written for each database so that the band
# is computed by the database (no row comes back to Python). A date of birth is encrypted and stays so:
# for the few persons who have one, the band comes from the decrypted date, in Python, and only those
# rows are read (`_dob_labels`). No age or band derived from a date of birth is stored in clear.


class _VendorSQL(Func):
    """A SQL fragment per database over compiled column expressions ({0}, {1}…)."""

    templates: dict[str, str] = {}

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, p = compiler.compile(expression)
            parts.append(sql)
            params.extend(p)
        if params:
            raise ValueError("column expressions only")
        template = self.templates.get(connection.vendor)
        if template is None:
            raise NotImplementedError(f"statistics SQL for {connection.vendor}")
        return template.format(*parts), list(self.extra_params)

    extra_params: tuple[Any, ...] = ()


class _AgeAtOpening(_VendorSQL):
    """Completed years on {0} of someone estimated {1} years old on {2} (NULL when no estimate)."""

    output_field = IntegerField()
    templates = {
        "sqlite": (
            "({1} + CAST(substr({0}, 1, 4) AS INTEGER) - CAST(substr({2}, 1, 4) AS INTEGER)"
            " - (substr({0}, 6, 5) < substr({2}, 6, 5)))"
        ),
        "postgresql": (  # date_part (double) is a third cheaper here than EXTRACT (numeric) or to_char
            "({1} + (date_part('year', {0}) - date_part('year', {2}))::integer"
            " - (CASE WHEN date_part('month', {0}) * 100 + date_part('day', {0})"
            " < date_part('month', {2}) * 100 + date_part('day', {2}) THEN 1 ELSE 0 END))"
        ),
    }


class _HasForm(_VendorSQL):
    """The JSON array {0} holds the string given as parameter (PostgreSQL: jsonb containment @>)."""

    output_field = BooleanField()
    templates = {
        "sqlite": "EXISTS (SELECT 1 FROM json_each({0}) AS f WHERE f.value = %s)",
        "postgresql": "({0} @> %s::jsonb)",
    }

    def __init__(self, expression: Any, form: str, vendor: str):
        super().__init__(expression)
        self.extra_params = (form if vendor == "sqlite" else json.dumps([form]),)


class _NoForm(_VendorSQL):
    output_field = BooleanField()
    templates = {
        "sqlite": "(json_array_length({0}) = 0)",
        "postgresql": "(jsonb_array_length({0}) = 0)",
    }


def _with_age(qs: QuerySet[Case]) -> QuerySet[Case]:
    """`qs` with the age at opening from the estimate (`age_at_opening`), computed by the database."""
    return qs.annotate(
        age_at_opening=_AgeAtOpening(F("opened_on"), F("person__estimated_age"), F("person__age_estimated_on"))
    )


def _band(age: int | None, bands: tuple[AgeBand, ...]) -> str:
    """The band of an age at opening; UNKNOWN without an age or before birth."""
    return UNKNOWN if age is None or age < 0 else band_of(age, bands)


def _band_q(bands: tuple[AgeBand, ...], label: str) -> Q:
    """The condition on `age_at_opening` that `_band` labels `label` (half-open [low, high))."""
    if label == UNKNOWN:
        return Q(age_at_opening__isnull=True) | Q(age_at_opening__lt=0)
    for b in bands:
        if b.label == label:
            return Q(age_at_opening__gte=b.low) & (Q() if b.high is None else Q(age_at_opening__lt=b.high))
    return Q(pk__in=[])


def _dob_ages(qs: QuerySet[Case]) -> dict[object, int | None]:
    """Case pk → age at opening, for the cases of `qs` whose person has an (encrypted) date of birth:
    decrypted here, one person at a time, never stored (falls back to the estimate if it cannot be read)."""
    from jisr.survivors.services import person_identity

    out: dict[object, int | None] = {}
    for case in qs.filter(person__date_of_birth__isnull=False).select_related("person", "person__data_key"):
        try:
            dob = person_identity(case.person).date_of_birth
        except Exception:
            dob = None
        out[case.pk] = case.person.age_on(case.opened_on, dob)
    return out


AGE_PARTS = "age_parts"
"""The common refinement of the two age schemes (one band between every two boundaries of either): counted
for suppression only, never published (see `suppress_counted`)."""
AGE_REFINEMENT = refinement(JISR_BANDS, CTDC_BANDS)


def _bands_of(dimension: str) -> tuple[AgeBand, ...]:
    if dimension == AGE_PARTS:
        return AGE_REFINEMENT
    return CTDC_BANDS if dimension == "ctdc_age" else JISR_BANDS


AGE_DIMENSIONS = ("age_band", "ctdc_age")


def _age_filter(qs: QuerySet[Case], dimension: str, value: str) -> QuerySet[Case]:
    bands = _bands_of(dimension)
    no_dob = _with_age(qs.filter(person__date_of_birth__isnull=True)).filter(_band_q(bands, value))
    with_dob = [pk for pk, age in _dob_ages(qs).items() if _band(age, bands) == value]
    return qs.filter(Q(pk__in=no_dob.values("pk")) | Q(pk__in=with_dob))


def _exploitation_counts(qs: QuerySet[Case]) -> Counter[str]:
    """Form → cases having it (a case counts once per form, even if recorded twice), and NONE_RECORDED
    → cases with none: one pass over the caseload's own SQL, the JSON array's elements left-joined
    (json_each on SQLite, jsonb_array_elements_text on PostgreSQL) and grouped."""
    inner, params = qs.order_by().values("pk", "exploitation_types").query.sql_with_params()
    if connection.vendor == "sqlite":
        sql = (
            f"SELECT COALESCE(f.value, %s), COUNT(*) FROM ({inner}) AS c"  # noqa: S608 — Django's own SQL
            " LEFT JOIN json_each(c.exploitation_types) AS f"
            " WHERE f.key IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(c.exploitation_types) AS g"
            " WHERE g.value = f.value AND g.key < f.key)"
            " GROUP BY 1"
        )
    elif connection.vendor == "postgresql":
        sql = (
            f"SELECT COALESCE(f.value, %s), COUNT(*) FROM ({inner}) AS c"  # noqa: S608 — Django's own SQL
            " LEFT JOIN LATERAL (SELECT DISTINCT e.value FROM jsonb_array_elements_text(c.exploitation_types)"
            " AS e(value)) AS f ON true GROUP BY 1"
        )
    else:
        raise NotImplementedError(f"statistics SQL for {connection.vendor}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [NONE_RECORDED, *params])
        return Counter({str(label): n for label, n in cursor.fetchall() if n})


def _exploitation_filter(qs: QuerySet[Case], value: str) -> QuerySet[Case]:
    if value == NONE_RECORDED:
        return qs.alias(no_form=_NoForm(F("exploitation_types"))).filter(no_form=True)
    return qs.alias(has_form=_HasForm(F("exploitation_types"), value, connection.vendor)).filter(has_form=True)


def _labels_in_python(qs: QuerySet[Case], dimension: str) -> dict[object, list[str]]:
    """Case pk → its labels for the dimensions not stored in a column (a case may have several forms),
    for cross-tables and microdata (one row per case; the dashboard uses `breakdowns`, which counts in
    the database)."""
    if dimension == "exploitation":
        return {pk: sorted(set(types)) or [NONE_RECORDED] for pk, types in qs.values_list("pk", "exploitation_types")}
    bands = _bands_of(dimension)
    rows = _with_age(qs.filter(person__date_of_birth__isnull=True)).values_list("pk", "age_at_opening")
    labels_by_pk: dict[object, list[str]] = {pk: [_band(age, bands)] for pk, age in rows}
    labels_by_pk.update({pk: [_band(age, bands)] for pk, age in _dob_ages(qs).items()})
    return labels_by_pk


def breakdowns(query: CaseloadQuery, dimensions: Iterable[str]) -> dict[str, dict[str, int]]:
    """Dimension → label → number of cases in the caseload with that label (exploitation: a case counts
    once per form), counted by the database. The column dimensions and the age at opening are counted
    in one GROUP BY (one pass, one join), the bands assigned to the few dozen distinct ages; persons with
    an encrypted date of birth are counted from the decrypted date; forms of exploitation in one more pass."""
    dims = list(dict.fromkeys(dimensions))
    for dimension in dims:
        if dimension not in DIMENSIONS and dimension != AGE_PARTS:
            raise ValueError(f"unknown dimension {dimension!r}")
    qs = caseload(query)
    out: dict[str, Counter[str]] = {d: Counter() for d in dims}
    columns = [d for d in dims if d in _SQL_FIELDS]
    ages = [(d, _bands_of(d)) for d in dims if d in (*AGE_DIMENSIONS, AGE_PARTS)]
    fields = [_SQL_FIELDS[d] for d in columns]

    def add(values: Sequence[Any], age: int | None, n: int) -> None:
        for d, v in zip(columns, values, strict=True):
            out[d][str(v) or UNKNOWN] += n
        for d, bands in ages:
            out[d][_band(age, bands)] += n

    if ages:
        no_dob = _with_age(qs.filter(person__date_of_birth__isnull=True)).order_by()
        for *values, age, n in no_dob.values_list(*fields, "age_at_opening").annotate(n=Count("pk")):
            add(values, age, n)
        dob_ages = _dob_ages(qs)
        if dob_ages:
            for pk, *values in qs.filter(pk__in=list(dob_ages)).values_list("pk", *fields):
                add(values, dob_ages[pk], 1)
    elif columns:
        for *values, n in qs.order_by().values_list(*fields).annotate(n=Count("pk")):
            add(values, None, n)
    if "exploitation" in dims:
        out["exploitation"] = _exploitation_counts(qs)
    return {d: {label: n for label, n in counts.items() if n} for d, counts in out.items()}


def breakdown(query: CaseloadQuery, dimension: str) -> dict[str, int]:
    """Label → number of cases in the caseload with that label (see `breakdowns`)."""
    return breakdowns(query, [dimension])[dimension]


def drill_down(user: User, query: CaseloadQuery, dimension: str, value: str) -> QuerySet[Case]:
    """The cases behind `breakdown(query, dimension)[value]`, restricted to what `user` may read
    (coordinators only: an analyst never gets a list of cases). Same queryset, same bounds, same
    labelling as the number."""
    if user.role != Role.COORDINATOR or user.organisation is None or user.organisation.pk != query.organisation_id:
        raise Http404
    if dimension not in DIMENSIONS:
        raise Http404
    qs = caseload(query)
    if dimension in _SQL_FIELDS:
        field = _SQL_FIELDS[dimension]
        qs = qs.filter(**{field: "" if value == UNKNOWN else value})
    elif dimension == "exploitation":
        qs = _exploitation_filter(qs, value)
    else:
        qs = _age_filter(qs, dimension, value)
    return cases_visible_to(user).filter(pk__in=qs.values("pk")).order_by("opened_on", "created_at")


def dimension_labels(dimension: str) -> dict[str, str]:
    """Code → translated label for display (labels are for people; codes stay in exports)."""
    if dimension == "trm_stage":
        return {str(k): str(v) for k, v in TrmStage.choices}
    if dimension == "sex":
        return {str(k): str(v) for k, v in Sex.choices} | {UNKNOWN: _("Unknown")}
    if dimension == "exploitation":
        return {str(k): str(v) for k, v in ExploitationType.choices} | {NONE_RECORDED: _("None recorded")}
    if dimension in (*AGE_DIMENSIONS, AGE_PARTS):
        return {label: (_("Unknown") if label == UNKNOWN else label) for label in labels(_bands_of(dimension))}
    return {}


def value_label(dimension: str, value: str) -> str:
    """The label of one code of `dimension` for display: a category's name, a country's name (in the
    active language) for a nationality; the code itself if it is not known."""
    if dimension == "nationality":
        return _("Unknown") if value == UNKNOWN else (str(countries.name(value)) or value)
    return dimension_labels(dimension).get(value, value)


def ordered(dimension: str, counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(code, label, count) in the dimension's natural order, zero rows included for fixed vocabularies."""
    names = dimension_labels(dimension)
    if dimension == "nationality":
        keys = sorted(counts, key=lambda c: (c == UNKNOWN, -counts[c], c))
        return [(k, value_label(dimension, k), counts[k]) for k in keys]
    keys = list(names) + [k for k in counts if k not in names]
    return [(k, names.get(k, k), counts.get(k, 0)) for k in keys]


def fixed_categories(dimension: str) -> list[tuple[str, str]]:
    """(code, label) of every category of `dimension` in a fixed order that no data decides: the
    vocabulary's own order (TRM stages, sexes, age bands, each with its unknown), every country in the
    order of its ISO code for nationalities, unknown last. For tables whose rows must not tell which
    categories occur or which are largest (differentially private tables)."""
    if dimension == "nationality":
        codes = sorted(str(code) for code, _name in countries)
        return [(code, value_label(dimension, code)) for code in codes] + [(UNKNOWN, _("Unknown"))]
    return list(dimension_labels(dimension).items())


def caseload_over_time(query: CaseloadQuery) -> dict[str, object]:
    """Monthly caseload by TRM stage: {"months": [...], "series": {stage: [counts]}, "bounds": [...]}."""
    months = query.months()
    stages = [str(s) for s in TrmStage.values]
    series: dict[str, list[int]] = {s: [] for s in stages}
    # One pass over the period's caseload: per stage, one count per month with the month's own bounds
    # (`open_between`, the condition of `caseload(month)`, which is what the month's drill-down lists).
    counts = {f"m{i}": Count("pk", filter=open_between(month.start, month.end)) for i, month in enumerate(months)}
    by_stage = {row["trm_stage"]: row for row in caseload(query).order_by().values("trm_stage").annotate(**counts)}
    for s in stages:
        row = by_stage.get(s, {})
        series[s] = [int(row.get(f"m{i}", 0)) for i in range(len(months))]
    return {
        "months": [m.start.strftime("%Y-%m") for m in months],
        "bounds": [[m.start.isoformat(), m.end.isoformat()] for m in months],
        "series": series,
    }


# --- What an analyst may see: the same counts, suppressed ----------------------------------------------
#
# Every aggregate that reaches an analyst (dashboard, API, donor report, exported tables) comes from
# `suppressed_breakdowns` or `shown_over_time`, so that one figure is withheld in every product or in none
# (jisr.statistics.core.disclosure). The breakdowns of one caseload are suppressed together: each against
# the number of cases (the same everywhere, withheld only if small), the two age-band schemes linked through
# their common refinement (every band of either is a sum of its parts, which are never published and whose
# small counts are protected: subtracting one scheme's bands from the other's gives nothing small), forms of
# exploitation against the number of cases although a case can have several (the sum of mentions is never
# released).


@dataclass(frozen=True)
class Released:
    """A breakdown as released: (code, label) per row in the dimension's natural order and the counts
    with their suppression (`series.values`, None where withheld; `series.counts` exact, not for show)."""

    dimension: str
    keys: list[tuple[str, str]]
    series: disclosure.SuppressedSeries


def _age_links(dims: Sequence[str], keys: dict[str, list[tuple[str, str]]]) -> list[disclosure.Link]:
    """Each band of either age scheme as the sum of its parts in their common refinement (`AGE_PARTS`), as
    (breakdown, cell) pairs; unknown with unknown. Linked so, the schemes are suppressed across their
    overlaps: Jisr's 18–24 = 30, CTDC's 18–20 = 12 and 21–23 = 13 would give the cases aged 24 (5) by
    subtraction — the part 24–24, never published, is protected as any small count."""
    if AGE_PARTS not in dims:
        return []
    at = dims.index(AGE_PARTS)
    part_index = {code: i for i, (code, _l) in enumerate(keys[AGE_PARTS])}
    links: list[disclosure.Link] = []
    for dimension in AGE_DIMENSIONS:
        if dimension not in dims:
            continue
        b = dims.index(dimension)
        for i, (code, _l) in enumerate(keys[dimension]):
            band = next((x for x in _bands_of(dimension) if x.label == code), None)
            members = [UNKNOWN] if band is None else parts(band, AGE_REFINEMENT)
            links.append(([(b, i)], [(at, part_index[m]) for m in members]))
    return links


def suppressed_breakdowns(query: CaseloadQuery, dimensions: Iterable[str], threshold: int) -> dict[str, Released]:
    """The breakdowns of the caseload with small counts, and the counts that would reveal them, withheld.
    The pattern of a breakdown does not depend on which others are asked for (both age schemes are always
    suppressed together), so every product shows the same."""
    wanted = list(dict.fromkeys(dimensions))
    return suppress_counted(breakdowns(query, counted_dimensions(wanted)), wanted, threshold)


def counted_dimensions(dimensions: Sequence[str]) -> list[str]:
    """What `suppress_counted` needs counted for `dimensions`: the stage (for the number of cases) and
    both age schemes and their common refinement if either is asked for."""
    dims = list(dict.fromkeys(["trm_stage", *dimensions]))
    if any(d in AGE_DIMENSIONS for d in dims):
        dims = list(dict.fromkeys([*dims, *AGE_DIMENSIONS, AGE_PARTS]))
    return dims


def suppress_counted(
    counted: dict[str, dict[str, int]],
    wanted: Sequence[str],
    threshold: int,
    own: Sequence[dict[str, dict[str, int]]] = (),
) -> dict[str, Released]:
    """`suppressed_breakdowns` over counts already made (`breakdowns(query, counted_dimensions(wanted))`,
    or their sum over the organisations of a shared release). `own`: for a shared release, each
    contributor's own counts (`counted` is their sum): a count is withheld too where, for some
    contributor, it minus that contributor's own is small, since each knows its own (core.disclosure)."""
    dims = counted_dimensions(wanted)
    rows = {d: ordered(d, counted.get(d, {})) for d in dims}
    keys = {d: [(code, label) for code, label, _n in rows[d]] for d in dims}
    total = sum(n for _c, _l, n in rows["trm_stage"])
    contributors = [
        ([[c.get(d, {}).get(code, 0) for code, _l in keys[d]] for d in dims], sum(c.get("trm_stage", {}).values()))
        for c in own
    ]
    series = disclosure.suppress_breakdowns(
        [[n for _c, _l, n in rows[d]] for d in dims],
        total,
        threshold,
        links=_age_links(dims, keys),
        own=contributors,
        hidden=[dims.index(AGE_PARTS)] if AGE_PARTS in dims else [],
    )
    return {d: Released(d, keys[d], s) for d, s in zip(dims, series, strict=True) if d in wanted}


def shown_rows(released: Released) -> list[tuple[str, str, int | None]]:
    """(code, label, count or None) for display. Nationalities are listed by count, which would place a
    withheld one between the counts around it: withheld rows go after the published ones, by code."""
    rows = [(c, lab, v) for (c, lab), v in zip(released.keys, released.series.values, strict=True)]
    if released.dimension != "nationality":
        return rows
    shown = [r for r in rows if r[2] is not None and r[0] != UNKNOWN]
    withheld = sorted((r for r in rows if r[2] is None and r[0] != UNKNOWN), key=lambda r: r[0])
    return shown + withheld + [r for r in rows if r[0] == UNKNOWN]


@dataclass(frozen=True)
class ShownBreakdown:
    """A breakdown as a screen shows it: rows (code, label, count; None = withheld) and the number of
    cases (for forms of exploitation not the sum of the rows: a case can have several)."""

    rows: list[tuple[str, str, int | None]]
    cases: int | None
    withheld_whole: bool = False  # every count withheld: no safe pattern of some withheld was found


def shown_breakdowns(
    query: CaseloadQuery, dimensions: Iterable[str], threshold: int | None
) -> dict[str, ShownBreakdown]:
    """The breakdowns for a screen: exact with `threshold` None (coordinators), else suppressed."""
    dims = list(dict.fromkeys(dimensions))
    if threshold is not None:
        released = suppressed_breakdowns(query, dims, threshold)
        return {d: ShownBreakdown(shown_rows(r), r.series.shown_total, r.series.fallback) for d, r in released.items()}
    counted = breakdowns(query, list(dict.fromkeys(["trm_stage", *dims])))
    total = sum(counted["trm_stage"].values())
    return {d: ShownBreakdown(list(ordered(d, counted[d])), total) for d in dims}


def shown_over_time(query: CaseloadQuery, threshold: int | None) -> dict[str, Any]:
    """`caseload_over_time` for a screen: per month, the counts by stage and the month's caseload, with
    each month suppressed as a breakdown of its caseload when `threshold` is given. Months overlap (a case
    open for a year counts in twelve), so no equation links them; a period within one month gives the same
    counts, and the same pattern, as the breakdown by stage."""
    over_time = caseload_over_time(query)
    series: dict[str, list[int]] = over_time["series"]  # type: ignore[assignment]
    stages = list(series)
    months: list[str] = over_time["months"]  # type: ignore[assignment]
    rows = []
    for i, month in enumerate(months):
        counts = [series[s][i] for s in stages]
        if threshold is None:
            values: list[int | None] = list(counts)
            total: int | None = sum(counts)
        else:
            values, total = disclosure.suppress_series(counts, threshold)
        rows.append((month, values, total))
    return {"stages": stages, "months": months, "rows": rows}


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


# --- Services delivered and outcomes (care and outcomes apps, read only) ----------------------------

OUTCOME_DIRECTIONS = ("improvement", "none", "deterioration")


def services_delivered(query: CaseloadQuery) -> dict[str, int]:
    """Service type → cases of the caseload that received it: a service of that type, not cancelled,
    starting within [start, end). A case counts once per type (these are people, so suppression of small
    cells means something)."""
    from jisr.care.models import Service, ServiceStatus

    rows = (
        Service.objects.filter(_in_caseload(query, "case__"), starts_on__gte=query.start, starts_on__lt=query.end)
        .exclude(status=ServiceStatus.CANCELLED)
        .order_by()
        .values("service_type")
        .annotate(n=Count("case", distinct=True))
    )
    return {row["service_type"]: row["n"] for row in rows}


def outcomes_by_instrument(query: CaseloadQuery) -> dict[str, dict[str, int]]:
    """Instrument → {improvement, none, deterioration} → cases of the caseload with two or more complete
    measurements administered within [start, end), comparing the first with the last of them by the
    instrument's own change rule (polarity: lower is better on PHQ-9, GAD-7, PCL-5)."""
    from jisr.outcomes.instruments import INSTRUMENTS
    from jisr.outcomes.models import Measurement

    rows = (
        Measurement.objects.filter(
            _in_caseload(query, "case__"),
            administered_on__gte=query.start,
            administered_on__lt=query.end,
            score__isnull=False,
        )
        .order_by("case_id", "instrument", "administered_on", "created_at")
        .values_list("case_id", "instrument", "score")
    )
    first_last: dict[tuple[object, str], list[int]] = {}
    for case_id, instrument, score in rows:
        pair = first_last.setdefault((case_id, instrument), [score, score, 0])
        pair[1] = score
        pair[2] += 1
    out: dict[str, dict[str, int]] = {code: dict.fromkeys(OUTCOME_DIRECTIONS, 0) for code in INSTRUMENTS}
    for (_case, instrument), (first, last, n) in first_last.items():
        if n < 2 or instrument not in INSTRUMENTS:
            continue
        direction = INSTRUMENTS[instrument].change(first, last).direction
        if direction is not None:
            out[instrument][direction.value] += 1
    return out
