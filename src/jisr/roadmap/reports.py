"""The roadmap as a PDF report (ar / fr / es; Arabic shaped and laid out right to left by
common.pdf) and as an XLSX workbook (common.exports: formula-safe cells, RTL sheets in Arabic)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jisr.common.exports import to_xlsx
from jisr.common.pdf import render_pdf
from jisr.roadmap import selectors
from jisr.roadmap.models import ActionStatus, Profession, text_in


def _blocked_reason(action: Any) -> str:
    rows = [c for c in action.status_history.all() if c.status == action.status]
    return rows[-1].reason if rows else ""


def report_context(user: Any, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the report shows, read through the scoped selectors (Http404 for a non-reader)."""
    now = now or timezone.now()
    board = selectors.dashboard(user, now=now)
    recommendations = list(selectors.recommendations_for(user).prefetch_related("actions__lead_organisation"))
    areas = []
    for progress in board.by_area:
        recs = [r for r in recommendations if r.area_id == progress.area.pk]
        if recs or progress.area.active:
            areas.append({"progress": progress, "recommendations": recs})
    actions = list(selectors.actions_for(user).prefetch_related("indicators__measurements", "status_history"))
    trainings = list(selectors.trainings_for(user))
    by_profession: dict[str, int] = {}
    for training in trainings:
        for row in training.attendance.all():
            by_profession[row.profession] = by_profession.get(row.profession, 0) + row.count
    return {
        "board": board,
        "areas": areas,
        "actions": actions,
        "blocked": [(a, _blocked_reason(a)) for a in board.blocked],
        "events": list(selectors.events_for(user)),
        "trainings": trainings,
        "attendance_by_profession": [(Profession(p).label, n) for p, n in sorted(by_profession.items())],
        "generated_on": timezone.localdate(now),
    }


def roadmap_pdf(user: Any, *, language: str, now: dt.datetime | None = None) -> bytes:
    """The roadmap report as PDF bytes in `language` (ar, fr or es)."""
    return render_pdf("roadmap/report_pdf.html", report_context(user, now=now), language=language)


def roadmap_xlsx(user: Any, *, language: str) -> bytes:
    """The roadmap as an XLSX workbook: recommendations, actions, indicators, trainings, practices.
    Headers and labels in `language`; recommendation texts in all three languages."""
    with translation.override(language):
        recs = selectors.recommendations_for(user).prefetch_related("actions")
        rec_rows = [[r.reference, r.event.title, r.area.name, str(r.get_scope_display()),
                     str(r.get_priority_display()), r.addressee, r.text_ar, r.text_fr, r.text_es, r.n_actions,
                     "; ".join(a.title for a in r.actions.all())] for r in recs]
        actions = selectors.actions_for(user).prefetch_related("indicators__measurements", "status_history")
        action_rows, indicator_rows = [], []
        for a in actions:
            action_rows.append([
                a.title, a.lead_organisation.name, ", ".join(p.name for p in a.partners.all()), a.other_partners,
                a.start_on, a.due_on, str(a.get_status_display()),
                _blocked_reason(a) if a.status in (ActionStatus.BLOCKED, ActionStatus.DROPPED) else "",
                "; ".join(r.reference or r.text[:40] for r in a.recommendations.all()),
            ])
            for ind in a.indicators.all():
                latest = ind.latest
                indicator_rows.append([a.title, ind.name, ind.unit, ind.baseline, ind.target,
                                       latest.value if latest else None, latest.measured_on if latest else None])
        training_rows = []
        for t in selectors.trainings_for(user):
            for row in t.attendance.all():
                training_rows.append([t.title, t.organiser.name, t.starts_on, str(t.country.name),
                                      row.organisation_label, str(row.get_profession_display()), row.count])
        practice_rows = [[p.title, p.organisation_label, str(p.country.name), p.area.name, ", ".join(p.tags),
                          p.link, p.summary] for p in selectors.practices_search(user)]
        sheets = {
            _("Recommendations"): ([_("Reference"), _("Source event"), _("Strategic area"), _("Country scope"),
                                    _("Priority"), _("Addressed to"), _("Text (Arabic)"), _("Text (French)"),
                                    _("Text (Spanish)"), _("Actions"), _("Action titles")], rec_rows),
            _("Actions"): ([_("Title"), _("Lead organisation"), _("Partner organisations"),
                            _("Other partners (not on Jisr)"), _("Start date"), _("Due date"), _("Status"),
                            _("Reason"), _("Recommendations")], action_rows),
            _("Indicators"): ([_("Action"), _("Indicator"), _("Unit"), _("Baseline"), _("Target"),
                               _("Latest value"), _("Measured on")], indicator_rows),
            _("Trainings"): ([_("Training"), _("Organiser"), _("Start date"), _("Country"), _("Organisation"),
                              _("Professional role"), _("Number of people")], training_rows),
            _("Good practices"): ([_("Title"), _("Organisation"), _("Country"), _("Strategic area"), _("Tags"),
                                   _("Link"), _("Summary")], practice_rows),
        }
        return to_xlsx(sheets, rtl=translation.get_language_bidi())


__all__ = ["report_context", "roadmap_pdf", "roadmap_xlsx", "text_in"]
