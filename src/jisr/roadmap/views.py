"""Roadmap screens. Thin: check access (access.py), validate a form, call a selector or a service,
render. A user who may not read the roadmap gets 404 everywhere; a reader who may not write gets 403
on every form and every POST."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jisr.common.errors import ConflictError, PermissionDeniedError, StateError
from jisr.roadmap import forms as f
from jisr.roadmap import reports, selectors, services
from jisr.roadmap.access import may_write_roadmap, require_reader, require_writer
from jisr.roadmap.files import UploadRejected
from jisr.roadmap.models import ActionStatus, CountryScope

# Service messages (English, for developers) → what the user reads.
DOMAIN_MESSAGES = {
    "the action already has this status": gettext_lazy("The action already has this status."),
    "a dropped action cannot change status": gettext_lazy("A dropped action cannot change status."),
    "a reason is needed for blocked or dropped": gettext_lazy("Say why the action is blocked or dropped."),
    "file too large": gettext_lazy("The file is too large."),
    "empty file": gettext_lazy("The file is empty."),
    "file type not accepted": gettext_lazy("This type of file is not accepted."),
    "file content does not match its type": gettext_lazy("The file's content does not match its type."),
    "an event cannot be part of itself or of one of its sessions": gettext_lazy(
        "An event cannot be part of itself or of one of its own sessions."),
    "an event needs a title in at least one language": gettext_lazy("Give the title in at least one language."),
    "the end date is before the start date": gettext_lazy("The end date is before the start date."),
    "the due date is before the start date": gettext_lazy("The due date is before the start date."),
    "an action needs a title": gettext_lazy("Give the action a title."),
}


def _message(exc: Exception) -> str:
    return str(DOMAIN_MESSAGES.get(str(exc), gettext_lazy("The change could not be saved; nothing was changed.")))


def roadmap_view(*, write: bool = False) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Login, then 404 for non-readers; with `write`, 403 for readers who may not write (any method).
    Without `write`, POSTs still need a writer."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_reader(request.user)
            if write or request.method == "POST":
                try:
                    require_writer(request.user)
                except PermissionDeniedError as exc:
                    raise PermissionDenied from exc
            try:
                return view(request, *args, **kwargs)
            except PermissionDeniedError as exc:
                raise PermissionDenied from exc

        return wrapper

    return decorate


class HttpResponseSeeOther(HttpResponseRedirect):
    """303 See Other: the standard answer to a POST that worked (Post/Redirect/Get). It also tells an
    accepted write (303) apart from a refusal or a login redirect (302) in the authorisation matrix."""

    status_code = 303


def _done(viewname: str, **kwargs: Any) -> HttpResponseSeeOther:
    return HttpResponseSeeOther(reverse(viewname, kwargs=kwargs))


def _ctx(request: HttpRequest, **context: Any) -> dict[str, Any]:
    return {"can_write": may_write_roadmap(request.user), **context}


def _form_page(request: HttpRequest, form: Any, title: str, *, multipart: bool = False, back: str = "",
               conflict: list[str] | None = None, status: int = 200) -> HttpResponse:
    return render(request, "roadmap/form.html",
                  _ctx(request, form=form, page_title=title, multipart=multipart, back=back, conflict=conflict,
                       conflict_message=_conflict_message()), status=status)


def _conflict_message() -> str:
    return _("Nothing was saved: someone else changed this record after you opened the form.")


def _edit_page(request: HttpRequest, form_for: Callable[..., Any], initial_of: Callable[[], tuple[Any, dict[str, Any]]],
               save: Callable[..., Any], *, saved: str, title: str, detail: str, **detail_kwargs: Any) -> HttpResponse:
    """An edit screen: the creation form, filled in from the record, with the record's version hidden in
    it. `initial_of()` reads the record as stored now → (record, initial values); `form_for(data,
    initial, record)` builds the form. A valid POST calls `save(record, data, expected_version=…)` (one
    audited service) and goes back to the record's page; a refusal shows its reason on the form and changes
    nothing.

    A conflict (someone saved the record since this form was opened: the service refuses the stale
    version) answers 409 with the form as the user filled it in, a message that nothing was saved, the
    fields where it differs from what is saved now, and the current version in the hidden field: saving
    again, after checking, replaces what is saved — knowingly, never silently."""
    record, initial = initial_of()
    form = form_for(request.POST or None, initial, record)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version", None)
        try:
            save(record, data, expected_version=expected)
        except ConflictError:
            record, initial = initial_of()
            differs = [name for name in form_for(request.POST, initial, record).changed_data if name != "version"]
            form.data = form.data.copy()
            form.data["version"] = str(record.version)
            return _form_page(request, form, title, back=reverse(detail, kwargs=detail_kwargs),
                              conflict=[str(form.fields[name].label) for name in differs], status=409)
        except ValueError as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, saved)
            return _done(detail, **detail_kwargs)
    return _form_page(request, form, title, back=reverse(detail, kwargs=detail_kwargs))


# --- Dashboard and exports ---------------------------------------------------------------------------


@require_GET
@roadmap_view()
def dashboard(request: HttpRequest) -> HttpResponse:
    board = selectors.dashboard(request.user)
    return render(request, "roadmap/dashboard.html",
                  _ctx(request, board=board, chart_data=board.chart_data(), statuses=ActionStatus))


@require_GET
@roadmap_view()
def report_pdf(request: HttpRequest) -> HttpResponse:
    form = f.ReportLanguageForm(request.GET)
    language = (form.cleaned_data.get("lang") if form.is_valid() else "") or (request.LANGUAGE_CODE or "ar")[:2]
    if language not in ("ar", "fr", "es"):
        language = "ar"
    pdf = reports.roadmap_pdf(request.user, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="jisr-roadmap-{language}.pdf"'
    return response


@require_GET
@roadmap_view()
def export_xlsx(request: HttpRequest) -> HttpResponse:
    language = (request.LANGUAGE_CODE or "ar")[:2]
    data = reports.roadmap_xlsx(request.user, language=language)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="jisr-roadmap.xlsx"'
    return response


# --- Strategic areas ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@roadmap_view()
def area_list(request: HttpRequest) -> HttpResponse:
    """The strategic areas; writers add new ones here (POST)."""
    form = f.AreaForm(request.POST or None) if may_write_roadmap(request.user) else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = dict(form.cleaned_data)
        data["order"] = data["order"] or 0
        try:
            services.area_create(actor=request.user, **data)
        except ValueError as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("Strategic area added."))
            return _done("roadmap:area_list")
    areas = selectors.areas_for(request.user, include_inactive=True)
    return render(request, "roadmap/area_list.html", _ctx(request, areas=areas, form=form))


# --- Events ------------------------------------------------------------------------------------------


@require_GET
@roadmap_view()
def event_list(request: HttpRequest) -> HttpResponse:
    return render(request, "roadmap/event_list.html", _ctx(request, events=selectors.events_for(request.user)))


@require_http_methods(["GET", "POST"])
@roadmap_view(write=True)
def event_create(request: HttpRequest) -> HttpResponse:
    form = f.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.cleaned_data)
        except ValueError as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("Event recorded."))
            return _done("roadmap:event_detail", event_id=event.pk)
    return _form_page(request, form, _("New event"))


@require_GET
@roadmap_view()
def event_detail(request: HttpRequest, event_id: Any) -> HttpResponse:
    event = selectors.event_get_for_user(request.user, event_id)
    return render(request, "roadmap/event_detail.html", _ctx(
        request, event=event, recommendations=selectors.recommendations_for(request.user, event=event.pk),
        participant_form=f.ParticipantForm(), document_form=f.DocumentForm()))


@require_http_methods(["GET", "POST"])
@roadmap_view(write=True)
def event_edit(request: HttpRequest, event_id: Any) -> HttpResponse:
    """Correct an event (a wrong date or title): the creation form, filled in; one service, audited."""

    def initial_of() -> tuple[Any, dict[str, Any]]:
        event = selectors.event_get_for_user(request.user, event_id)
        initial = {k: getattr(event, k) for k in ("kind", "title_ar", "title_fr", "title_es", "starts_on", "ends_on",
                                                  "place", "summary", "languages")}
        initial.update(country=str(event.country or ""), parent=event.parent_id,
                       organisers=[o.pk for o in event.organisers.all()], areas=[a.pk for a in event.areas.all()])
        return event, initial

    return _edit_page(
        request, lambda data, initial, record: f.EventForm(data, initial=initial, event=record), initial_of,
        lambda record, data, **kw: services.event_update(actor=request.user, event=record, **data, **kw),
        saved=_("Event updated."), title=_("Edit event"), detail="roadmap:event_detail", event_id=event_id)


@require_POST
@roadmap_view(write=True)
def event_participant_add(request: HttpRequest, event_id: Any) -> HttpResponse:
    event = selectors.event_get_for_user(request.user, event_id)
    form = f.ParticipantForm(request.POST)
    if form.is_valid():
        services.event_add_participant(actor=request.user, event=event, **form.cleaned_data)
        messages.success(request, _("Participating organisation added."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return _done("roadmap:event_detail", event_id=event.pk)


@require_POST
@roadmap_view(write=True)
def event_document_add(request: HttpRequest, event_id: Any) -> HttpResponse:
    event = selectors.event_get_for_user(request.user, event_id)
    form = f.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.event_add_document(actor=request.user, event=event, title=form.cleaned_data["title"],
                                        upload=form.cleaned_data["file"])
        except UploadRejected as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("Document added."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return _done("roadmap:event_detail", event_id=event.pk)


# --- Recommendations ---------------------------------------------------------------------------------


@require_GET
@roadmap_view()
def recommendation_list(request: HttpRequest) -> HttpResponse:
    area, scope, q = (request.GET.get(k, "")[:100] for k in ("area", "scope", "q"))
    not_addressed = request.GET.get("not_addressed") == "1"
    qs = selectors.recommendations_for(request.user, area=area, scope=scope, q=q)
    if not_addressed:
        qs = qs.filter(n_actions=0)
    return render(request, "roadmap/recommendation_list.html", _ctx(
        request, recommendations=qs, areas=selectors.areas_for(request.user), scopes=CountryScope.choices,
        area=area, scope=scope, q=q, not_addressed=not_addressed))


@require_http_methods(["GET", "POST"])
@roadmap_view(write=True)
def recommendation_create(request: HttpRequest) -> HttpResponse:
    initial = {"event": request.GET.get("event")} if request.GET.get("event") else None
    form = f.RecommendationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rec = services.recommendation_create(actor=request.user, **form.cleaned_data)
        except ValueError as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("Recommendation recorded."))
            return _done("roadmap:recommendation_detail", recommendation_id=rec.pk)
    return _form_page(request, form, _("New recommendation"))


@require_GET
@roadmap_view()
def recommendation_detail(request: HttpRequest, recommendation_id: Any) -> HttpResponse:
    rec = selectors.recommendation_get_for_user(request.user, recommendation_id)
    return render(request, "roadmap/recommendation_detail.html", _ctx(request, rec=rec))


@require_http_methods(["GET", "POST"])
@roadmap_view(write=True)
def recommendation_edit(request: HttpRequest, recommendation_id: Any) -> HttpResponse:
    def initial_of() -> tuple[Any, dict[str, Any]]:
        rec = selectors.recommendation_get_for_user(request.user, recommendation_id)
        initial = {k: getattr(rec, k) for k in ("reference", "text_ar", "text_fr", "text_es", "scope", "addressee",
                                                "priority")}
        initial.update(event=rec.event_id, area=rec.area_id)
        return rec, initial

    return _edit_page(
        request, lambda data, initial, record: f.RecommendationForm(data, initial=initial, recommendation=record),
        initial_of,
        lambda record, data, **kw: services.recommendation_update(actor=request.user, recommendation=record, **data,
                                                                  **kw),
        saved=_("Recommendation updated."), title=_("Edit recommendation"), detail="roadmap:recommendation_detail",
        recommendation_id=recommendation_id)


# --- Actions -----------------------------------------------------------------------------------------


@require_GET
@roadmap_view()
def action_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ActionStatus.values else ""
    area = request.GET.get("area", "")[:40]
    actions = selectors.actions_for(request.user, status=status, area=area)
    overdue_ids = {a.pk for a in selectors.actions_overdue(request.user)}
    return render(request, "roadmap/action_list.html", _ctx(
        request, actions=actions, overdue_ids=overdue_ids, statuses=ActionStatus.choices, status=status,
        areas=selectors.areas_for(request.user), area=area))


@require_http_methods(["GET", "POST"])
@roadmap_view(write=True)
def action_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if request.GET.get("recommendation"):
        initial["recommendations"] = [request.GET["recommendation"]]
    if request.user.organisation:
        initial["lead_organisation"] = request.user.organisation.pk
    form = f.ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(actor=request.user, **form.cleaned_data)
        except ValueError as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("Action recorded."))
            return _done("roadmap:action_detail", action_id=action.pk)
    return _form_page(request, form, _("New action"))


@require_GET
@roadmap_view()
def action_detail(request: HttpRequest, action_id: Any) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, action_id)
    overdue = action.is_overdue_on(selectors.today_in(action.lead_organisation))
    indicators = list(action.indicators.all())
    for i, indicator in enumerate(indicators):  # one value form per indicator, with distinct ids
        indicator.measurement_form = f.MeasurementForm(auto_id=f"id_m{i}_%s")
    return render(request, "roadmap/action_detail.html", _ctx(
        request, action=action, overdue=overdue, indicators=indicators,
        status_form=f.StatusForm(initial={"status": action.status}),
        progress_form=f.ProgressForm(), indicator_form=f.IndicatorForm(),
        link_form=f.LinkForm(initial={"recommendations": [r.pk for r in action.recommendations.all()]},
                             version=action.version)))


def _form_errors(request: HttpRequest, form: Any) -> None:
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))


@require_http_methods(["GET", "POST"])
@roadmap_view(write=True)
def action_edit(request: HttpRequest, action_id: Any) -> HttpResponse:
    """Correct an action (title, organisations, recommendations, dates): the creation form, filled in.
    The status is changed on the action's page, with its history."""

    def initial_of() -> tuple[Any, dict[str, Any]]:
        action = selectors.action_get_for_user(request.user, action_id)
        initial = {k: getattr(action, k) for k in ("title", "description", "other_partners", "start_on", "due_on")}
        initial.update(lead_organisation=action.lead_organisation_id,
                       partners=[p.pk for p in action.partners.all()],
                       recommendations=[r.pk for r in action.recommendations.all()])
        return action, initial

    return _edit_page(
        request, lambda data, initial, record: f.ActionForm(data, initial=initial, version=record.version),
        initial_of, lambda record, data, **kw: services.action_update(actor=request.user, action=record, **data, **kw),
        saved=_("Action updated."), title=_("Edit action"), detail="roadmap:action_detail", action_id=action_id)


