"""Vocabulary of the authorisation matrix (see test_matrix.py).

Each app lists its routes in `tests/authorisation/routes_<app>.py` as `ROUTES: dict[str, Route]`, keyed
by the URL name (`namespace:name`). A route missing from every ROUTES makes the matrix test fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "anonymous",
    "ma_case_worker",
    "ma_case_worker_2",
    "ma_supervisor",
    "ma_other_supervisor",
    "ma_coordinator",
    "ma_focal_point",
    "ma_analyst",
    "ma_roadmap",
    "es_case_worker",
    "es_supervisor",
    "outsider",
)
MA_CASE_TEAM = ("ma_case_worker", "ma_supervisor", "ma_coordinator")  # who may read the world's MA case
MA_WRITERS = ("ma_case_worker", "ma_supervisor")  # who may change it
STAFF = tuple(p for p in PERSONAS if p != "anonymous")


def case_version(w: Any) -> int:
    """The world's case version as stored now: a case write carries the version its page showed
    (required: optimistic locking)."""
    from jisr.cases.models import Case

    return Case.objects.values_list("version", flat=True).get(pk=w.case.pk)  # type: ignore[no-any-return]


def expect(allowed: tuple[str, ...] | list[str], ok: int | tuple[int, ...] = 200, denied: int | tuple[int, ...] = 404,
           anonymous: int | tuple[int, ...] = 302, **overrides: int | tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """Expected status per persona: `ok` for `allowed`, `denied` for the rest, `anonymous` for the
    anonymous visitor (302 to the login page for screens; 403 for the API), `overrides` by name."""
    def t(v: int | tuple[int, ...]) -> tuple[int, ...]:
        return v if isinstance(v, tuple) else (v,)

    table = {p: t(ok) if p in allowed else t(denied) for p in PERSONAS}
    table["anonymous"] = t(anonymous)
    table.update({k: t(v) for k, v in overrides.items()})
    return table


@dataclass
class Route:
    """How to call one URL and what each persona must get.

    `kwargs(world)` gives the URL's arguments; `get`/`post` map persona → accepted status codes
    (None: the method is not offered and must answer 405 or be refused); `data(world)` is the POST body.
    """

    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    get: dict[str, tuple[int, ...]] | None = None
    post: dict[str, tuple[int, ...]] | None = None
    data: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    json: bool = False
