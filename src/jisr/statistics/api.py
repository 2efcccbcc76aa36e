"""Analyst-only API for aggregates. Never a record about a person: every response is counts with small
cells withheld (same suppression as the exports)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.statistics import selectors as sel
from jisr.statistics.forms import QuarterForm
from jisr.statistics.services import suppression_threshold

AGE_SCHEMES = {"jisr": "age_band", "ctdc": "ctdc_age"}
"""`?ages=`: the one age scheme a response publishes (Jisr's bands by default, or CTDC's)."""


def api_dimensions(ages: str) -> tuple[str, ...]:
    return ("trm_stage", "exploitation", "sex", AGE_SCHEMES[ages], "nationality")


def _analyst_org(request: Request) -> Any:
    if not sel.is_analyst(request.user) or request.user.organisation is None:  # type: ignore[arg-type,union-attr]
        raise NotFound
    return request.user.organisation  # type: ignore[union-attr]


class CaseloadAggregatesView(APIView):
    """The organisation's caseload over one whole calendar quarter that is over (`?period=2025-Q1`; by
    default the last one; `periods` lists those offered, newest first) by dimension, suppressed exactly
    as on the analyst's dashboard and in the exports (`selectors.suppressed_breakdowns`): a withheld count
    is null. Days (`start`, `to`, `end`) or a quarter not offered are refused (400): a period that moved
    with the day, or one chosen to the day, would let two answers differ by the cases of one day.
    `total` is the number of cases under every dimension — for forms of exploitation too, whose
    cells can add up to more (a case can have several forms; the sum of mentions is not released).

    One age scheme a response (`?ages=jisr`, the default: Jisr's bands, `age_band`; `?ages=ctdc`: CTDC's,
    `ctdc_age`), named in `age_scheme`; another value is refused (400). Whichever is asked for, both are
    suppressed together across their overlaps (`selectors.suppress_counted`), so that the two responses,
    or one of them and the dashboard, never give a small count by subtraction (18–24 − 18–20 − 21–23)."""

    @extend_schema(
        responses={200: dict},
        parameters=[
            OpenApiParameter("period", str, description="A quarter that is over, e.g. 2025-Q1"),
            OpenApiParameter("ages", str, enum=list(AGE_SCHEMES), description="The age scheme: jisr (default) or ctdc"),
        ],
    )
    def get(self, request: Request) -> Response:
        org = _analyst_org(request)
        ages = request.query_params.get("ages") or "jisr"
        if ages not in AGE_SCHEMES:
            raise ValidationError({"ages": [_("Choose the age scheme: jisr or ctdc.")]})
        quarters = sel.analyst_periods(org)
        form = QuarterForm(request.query_params or None, quarters=quarters)
        quarter = form.quarter()
        if quarter is None:
            raise ValidationError({k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()})
        query = sel.CaseloadQuery.of_quarter(org, quarter)
        threshold = suppression_threshold()
        out: dict[str, Any] = {
            "period": quarter.code,
            "periods": [q.code for q in quarters],
            "start": query.start.isoformat(),
            "end": query.end.isoformat(),
            "suppression_threshold": threshold,
            "age_scheme": ages,
            "dimensions": {},
        }
        released = sel.suppressed_breakdowns(query, api_dimensions(ages), threshold)
        for dim, breakdown in released.items():
            out["dimensions"][dim] = {
                "total": breakdown.series.shown_total,
                # every count withheld: no safe pattern of some withheld was found (core.disclosure)
                "withheld_entirely": breakdown.series.fallback,
                "cells": [{"code": code, "count": n} for code, _label, n in sel.shown_rows(breakdown)],
            }
        return Response(out)


class GlotipContextView(APIView):
    """Detected victims in Morocco and Spain (UNODC GLOTIP) as intervals [low, high] per year."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        _analyst_org(request)
        out = {
            iso3: {
                dim: {
                    cat: {str(y): list(v) for y, v in years.items()}
                    for cat, years in sel.glotip_victims(iso3, dim).items()
                }
                for dim in ("form", "sex", "age")
            }
            for iso3 in sel.CONTEXT_COUNTRIES
        }
        return Response(out)
