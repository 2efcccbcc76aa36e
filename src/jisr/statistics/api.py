"""Analyst-only API for aggregates. Never a record about a person: every response is counts with small
cells withheld (same suppression as the exports)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jisr.statistics import selectors as sel
from jisr.statistics.core import disclosure
from jisr.statistics.services import suppression_threshold


def _analyst_org(request: Request) -> Any:
    if not sel.is_analyst(request.user) or request.user.organisation is None:  # type: ignore[arg-type,union-attr]
        raise NotFound
    return request.user.organisation  # type: ignore[union-attr]


class CaseloadAggregatesView(APIView):
    """The organisation's caseload over the last 12 months by dimension, suppressed."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        org = _analyst_org(request)
        query = sel.CaseloadQuery.last_months(org)
        threshold = suppression_threshold()
        out: dict[str, Any] = {
            "start": query.start.isoformat(),
            "end": query.end.isoformat(),
            "suppression_threshold": threshold,
            "dimensions": {},
        }
        counted = sel.breakdowns(query, ("trm_stage", "exploitation", "sex", "age_band", "ctdc_age", "nationality"))
        for dim, counts in counted.items():
            rows = sel.ordered(dim, counts)
            values, total = disclosure.suppress_series([n for _k, _l, n in rows], threshold)
            out["dimensions"][dim] = {
                "total": total,
                "cells": [{"code": k, "count": v} for (k, _l, _n), v in zip(rows, values, strict=True)],
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
