"""Outcomes page of a case: record a measurement, see the trajectory chart (Chart.js, vendored) with
significant-change marks, acknowledge a safety alert. Thin: selectors and services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.accounts.models import User
from jisr.care.views import see_other
from jisr.cases.models import CaseStatus
from jisr.cases.selectors import case_get_for_user
from jisr.common.errors import DomainError, StateError
from jisr.outcomes import selectors as sel
from jisr.outcomes import services as svc
from jisr.outcomes.forms import MeasurementForm
from jisr.outcomes.instruments import INSTRUMENTS


@login_required
def case_outcomes(request: HttpRequest, case_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    case = case_get_for_user(user, case_id, log_read=request.method == "GET")
    can_write = user.capabilities.write_cases and user.organisation == case.organisation
    erased = case.person.is_erased
    instrument = request.POST.get("instrument") or request.GET.get("instrument") or "who-5"
    if instrument not in INSTRUMENTS:
        instrument = "who-5"
    form = MeasurementForm(instrument=instrument)
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        form = MeasurementForm(request.POST, instrument=instrument)
        status = 400
        if erased:  # the form is not offered (the page shows a notice instead); the service refuses too
            status = 409
        elif form.is_valid():
            answers = form.answers()
            if form.is_valid():  # item errors are added while parsing
                try:
                    m = svc.measurement_record(actor=user, case=case, instrument=instrument, answers=answers,
                                               administered_on=form.cleaned_data["administered_on"])
                except (DomainError, ValueError) as exc:
                    status = 409 if isinstance(exc, StateError) else 400
                    form.add_error(None, _("This is not possible in the record's current state.")
                                   if isinstance(exc, StateError) else
                                   _("The request could not be completed: please check what you entered."))
                else:
                    if hasattr(m, "safety_alert"):
                        messages.error(request, _("Safety alert: item 9 of the PHQ-9 was answered above 0. "
                                                  "Start the same-day safety protocol; the supervisor was alerted."))
                    messages.success(request, _("Measurement recorded."))
                    return see_other(reverse("outcomes:case_outcomes", kwargs={"case_id": case.pk})
                                     + f"?instrument={instrument}")
    trajectories = sel.trajectories(case)
    alerts = case.safety_alerts.select_related("measurement", "acknowledged_by")
    return render(request, "outcomes/case_outcomes.html", {
        "case": case,
        "form": form,
        "instrument": instrument,
        "instruments": [(code, sel.instrument_name(code)) for code in INSTRUMENTS],
        "instrument_name": sel.instrument_name(instrument),
        "trajectories": trajectories,
        "chart_data": [t.chart_data() for t in trajectories],
        "alerts": alerts,
        "can_write": can_write and case.status == CaseStatus.OPEN and not erased,
        # An alert raised before the erasure is still acknowledged (it records no data about her).
        "can_acknowledge": can_write and case.status == CaseStatus.OPEN,
        "erased": erased,
    }, status=status)


@login_required
@require_POST
def alert_ack(request: HttpRequest, case_id: str, alert_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_get_for_user(user, case_id, log_read=False)
    alert = sel.safety_alert_get(user, case, alert_id)
    if not (user.capabilities.write_cases and user.organisation == case.organisation):
        raise PermissionDenied
    try:
        svc.safety_alert_acknowledge(actor=user, alert=alert)
    except (DomainError, ValueError):
        messages.error(request, _("This is not possible in the record's current state."))
        return redirect("outcomes:case_outcomes", case_id=case.pk)
    messages.success(request, _("Alert acknowledged."))
    return see_other(reverse("outcomes:case_outcomes", kwargs={"case_id": case.pk}))