@require_POST
@roadmap_view(write=True)
def action_status(request: HttpRequest, action_id: Any) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, action_id)
    form = f.StatusForm(request.POST)
    if form.is_valid():
        try:
            services.action_set_status(actor=request.user, action=action, **form.cleaned_data)
        except (StateError, ValueError) as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("Status changed."))
    else:
        _form_errors(request, form)
    return _done("roadmap:action_detail", action_id=action.pk)


@require_POST
@roadmap_view(write=True)
def action_link(request: HttpRequest, action_id: Any) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, action_id)
    form = f.LinkForm(request.POST, version=action.version)
    if form.is_valid():
        try:
            services.action_link(actor=request.user, action=action,
                                 recommendations=form.cleaned_data["recommendations"],
                                 expected_version=form.cleaned_data.get("version"))
        except ConflictError:
            again = _("Check the recommendations below and link again.")
            messages.error(request, f"{_conflict_message()} {again}")
        else:
            messages.success(request, _("Recommendations linked."))
    else:
        _form_errors(request, form)
    return _done("roadmap:action_detail", action_id=action.pk)


@require_POST
@roadmap_view(write=True)
def action_progress(request: HttpRequest, action_id: Any) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, action_id)
    form = f.ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.progress_add(actor=request.user, action=action, note=form.cleaned_data["note"],
                                  link=form.cleaned_data["link"], upload=form.cleaned_data["file"])
        except ValueError as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("Progress update posted."))
    else:
        _form_errors(request, form)
    return _done("roadmap:action_detail", action_id=action.pk)


