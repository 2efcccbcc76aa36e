"""Reads of screenings, scoped through the cases the user may see (a screening of a case the user may not
read is a 404: a stranger cannot learn that it exists)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from jisr.accounts.models import User
from jisr.audit.services import audit_record
from jisr.cases.models import Case
from jisr.cases.selectors import cases_visible_to
from jisr.identification.models import Screening, ScreeningResult


def screenings_visible_to(user: User) -> QuerySet[Screening]:
    """Every screening of a case ``user`` may read, newest first."""
    return (
        Screening.objects.filter(case__in=cases_visible_to(user))
        .select_related("case", "case__person", "case__person__data_key", "case__organisation", "recorded_by")
        .order_by("-created_at")
    )


def screening_get_for_user(user: User, screening_id: UUID | str, *, log_read: bool = True) -> Screening:
    """The screening if ``user`` may read its case, else Http404. Logs a ``case.view`` audit event naming
    the screening (every read of a case record is audited); ``log_read=False`` when the caller writes a
    more specific event."""
    try:
        screening = screenings_visible_to(user).get(pk=screening_id)
    except (Screening.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    if log_read:
        audit_record(actor=user, action="case.view", target=screening.case, details={"screening": str(screening.pk)})
    return screening


def screenings_for_case(case: Case) -> QuerySet[Screening]:
    """The screenings of ``case`` (fetched through ``case_get_for_user``), newest first."""
    return case.screenings.select_related("recorded_by").prefetch_related("results").order_by("-created_at")


@dataclass(frozen=True)
class ScreeningSummary:
    """The latest indication of a case and its history, for the case page.

    ``latest``: the newest screening; ``results``: its newest run's rows (one per frame);
    ``history``: every screening, newest first; ``count``: how many."""

    latest: Screening
    results: list[ScreeningResult]
    history: list[Screening] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.history)


def latest_screening_summary(case: Case) -> ScreeningSummary | None:
    """The case's latest indication and history, or None when it was never screened.

    ``case`` must come from ``case_get_for_user`` (which authorised and audited the read)."""
    history = list(screenings_for_case(case))
    if not history:
        return None
    return ScreeningSummary(latest=history[0], results=history[0].latest_results, history=history)
