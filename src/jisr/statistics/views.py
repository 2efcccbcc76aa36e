"""Screens and downloads of statistics. Thin: authorise, call a selector or service, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from jisr.accounts.mfa import second_factor_recently
from jisr.accounts.models import Organisation
from jisr.audit.services import audit_record
from jisr.crypto.normalise import normalise_digits
from jisr.statistics import labels, services
from jisr.statistics import selectors as sel
from jisr.statistics.core import disclosure
from jisr.statistics.core.dp import MAX_EPSILON, MIN_EPSILON, BudgetExceededError
from jisr.statistics.core.kanon import KAnonymityError
from jisr.statistics.core.periods import Quarter
from jisr.statistics.forms import PeriodForm, QuarterForm, ReleaseContributorsForm
from jisr.statistics.models import PrivacyBudget, PrivacyLedgerEntry, Release, ReleaseStatus


def _period(request: HttpRequest, organisation: Organisation) -> tuple[sel.CaseloadQuery, PeriodForm | QuarterForm]:
    """The period asked for, and the form that read it.

    Coordinators: ?start= (first day) and ?to= (last day included), typed day first or ISO, Eastern
    digits accepted; else the last 12 months in the organisation's calendar. The query's end is the day
    after `to` (half-open, as every number and drill-down counts). With the form's errors, the default.

    Analysts: ?period= one of the whole quarters that are over (`sel.analyst_periods`); else the last of
    them. A request with days, or with a quarter not offered, is refused (the form has errors); a page
    then shows the last quarter and says so, a file or a release is not made (`_query`)."""
    if sel.is_analyst(request.user):  # type: ignore[arg-type]
        chosen = QuarterForm(request.GET or None, quarters=sel.analyst_periods(organisation))
        quarter = chosen.quarter() or chosen.default()
        assert quarter is not None  # ANALYST_QUARTERS ≥ 1
        return sel.CaseloadQuery.of_quarter(organisation, quarter), chosen
    default = sel.CaseloadQuery.last_months(organisation)
    form = PeriodForm(request.GET or None, default_start=default.start, default_end=default.end)
    start, end = form.bounds()
    return sel.CaseloadQuery(organisation.pk, start, end), form


def _query(request: HttpRequest, organisation: Organisation) -> sel.CaseloadQuery:
    """`_period` for links and downloads: nothing is computed for a period that cannot be read (404) or
    that an analyst may not ask for (PeriodNotOfferedError: a refusal, see `_refusing_other_periods`)."""
    query, form = _period(request, organisation)
    if form.is_bound and not form.is_valid():
        if isinstance(form, QuarterForm):
            raise sel.PeriodNotOfferedError("not one of the analyst's quarters")
        raise Http404
    return query


def _refusing_other_periods(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view`, answering an analyst's request for a period that is not one of her quarters with a
    refusal (400) that says what she may ask for: nothing computed, nothing written."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except sel.PeriodNotOfferedError:
            return _error(request, _period_refusal(), 400)

    return wrapped


def _period_refusal() -> str:
    return _(
        "Analysts' figures are given for whole calendar quarters that are over: choose one from the list"
        " on the statistics pages."
    )


def _period_context(query: sel.CaseloadQuery, form: PeriodForm | QuarterForm) -> dict[str, Any]:
    """What every statistics page says of its period: the sentence, what it says when the period asked
    for was not used, and the query string of links that must count exactly the same cases (first and
    last day, ISO: read back to the same bounds; for an analyst, the quarter)."""
    last_day = query.end - dt.timedelta(days=1)
    if isinstance(form, QuarterForm):
        quarter = Quarter.of(query.start)
        period_qs = urlencode({"period": quarter.code})
        fallback = _("This period is not offered: these are the figures of the last quarter that is over.")
    else:
        period_qs = urlencode({"start": query.start.isoformat(), "to": last_day.isoformat()})
        fallback = _("The period above could not be read: these are the figures of the last 12 months.")
    return {
        "query": query,
        "last_day": last_day,
        "period_form": form,
        "period_sentence": labels.period(query.start, last_day),
        "period_fallback": fallback,
        "period_qs": period_qs,
    }


def _file(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'  # no personal data in file names
    response["Cache-Control"] = "no-store"
    return response


CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


DASHBOARD_DIMENSIONS = ("trm_stage", "exploitation", "sex", "age_band", "nationality")


def _chart(rows: list[tuple[str, int | None]], marker: str) -> dict[str, Any]:
    """A one-series bar chart of categories, drawn as horizontal bars (long labels, e.g. forms of
    exploitation, wrap beside their bar instead of being clipped under it); a withheld count is drawn as
    nothing (null) and its label says so."""
    return _drawn(
        {
            "type": "bar",
            "horizontal": True,
            "labels": [
                labels.isolated(label) if n is not None else f"{labels.isolated(label)} ({marker})" for label, n in rows
            ],
            "datasets": [{"label": _("Cases"), "data": [n for _l, n in rows]}],
        }
    )


def _drawn(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with `empty`: "withheld" when every count is withheld or zero and some are withheld (an
    analyst would see bare axes: the page says why instead), "none" when there is nothing to draw
    (every count 0), else ""."""
    data = [v for dataset in spec["datasets"] for v in dataset["data"]]
    if any(v for v in data):
        spec["empty"] = ""
    else:
        spec["empty"] = "withheld" if None in data else "none"
    return spec


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Coordinators see the counts and may open the cases behind a number; analysts see every count —
    tables, totals, charts, the months — with small cells and their complements withheld, for one of the
    whole quarters that are over (the months of the quarter inside it)."""
    org = sel.require_statistics(request.user)  # type: ignore[arg-type]
    query, period_form = _period(request, org)
    suppress = sel.is_analyst(request.user)  # type: ignore[arg-type]
    threshold = services.suppression_threshold()
    marker = labels.withheld()
    shown = sel.shown_breakdowns(query, DASHBOARD_DIMENSIONS, threshold if suppress else None)
    over_time = sel.shown_over_time(query, threshold if suppress else None)
    stage_labels = sel.dimension_labels("trm_stage")
    months = {m: _month(m) for m in over_time["months"]}
    charts = {
        "over_time": _drawn(
            {
                "type": "bar",
                "stacked": True,
                "labels": list(months.values()),
                "datasets": [
                    {"label": stage_labels.get(s, s), "data": [values[i] for _m, values, _t in over_time["rows"]]}
                    for i, s in enumerate(over_time["stages"])
                ],
            }
        ),
        **{dim: _chart([(label, n) for _c, label, n in b.rows], marker) for dim, b in shown.items()},
    }
    titles = {
        "trm_stage": _("By TRM stage"),
        "exploitation": _("By form of exploitation"),
        "sex": _("By sex"),
        "age_band": _("By age band at opening"),
        "nationality": _("By nationality"),
    }
    care = _care_sections(query, suppress=suppress)
    return render(
        request,
        "statistics/dashboard.html",
        {
            **_period_context(query, period_form),
            "charts": charts,
            "care_sections": care,
            "suppressed_for_analyst": suppress,
            "withheld_note": labels.withheld_note(threshold),
            "empty_notes": _empty_notes(threshold),
            "sections": [(d, titles[d], b.rows, b.cases, charts[d]) for d, b in shown.items()],
            "withheld_whole": [d for d, b in shown.items() if b.withheld_whole],
            "withheld_whole_note": labels.table_withheld(),
            "over_time": {
                "stages": [stage_labels.get(s, s) for s in over_time["stages"]],
                "rows": [(months[m], values, total) for m, values, total in over_time["rows"]],
            },
            "may_drill": request.user.role == "coordinator",
        },
    )


def _month(value: str) -> str:
    """"2025-12" (a month of `caseload_over_time`) as month/year, like the dates: "12/2025"."""
    year, month = value.split("-")
    return f"{month}/{year}"


def _empty_notes(threshold: int) -> dict[str, str]:
    """What the page shows instead of a chart with nothing to draw (see `_drawn`)."""
    return {
        "withheld": _("All counts in this chart are below %(n)s or would reveal one: there is nothing to draw.")
        % {"n": threshold},
        "none": _("No cases to draw for this period."),
    }


def _shown(values: list[int], suppress: bool) -> list[int | None]:
    """The counts as shown: for an analyst, small cells and their complements withheld (None)."""
    if not suppress:
        return list(values)
    shown, _total = disclosure.suppress_series(values, services.suppression_threshold())
    return shown


def _care_sections(query: sel.CaseloadQuery, *, suppress: bool) -> list[dict[str, Any]]:
    """ "Services delivered" and "Outcomes" (tables and charts). Analysts see them with small cells
    withheld, like every aggregate that reaches them; coordinators see the counts."""
    from jisr.care.models import ServiceType
    from jisr.outcomes.selectors import instrument_name

    delivered = sel.services_delivered(query)
    types = [(str(k), str(v)) for k, v in ServiceType.choices]
    types += [(k, k) for k in delivered if k not in dict(types)]
    values = _shown([delivered.get(k, 0) for k, _l in types], suppress)
    service_rows = [(label, v) for (_k, label), v in zip(types, values, strict=True)]
    outcomes = sel.outcomes_by_instrument(query)
    names = {
        "improvement": _("Improved"),
        "none": _("No change"),
        "deterioration": _("Worse"),
    }
    # In the reader's language, as on the case's outcome screen (the instruments module keeps the English).
    instruments = [(code, instrument_name(code)) for code in outcomes]
    cells = {code: _shown([outcomes[code][d] for d in sel.OUTCOME_DIRECTIONS], suppress) for code in outcomes}
    outcome_rows = [(name, cells[code]) for code, name in instruments]
    return [
        {
            "id": "services",
            "title": _("Services delivered (cases per type of service started in the period)"),
            "columns": [_("Cases")],
            "rows": [(label, [v]) for label, v in service_rows],
            "chart": _chart(service_rows, labels.withheld()),
        },
        {
            "id": "outcomes",
            "title": _("Outcomes (cases with two or more complete measurements in the period: first against last)"),
            "columns": [names[d] for d in sel.OUTCOME_DIRECTIONS],
            "rows": outcome_rows,
            "chart": _drawn(
                {
                    "type": "bar",
                    "horizontal": True,
                    "labels": [name for _c, name in instruments],
                    "datasets": [
                        {"label": names[d], "data": [cells[code][i] for code, _n in instruments]}
                        for i, d in enumerate(sel.OUTCOME_DIRECTIONS)
                    ],
                }
            ),
        },
    ]


@login_required
@require_GET
def drilldown(request: HttpRequest) -> HttpResponse:
    """The cases behind a number (coordinators only; an analyst gets 404): masked as everywhere else, and
    audited as one `case.list_view` event naming the cases listed (ids only); nothing for an empty list."""
    org = sel.require_statistics(request.user)  # type: ignore[arg-type]
    if request.user.role != "coordinator":  # type: ignore[union-attr]
        raise Http404  # an analyst never gets a list of cases (sel.drill_down refuses it too)
    query, form = _period(request, org)
    if form.is_bound and not form.is_valid():
        raise Http404
    dimension, value = request.GET.get("dimension", "trm_stage"), request.GET.get("value", "identification")
    cases = list(sel.drill_down(request.user, query, dimension, value))  # type: ignore[arg-type]
    count = len(cases)
    if cases:
        # A list of cases is a read of each of them, on record as the other lists are (case.list_view): the
        # ids shown, and the dimension — not the category, which beside the ids would say it of each case.
        audit_record(
            actor=request.user,
            action="case.list_view",
            organisation=org,
            details={"source": "statistics.drilldown", "dimension": dimension, "cases": [str(c.pk) for c in cases]},
        )
    return render(
        request,
        "statistics/drilldown.html",
        {
            **_period_context(query, form),
            "cases": cases,
            "dimension_label": labels.label(labels.DIMENSIONS, dimension),
            "label": sel.value_label(dimension, value),
            "count": count,
            "count_sentence": ngettext("%(n)s case", "%(n)s cases", count) % {"n": count},
        },
    )


@login_required
@require_GET
def context(request: HttpRequest) -> HttpResponse:
    sel.require_statistics(request.user)  # type: ignore[arg-type]
    countries = []
    for iso3, name in sel.CONTEXT_COUNTRIES.items():
        blocks = []
        for dim, title in (
            ("form", _("Detected victims by form of exploitation")),
            ("sex", _("Detected victims by sex")),
            ("age", _("Detected victims by age")),
        ):
            data = sel.glotip_victims(iso3, dim)
            years = sorted({y for series in data.values() for y in series})
            rows = [(labels.label(labels.GLOTIP, cat), [data[cat].get(y) for y in years]) for cat in sorted(data)]
            chart = {
                "type": "line",
                "labels": years,
                "datasets": [
                    {
                        "label": labels.label(labels.GLOTIP, cat),
                        "data": [data[cat].get(y, (None, None))[0] for y in years],
                    }
                    for cat in sorted(data)
                ],
            }
            blocks.append({"id": f"{iso3}-{dim}", "title": title, "years": years, "rows": rows, "chart": chart})
        countries.append({"iso3": iso3, "name": _(name), "blocks": blocks})
    patterns = [
        (
            labels.label(labels.CTDC, region),
            [
                (
                    labels.label(labels.CTDC, form),
                    p,
                    [(labels.label(labels.CTDC, rel), n) for rel, n in p["relation"].items()],  # type: ignore[attr-defined]
                )
                for form, p in sel.ctdc_patterns(region).items()
            ],
        )
        for region in ("Africa", "Europe")
    ]
    return render(request, "statistics/context.html", {"countries": countries, "patterns": patterns})


@login_required
@require_GET
def exports(request: HttpRequest) -> HttpResponse:
    return _exports_page(request)


def _exports_page(request: HttpRequest) -> HttpResponse:
    """The exports page: the files and releases of the period chosen on it (a coordinator's days, an
    analyst's quarter; see `_period`), which its links and forms carry once one was chosen (before, they
    give none and the files are of the same default period)."""
    org = sel.require_statistics(request.user)  # type: ignore[arg-type]
    query, period_form = _period(request, org)
    budget = PrivacyBudget.objects.filter(organisation=org).first()
    ledger = PrivacyLedgerEntry.objects.filter(organisation=org)
    spent = sum((e.epsilon for e in ledger), Decimal(0))
    releases = Release.objects.filter(contributors=org).prefetch_related("approvals")
    return render(
        request,
        "statistics/exports.html",
        {
            **_period_context(query, period_form),
            "tables": [(t, labels.label(labels.TABLES, t)) for t in services.TABLES],
            "dp_dimensions": [
                (d, labels.label(labels.DIMENSIONS, d)) for d in ("sex", "trm_stage", "age_band", "nationality")
            ],
            "ledger": [(e, labels.label(labels.DIMENSIONS, e.table), labels.epsilon(e.epsilon)) for e in ledger[:20]],
            "release_rows": [(r, labels.label(labels.TABLES, r.table)) for r in releases],
            "spent": labels.epsilon(spent),
            "total": labels.epsilon(
                budget.total_epsilon if budget else PrivacyBudget._meta.get_field("total_epsilon").default
            ),
            "releases": releases,
            "is_analyst": sel.is_analyst(request.user),  # type: ignore[arg-type]
            "is_coordinator": request.user.role == "coordinator",
            "organisations": Organisation.objects.exclude(pk=org.pk),
            "threshold": services.suppression_threshold(),
            "withheld_note": labels.withheld_note(services.suppression_threshold()),
            "marker": labels.withheld(),
            "org": org,
        },
    )


@login_required
@require_GET
@second_factor_recently
@_refusing_other_periods
def export_aggregate(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    org = sel.require_statistics(request.user)  # type: ignore[arg-type]
    if table not in services.TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    data = services.export_aggregate(
        actor=request.user,
        organisation=org,
        table=table,
        fmt=fmt,  # type: ignore[arg-type]
        query=_query(request, org),
    )
    return _file(data, CSV if fmt == "csv" else XLSX, f"jisr-{table}.{fmt}")


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "statistics/refused.html", {"message": message}, status=status)


@login_required
@require_POST
@second_factor_recently
@_refusing_other_periods
def export_microdata(request: HttpRequest) -> HttpResponse:
    org = sel.require_analyst(request.user)  # type: ignore[arg-type]
    query = _query(request, org)
    try:
        k = int(normalise_digits(request.POST.get("k", "11")).strip())
        if k < services.minimum_k():
            raise ValueError
        data = services.export_microdata(actor=request.user, organisation=org, query=query, k=k)  # type: ignore[arg-type]
    except KAnonymityError as exc:  # nothing was written
        return _error(request, _kanon_message(exc), 409)
    except services.OverlappingReleaseError as exc:
        return _error(request, _same_period_message() if exc.same else _overlap_message(), 409)
    except sel.PeriodNotOfferedError:
        raise
    except ValueError:
        message = _(
            "k must be a whole number of at least %(min)s, the threshold below which the tables withhold counts."
        ) % {"min": services.minimum_k()}
        return _error(request, message, 400)
    return _file(data, CSV, f"jisr-microdata-k{k}.csv")


def _same_period_message() -> str:
    return _(
        "A microdata file was already released for this period: one file per period is released, since two"
        " files of the same cases, generalised differently, could be lined up to single out cases."
    )


def _overlap_message() -> str:
    return _(
        "A microdata file was released for a period that overlaps this one: the records in one file and not"
        " in the other would be the few cases of the days between them, so this file is not released."
    )


def _kanon_message(exc: KAnonymityError) -> str:
    """Why no microdata could be released, in the reader's language (the exception's text is English)."""
    if exc.reason == "too_few":
        return ngettext(
            "%(n)s record in this period: a release needs at least k = %(k)s, so nothing can be released.",
            "%(n)s records in this period: a release needs at least k = %(k)s, so nothing can be released.",
            exc.records,
        ) % {"n": exc.records, "k": exc.k}
    if exc.reason == "suppression":
        return _(
            "k = %(k)s cannot be reached without leaving out more than %(share)s of the records, even with every"
            " value generalised as far as it goes. Try a smaller k or a longer period."
        ) % {"k": exc.k, "share": f"{exc.max_suppression:.0%}"}
    if exc.reason == "check":
        return _(
            "The independent check (pycanon) measured k = %(measured)s, below k = %(k)s: the export was refused."
        ) % {"measured": exc.measured, "k": exc.k}
    return _("k-anonymity cannot be reached for this period.")


@login_required
@require_POST
@second_factor_recently
@_refusing_other_periods
def dp_release(request: HttpRequest) -> HttpResponse:
    org = sel.require_analyst(request.user)  # type: ignore[arg-type]
    query = _query(request, org)
    try:
        epsilon = Decimal(normalise_digits(request.POST.get("epsilon", "0.5")).strip())
        dimension = request.POST.get("dimension", "sex")
        data, _entry = services.dp_release(
            actor=request.user,
            organisation=org,
            dimension=dimension,  # type: ignore[arg-type]
            query=query,
            epsilon=epsilon,
        )
    except BudgetExceededError as exc:
        return _error(request, _budget_message(exc), 409)
    except sel.PeriodNotOfferedError:
        raise
    except (ValueError, InvalidOperation):
        return _error(
            request,
            _("Choose a table and an ε from %(min)s to %(max)s, with at most 4 decimals.")
            % {"min": labels.epsilon(MIN_EPSILON), "max": labels.epsilon(MAX_EPSILON)},
            400,
        )
    return _file(data, CSV, f"jisr-dp-{dimension}.csv")


def _budget_message(exc: BudgetExceededError) -> str:
    if exc.requested is None or exc.left is None or exc.total is None:
        return _("Refused: the noise mechanism would spend more of the privacy budget than it is charged.")
    return _(
        "Refused: this table would spend ε = %(requested)s, and only %(left)s of the privacy budget of"
        " ε = %(total)s is left."
    ) % {
        "requested": labels.epsilon(exc.requested),
        "left": labels.epsilon(exc.left),
        "total": labels.epsilon(exc.total),
    }


@login_required
@require_POST
def release_request(request: HttpRequest) -> HttpResponse:
    """Request a shared release: naming organisations of the instance (400 for an id that is not one:
    tampered, empty), of a calendar year that is over (400 otherwise), not a second one of the same table,
    year and organisations, and none naming an organisation that already takes part in a release of the
    year with others or of the table (409): nothing stored on a refusal."""
    org = sel.require_analyst(request.user)  # type: ignore[arg-type]
    named = ReleaseContributorsForm({"contributors": request.POST.getlist("contributors")})
    if not named.is_valid():
        return _error(request, " ".join(named.errors["contributors"]), 400)
    contributors = [org, *(o for o in named.organisations() if o.pk != org.pk)]
    try:
        year = normalise_digits(request.POST.get("year", str(services.last_completed_year(contributors)))).strip()
        services.release_request(
            actor=request.user,
            table=request.POST.get("table", "sex_by_stage"),  # type: ignore[arg-type]
            year=int(year),
            contributors=contributors,
        )
    except services.ReleaseYearNotOverError as exc:
        return _error(request, _year_not_over_message(exc), 400)
    except services.DuplicateReleaseError as exc:
        return _error(request, _duplicate_release_message(exc), 409)
    except services.ContributorTakenError as exc:
        return _error(request, _contributor_taken_message(exc), 409)
    except ValueError:
        return _error(request, _("Choose a table and a year."), 400)
    messages.success(request, _("Release requested: every contributing organisation must approve it."))
    return _exports_page(request)  # 200 with the updated list (a redirect would read as a refusal in the matrix)


def _year_not_over_message(exc: services.ReleaseYearNotOverError) -> str:
    return _(
        "A shared release covers a calendar year that is over: %(year)s is not over yet, and the last year"
        " that can be released is %(last)s. The table of a year still running changes as cases are entered,"
        " and two copies of it would single out the new cases."
    ) % {"year": exc.year, "last": exc.last}


def _duplicate_release_message(exc: services.DuplicateReleaseError) -> str:
    return _(
        "A release of this table for %(year)s with the same organisations already exists: it is the one"
        " everyone gets. A second one would be a second snapshot of the same year, and comparing the two would"
        " single out the cases entered or corrected in between."
    ) % {"year": exc.existing.year}


def _contributor_taken_message(exc: services.ContributorTakenError) -> str:
    """Why the reader's own organisation may not request or approve this release: one of its own releases
    (requested or approved by it) is in the way. Never anything of where other organisations take part."""
    return _(
        "Your organisation already takes part in the shared release of the table “%(table)s” for %(year)s,"
        " which it requested or approved. An organisation takes part in one shared release per table and"
        " year, and in the releases of a year always with the same organisations: releases of groups that"
        " share some organisations and not others could be subtracted from each other to single out the cases"
        " of the others. Withdraw or decline that release first, if it is still waiting for approvals."
    ) % {
        "table": labels.label(labels.TABLES, exc.existing.table),
        "year": exc.existing.year,
    }


def _not_pending_message() -> str:
    return _(
        "This release no longer waits for approvals: an approved release cannot be withdrawn or declined, and"
        " a withdrawn or declined one cannot be approved."
    )


def _not_disclosable_message(exc: services.ReleaseNotDisclosableError, *, approving: bool) -> str:
    """Why the table of a release cannot be released, in the reader's language (no count named); at an
    approval, that the approval was not recorded."""
    message = _(
        "The table “%(table)s” for %(year)s cannot be published in this shared release: even with its small"
        " counts withheld, one of them could be worked out from the counts the table must show, so nothing is"
        " published rather than a count that singles out a few people."
    ) % {"table": labels.label(labels.TABLES, exc.release.table), "year": exc.release.year}
    if approving:
        message += " " + _("Your approval was not recorded and the release stays pending.")
    return message


def _release_for(request: HttpRequest, pk: Any) -> Release:
    org = sel.require_statistics(request.user)  # type: ignore[arg-type]
    return get_object_or_404(Release.objects.filter(contributors=org), pk=pk)


@login_required
@require_POST
def release_approve(request: HttpRequest, pk: Any) -> HttpResponse:
    """Approve; the last approval takes the snapshot every download gives (409 if its year is not over, a
    release requested before that was required, or if the table cannot pass its suppression check:
    nothing recorded)."""
    release = _release_for(request, pk)
    if request.user.role != "coordinator":
        raise Http404
    try:
        services.release_approve(actor=request.user, release=release)  # type: ignore[arg-type]
    except services.ReleaseYearNotOverError as exc:
        return _error(request, _year_not_over_message(exc), 409)
    except services.ReleaseNotDisclosableError as exc:
        return _error(request, _not_disclosable_message(exc, approving=True), 409)
    except services.ContributorTakenError as exc:
        return _error(request, _contributor_taken_message(exc), 409)
    except services.ReleaseNotPendingError:
        return _error(request, _not_pending_message(), 409)
    messages.success(request, _("Approval recorded."))
    return _exports_page(request)


@login_required
@require_POST
def release_withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    """Withdraw (the requesting organisation: analysts and coordinators) or decline (another contributing
    organisation: coordinators) a release waiting for approvals: it is never published, and frees its
    table, year and organisations. 409 once it no longer waits (nothing stored); 404 for anyone else."""
    release = _release_for(request, pk)
    try:
        release = services.release_withdraw(actor=request.user, release=release)  # type: ignore[arg-type]
    except services.ReleaseNotPendingError:
        return _error(request, _not_pending_message(), 409)
    except ValueError:
        raise Http404 from None
    if release.status == ReleaseStatus.WITHDRAWN:
        messages.success(request, _("Release withdrawn: it will not be published."))
    else:
        messages.success(request, _("Release declined: it will not be published."))
    return _exports_page(request)


@login_required
@require_GET
@second_factor_recently
def release_download(request: HttpRequest, pk: Any) -> HttpResponse:
    """The snapshot taken at approval: the same bytes at every download (409 while approvals are missing,
    or for a release approved before snapshots whose table cannot be frozen now: nothing stored)."""
    release = _release_for(request, pk)
    from jisr.common.errors import StateError

    try:
        data = services.release_file(actor=request.user, release=release)  # type: ignore[arg-type]
    except services.ReleaseYearNotOverError as exc:
        return _error(request, _year_not_over_message(exc), 409)
    except services.ReleaseNotDisclosableError as exc:
        return _error(request, _not_disclosable_message(exc, approving=False), 409)
    except StateError:
        message = _("Every contributing organisation must approve this release before it is downloaded.")
        return _error(request, message, 409)
    return _file(data, CSV, f"jisr-release-{release.table}-{release.year}.csv")


@login_required
@require_GET
@second_factor_recently
@_refusing_other_periods
def donor_report(request: HttpRequest) -> HttpResponse:
    org = sel.require_statistics(request.user)  # type: ignore[arg-type]
    data = services.donor_report(
        actor=request.user,
        organisation=org,
        query=_query(request, org),  # type: ignore[arg-type]
        language=translation.get_language() or "ar",
    )
    return _file(data, "application/pdf", "jisr-donor-report.pdf")