@require_POST
@roadmap_view(write=True)
def action_indicator(request: HttpRequest, action_id: Any) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, action_id)
    form = f.IndicatorForm(request.POST)
    if form.is_valid():
        services.indicator_add(actor=request.user, action=action, **form.cleaned_data)
        messages.success(request, _("Indicator added."))
    else:
        _form_errors(request, form)
    return _done("roadmap:action_detail", action_id=action.pk)


@require_POST
@roadmap_view(write=True)
def indicator_measurement(request: HttpRequest, indicator_id: Any) -> HttpResponse:
    indicator = selectors.indicator_get_for_user(request.user, indicator_id)
    form = f.MeasurementForm(request.POST)
    if form.is_valid():
        services.measurement_add(actor=request.user, indicator=indicator, **form.cleaned_data)
        messages.success(request, _("Value recorded."))
    else:
        _form_errors(request, form)
    return _done("roadmap:action_detail", action_id=indicator.action_id)


# --- Trainings ---------------------------------------------------------------------------------------


@require_GET
@roadmap_view()
def training_list(request: HttpRequest) -> HttpResponse:
    return render(request, "roadmap/training_list.html",
                  _ctx(request, trainings=selectors.trainings_for(request.user)))


@require_http_methods(["GET", "POST"])
@roadmap_view(write=True)
def training_create(request: HttpRequest) -> HttpResponse:
    form = f.TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(actor=request.user, **form.cleaned_data)
        except ValueError as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("Training recorded."))
            return _done("roadmap:training_detail", training_id=training.pk)
    return _form_page(request, form, _("New training"))


@require_GET
@roadmap_view()
def training_detail(request: HttpRequest, training_id: Any) -> HttpResponse:
    training = selectors.training_get_for_user(request.user, training_id)
    rows = list(training.attendance.all())
    return render(request, "roadmap/training_detail.html", _ctx(
        request, training=training, rows=rows, total=sum(r.count for r in rows), form=f.AttendanceForm()))


@require_POST
@roadmap_view(write=True)
def training_attendance(request: HttpRequest, training_id: Any) -> HttpResponse:
    training = selectors.training_get_for_user(request.user, training_id)
    form = f.AttendanceForm(request.POST)
    if form.is_valid():
        services.training_record_attendance(actor=request.user, training=training, **form.cleaned_data)
        messages.success(request, _("Attendance recorded."))
    else:
        _form_errors(request, form)
    return _done("roadmap:training_detail", training_id=training.pk)


# --- Good practices ----------------------------------------------------------------------------------


@require_GET
@roadmap_view()
def practice_list(request: HttpRequest) -> HttpResponse:
    form = f.PracticeSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    practices = selectors.practices_search(request.user, **{k: v for k, v in filters.items() if v})
    return render(request, "roadmap/practice_list.html", _ctx(request, form=form, practices=practices))


@require_http_methods(["GET", "POST"])
@roadmap_view(write=True)
def practice_create(request: HttpRequest) -> HttpResponse:
    form = f.PracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["tags"] = [t for t in data["tags"].split(",") if t.strip()]
        try:
            practice = services.practice_create(actor=request.user, **data)
        except ValueError as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("Good practice recorded."))
            return _done("roadmap:practice_detail", practice_id=practice.pk)
    return _form_page(request, form, _("New good practice"))


@require_GET
@roadmap_view()
def practice_detail(request: HttpRequest, practice_id: Any) -> HttpResponse:
    practice = selectors.practice_get_for_user(request.user, practice_id)
    return render(request, "roadmap/practice_detail.html", _ctx(request, practice=practice))


# --- Files -------------------------------------------------------------------------------------------


@require_GET
@roadmap_view()
def file_download(request: HttpRequest, file_id: Any) -> FileResponse:
    """An evidence file, only to roadmap readers, always as an attachment with its checked type."""
    stored = selectors.file_get_for_user(request.user, file_id)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    # Reads of roadmap files are not audited: the roadmap holds no survivor data (access.py).
    response = FileResponse(handle, as_attachment=True, filename=stored.display_name,
                            content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
