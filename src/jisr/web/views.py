"""Thin views: validate, call a service or selector, render.

Rules every view here follows:
- records are fetched only through the scoped selectors, so a record the user may not see is a 404;
- writes go only through services; a domain error becomes a translated message and changes nothing;
- personal data never goes into a URL, a redirect or the session: identity travels in POST bodies
  only, and redirects carry UUIDs.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.apps import apps as django_apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jisr.accounts.mfa import mfa_required, recently_verified
from jisr.accounts.models import Membership, User
from jisr.accounts.roles import Scope
from jisr.audit.services import audit_record
from jisr.care.selectors import followups_dashboard
from jisr.cases import services as case_services
from jisr.cases.models import Case, CaseStatus, ClosureReason, ExploitationType, RiskLevel, TrmStage
from jisr.cases.selectors import (
    case_get_for_user,
    case_notes,
    case_notes_for_user,
    case_timeline,
    cases_visible_to,
)
from jisr.common.errors import ConflictError, DomainError, PermissionDeniedError, RateLimitedError, StateError
from jisr.common.paging import page_of_keys
from jisr.crypto.envelope import DecryptionError
from jisr.crypto.normalise import clean_text
from jisr.survivors.models import Person
from jisr.survivors.selectors import (
    DisplayIdentity,
    duplicate_suggestions,
    identities_for_hits,
    identities_for_list,
    identity_for_display,
    person_get_for_user,
    person_search,
    persons_visible_to,
)
from jisr.survivors.services import (
    IDENTITY_IN_REASON,
    MIXED_ALPHABETS,
    may_edit,
    person_identity,
    person_register,
    person_reveal,
    person_update,
)
from jisr.web import forms as web_forms
from jisr.web.forms import REVEAL_FIELD_LABELS, language_name
from jisr.web.templatetags.jisr_web import list_separator

# --- Translated labels for codes that the domain stores ---------------------------------------------

REASON_LABELS = {
    "same_document": gettext_lazy("same identity document number"),
    "same_phone": gettext_lazy("same phone number"),
    "same_name": gettext_lazy("same name"),
    "similar_name": gettext_lazy("similar name (another spelling or script)"),
    "same_birth_date": gettext_lazy("same date of birth"),
    "similar_age": gettext_lazy("similar age"),
}

ACTION_LABELS = {
    "person.register": gettext_lazy("Person registered"),
    "person.reveal": gettext_lazy("Masked information revealed"),
    "person.erase": gettext_lazy("Identity erased"),
    "person.update": gettext_lazy("Person's details changed"),
    "case.open": gettext_lazy("Case opened"),
    "case.assign": gettext_lazy("Case assigned"),
    "case.stage": gettext_lazy("TRM stage changed"),
    "case.risk": gettext_lazy("Risk level changed"),
    "case.exploitation": gettext_lazy("Forms of exploitation recorded"),
    "case.note_add": gettext_lazy("Note added"),
    "case.close": gettext_lazy("Case closed"),
    "case.reopen": gettext_lazy("Case reopened"),
}


@functools.cache
def action_labels() -> dict[str, Any]:
    """Timeline labels: the core ones above plus each app's `audit_action_labels` (AppConfig)."""
    labels: dict[str, Any] = dict(ACTION_LABELS)
    for config in django_apps.get_app_configs():
        labels.update(getattr(config, "audit_action_labels", {}))
    return labels


# Service messages (English, for developers) → what the user reads. Unknown ones fall back to a
# generic message per error type, so a new service message never shows untranslated.
DOMAIN_MESSAGES = {
    "the case was changed by someone else; reload it and try again": gettext_lazy(
        "Someone else changed this case while you were working on it. Nothing was saved: "
        "look at the case again and repeat your change if it is still needed."
    ),
    "closure needs the supervisor's approval": gettext_lazy(
        "Closing a case needs the supervisor's approval: request it from the case's care page."
    ),
    "this role may not change cases": gettext_lazy("Your role does not allow you to change cases."),
    "this role may not assign cases": gettext_lazy("Your role does not allow you to assign cases."),
    "this role may not reveal masked fields": gettext_lazy(
        "Your role does not allow you to reveal masked information."
    ),
    "this account may not register people in this organisation": gettext_lazy(
        "Your role does not allow you to register people."
    ),
    "this role may not change a person's identity": gettext_lazy(
        "Your role does not allow you to change a person's record."
    ),
    "the person was changed by someone else; reload and try again": gettext_lazy(
        "Someone else changed this person's record while you were working on it. Nothing was saved: "
        "open the form again to see the record as it is now, and repeat your change if it is still needed."
    ),
    "the case is closed; reopen it first": gettext_lazy("The case is closed. Reopen it first."),
    "the case is not closed": gettext_lazy("The case is not closed."),
    "this person already has an open case": gettext_lazy("This person already has an open case."),
    "this person's identity was erased": gettext_lazy("This person's identity was erased."),
    "the note is empty": gettext_lazy("The note is empty."),
    "the note is too long (20,000 characters at most)": gettext_lazy(
        "The note is too long (20,000 characters at most)."
    ),
    "unknown closure reason": gettext_lazy("Choose a reason for closing from the list."),
    "unknown TRM stage": gettext_lazy("Choose a stage from the list."),
    "unknown risk level": gettext_lazy("Choose a risk level from the list."),
    "the assignee must be a case worker or supervisor of this organisation": gettext_lazy(
        "A case can only be assigned to a case worker or supervisor of your organisation."
    ),
    "the team must belong to this organisation": gettext_lazy("The team must belong to your organisation."),
    "say why you need to see this (at least a few words)": gettext_lazy(
        "Say why you need to see this (at least a few words)."
    ),
    "a given or family name is required (in Arabic or Latin script)": gettext_lazy(
        "Enter at least a given name or a family name, in either script."
    ),
    MIXED_ALPHABETS: gettext_lazy(
        "A name mixes letters of different alphabets that look alike (for example Latin and Cyrillic). "
        "Type it again in one alphabet."
    ),
    "give a date of birth or an estimated age, not both": gettext_lazy(
        "Give a date of birth or an estimated age, not both."
    ),
    "date of birth is in the future": gettext_lazy("The date of birth cannot be in the future."),
    IDENTITY_IN_REASON: gettext_lazy(
        "Do not write her name, phone, document number or date of birth: the reason is kept in the audit trail."
    ),
    "estimated age must be between 0 and 120": gettext_lazy("Enter an age in years, between 0 and 120."),
}


def domain_message(exc: Exception) -> str:
    """A translated, user-readable message for a refused request (never contains personal data)."""
    known = DOMAIN_MESSAGES.get(str(exc))
    if known is not None:
        return str(known)
    if isinstance(exc, PermissionDeniedError):
        return _("Your role does not allow this action.")
    if isinstance(exc, StateError):
        return _("This is not possible in the record's current state.")
    return _("The request could not be completed: please check what you entered.")


# --- Shapes for templates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    case: Case
    identity: DisplayIdentity | None


def _display(user: User, person: Person) -> DisplayIdentity | None:
    try:
        return identity_for_display(user, person)
    except DecryptionError:
        return None  # shown as "cannot be read"; never the ciphertext


def _case_rows(user: User, cases: Any) -> list[CaseRow]:
    cases = list(cases)
    identities = identities_for_list(user, [c.person for c in cases])
    return [CaseRow(c, identity) for c, identity in zip(cases, identities, strict=True)]


def _local(at: str, tz_name: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(at)
    try:
        tz = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = timezone.get_current_timezone()
    return value.astimezone(tz)


_CHOICE_LABELS = {
    "case.stage": dict(TrmStage.choices),
    "case.risk": dict(RiskLevel.choices),
}


def _timeline_entry(event: Any, tz_name: str, user_names: dict[int, str]) -> dict[str, Any]:
    details = event.details or {}
    detail, before = "", ""
    labels = _CHOICE_LABELS.get(event.action)
    if labels is not None:
        # The template draws the arrow, so that it points the reading direction (← in Arabic).
        before, detail = str(labels.get(details.get("from"), "")), str(labels.get(details.get("to"), ""))
    elif event.action == "case.close":
        detail = str(dict(ClosureReason.choices).get(details.get("reason"), ""))
    elif event.action == "case.assign" or event.action == "case.open":
        to = details.get("to", details.get("assigned_to"))
        detail = user_names.get(to, "") if to is not None else ""
        if event.action == "case.open":
            detail = str(dict(TrmStage.choices).get(details.get("trm_stage"), "")) + (f" · {detail}" if detail else "")
    elif event.action == "person.reveal":
        detail = str(REVEAL_FIELD_LABELS.get(details.get("field"), ""))
    elif event.action == "case.exploitation":
        detail = exploitation_labels(details.get("to") or [])
    return {
        "label": action_labels().get(event.action, event.action),
        "actor": event.actor.get_username() if event.actor_id else event.actor_label,
        "at": _local(event.at, tz_name),
        "before": before,
        "detail": detail,
        "reason": event.reason if event.action == "person.reveal" else "",
    }


def exploitation_labels(codes: list[str]) -> str:
    """HTCDS `vic_TypeOfExploitation` codes → their labels in the reader's language, in the standard's
    order, joined with the language's list separator; unknown codes are left out."""
    labels = dict(ExploitationType.choices)
    return list_separator().join(str(labels[c]) for c in ExploitationType.values if c in set(codes))


class SeeOther(HttpResponseRedirect):
    """303 after a successful POST (post/redirect/get): the browser GETs the page it is sent to."""

    status_code = 303


def _see_other(name: str, **kwargs: Any) -> SeeOther:
    return SeeOther(reverse(name, kwargs=kwargs))


def _refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A write the actor's role does not allow: 403 with a translated message; nothing changed."""
    return render(request, "web/refused.html", {"message": domain_message(exc)}, status=403)


def _require_org(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if user.organisation is None:
        raise PermissionDenied
    return user


# --- Pages ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.capabilities.case_scope == Scope.NONE:
        # No cases and no follow-ups for this role: the page points to what it does (its menu entries).
        return render(request, "web/dashboard.html", {"page": None, "rows": [], "due": None})
    # The rows show the case's code, stage and risk and her name: her person and data key, nothing else.
    open_cases = (
        cases_visible_to(user).filter(status=CaseStatus.OPEN).select_related(None).select_related("person__data_key")
    )
    page = Paginator(open_cases, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "web/dashboard.html",
        {
            "page": page,
            "rows": _case_rows(user, page.object_list),
            "due": followups_dashboard(user),
        },
    )


CODE_SEARCH_LIMIT = 50


@login_required
@require_http_methods(["GET", "POST"])
def person_list(request: HttpRequest) -> HttpResponse:
    """The people the user may see, paged (GET; only the page number in the URL), or searched (POST:
    one box for a code or a name, so that a name never travels in a URL, a log or the history)."""
    user: User = request.user  # type: ignore[assignment]
    if user.capabilities.case_scope == Scope.NONE:
        raise Http404  # like every case screen: a role without cases has no one to list or search
    if request.method == "POST":
        # `name`: the field of the earlier, name-only search form.
        text = clean_text(request.POST.get("q") or request.POST.get("name", ""))[:200]
        if text:
            return _person_search(request, user, text)
    elif "q" in request.GET:
        # Only a code may come in a URL (a link to a code search); anything else is refused unread and
        # never echoed: the user is asked to type it in the search box, which posts it.
        code = web_forms.code_query(request.GET["q"])
        if code is None:
            messages.error(
                request, _("Only a code can be searched from a page address. Type a name in the search box.")
            )
            return _person_page(request, user, status=400, language_next=request.path)
        return _person_search(request, user, code)
    return _person_page(request, user)


def _person_page(request: HttpRequest, user: User, status: int = 200, **extra: Any) -> HttpResponse:
    # Page over the ids alone (an index-only sort), then load the page's 25 people: sorting whole rows
    # of every visible person to keep 25 is what made this page slow on a large caseload.
    page = page_of_keys(persons_visible_to(user).order_by("-created_at", "-pk"), request.GET.get("page"), 25)
    ids = list(page.object_list)
    loaded = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("data_key", "organisation")}
    persons = [loaded[pk] for pk in ids]
    rows = list(zip(persons, identities_for_list(user, persons), strict=True))
    context = {"page": page, "rows": rows, "query": None, "similar": set(), **extra}
    return render(request, "web/person_list.html", context, status=status)


def _person_search(request: HttpRequest, user: User, text: str) -> HttpResponse:
    """A code (or a piece of one) is looked up in the codes; anything else is a name, found through the
    blind indexes (`person_search`: audited, rate-limited)."""
    code = web_forms.code_query(text)
    similar: set[Any] = set()
    if code is not None:
        persons = list(persons_visible_to(user).filter(code__icontains=code).order_by("code")[:CODE_SEARCH_LIMIT])
        rows = list(zip(persons, identities_for_list(user, persons), strict=True))
    else:
        try:
            hits = person_search(user, text)
        except RateLimitedError:
            messages.error(request, _("Too many searches in a short time. Wait a few minutes."))
            hits = []
        # The identities the search decrypted to confirm its matches; its audit event names who it found.
        rows = list(zip([h.person for h in hits], identities_for_hits(user, hits), strict=True))
        similar = {h.person.pk for h in hits if not h.exact}
    context = {
        "page": None,
        "rows": rows,
        "query": text,
        "by_code": code is not None,
        "similar": similar,
    }
    return render(request, "web/person_list.html", context)


def _suggestions_context(request: HttpRequest, form: web_forms.PersonRegisterForm, report: Any) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    candidates = [
        {
            "person": c.person,
            "identity": _display(user, c.person),
            "score": c.score,
            "reasons": [str(REASON_LABELS.get(r, r)) for r in c.reasons],
        }
        for c in (report.candidates if report else [])
    ]
    return {
        "form": form,
        "candidates": candidates,
        "hidden_match": bool(report and report.hidden_match),
        "has_suggestions": bool(candidates) or bool(report and report.hidden_match),
    }


def _can_register(request: HttpRequest) -> User:
    user = _require_org(request)
    if not user.capabilities.register_persons:
        raise PermissionDenied
    return user


@login_required
def person_register_view(request: HttpRequest) -> HttpResponse:
    user = _can_register(request)
    org = user.organisation
    assert org is not None
    report = None
    if request.method == "POST":
        form = web_forms.PersonRegisterForm(request.POST, country=org.country.code)
        if form.is_valid():
            identity = form.identity()
            d = form.cleaned_data
            # Always re-run the check on submit: the client's earlier live result is not trusted.
            try:
                report = duplicate_suggestions(user, org, identity, d["estimated_age"])
            except RateLimitedError:
                form.add_error(None, _("Too many checks in a short time. Wait a few minutes, then save again."))
                return render(request, "web/person_register.html", {"form": form, "report": None}, status=429)
            if (report.candidates or report.hidden_match) and not d["confirm_different"]:
                form.add_error(
                    "confirm_different",
                    _(
                        "Possible matches were found. Check them; if this is a different person, tick the box "
                        "and save again."
                    ),
                )
            else:
                try:
                    estimated = d["estimated_age"]
                    person = person_register(
                        actor=user,
                        organisation=org,
                        identity=identity,
                        sex=d["sex"],
                        nationality=d["nationality"] or "",
                        languages=d["languages"],
                        estimated_age=estimated,
                        age_precision=(d["age_precision"] or None) if estimated is not None else None,
                        audit_details={
                            "duplicates_shown": len(report.candidates),
                            "hidden_match": int(report.hidden_match),
                        },
                    )
                except (DomainError, ValueError) as exc:
                    form.add_error(None, domain_message(exc))
                else:
                    messages.success(request, _("Person registered with code %(code)s.") % {"code": person.code})
                    return _see_other("web:person_detail", person_id=person.pk)
    elif request.method == "GET":
        form = web_forms.PersonRegisterForm(country=org.country.code)
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(request, "web/person_register.html", _suggestions_context(request, form, report))


@login_required
@require_http_methods(["GET", "POST"])
def person_edit_view(request: HttpRequest, person_id: str) -> HttpResponse:
    """Correct or complete a person's record (survivors.services.person_update). GET: the registration
    form filled in from her record; POST: save, then her page (303).

    404 for a person the user may not see; the refused page for a role that may not change her record
    (403) or an erased person (409), with no read logged. Her identity is shown as on her page — in clear
    for a role that works with it, masked otherwise (PersonEditForm: an empty field keeps what is
    recorded) — and every page that shows it is a read, audited as her page's (`person.view`). Refused
    input comes back with the fields marked and nothing saved (400); a form filled from an older version
    of her record is refused as a conflict (409), never saved over someone else's change."""
    user: User = request.user  # type: ignore[assignment]
    person = person_get_for_user(user, person_id, log_read=False)
    if not may_edit(user, person):
        return _refused(request, PermissionDeniedError("this role may not change a person's identity"))
    if person.is_erased:
        return _refused_edit(request, _("This person's identity was erased."))
    try:
        stored = person_identity(person)
    except DecryptionError:
        return _refused_edit(request, _("This identity cannot be read. Contact your coordinator."))
    org = person.organisation
    masked = not user.capabilities.identity_in_clear
    kwargs: dict[str, Any] = {"country": org.country.code, "person": person, "stored": stored, "masked": masked}
    status, conflict = 200, False
    if request.method == "POST":
        form = web_forms.PersonEditForm(request.POST, **kwargs)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            estimated = d["estimated_age"]
            try:
                person_update(
                    actor=user,
                    person=person,
                    identity=form.edited_identity(),
                    sex=d["sex"],
                    nationality=d["nationality"] or "",
                    languages=d["languages"],
                    estimated_age=estimated,
                    age_precision=(d["age_precision"] or None) if estimated is not None else None,
                    expected_version=d["version"],
                )
            except PermissionDeniedError as exc:  # the role changed since the check above
                return _refused(request, exc)
            except (DomainError, ValueError) as exc:
                form.add_error(None, domain_message(exc))
                status = 409 if isinstance(exc, DomainError) else 400
                conflict = isinstance(exc, ConflictError)
            else:
                messages.success(request, _("The person's record was saved."))
                return _see_other("web:person_detail", person_id=person.pk)
    else:
        form = web_forms.PersonEditForm(**kwargs)
    audit_record(actor=user, action="person.view", target=person)  # the form shows her record: a read
    others = stored.documents[1:]
    context = {
        "person": person,
        "form": form,
        "masked": masked,
        "conflict": conflict,
        # Her documents the form does not edit (kept as they are): listed in clear, or only counted.
        "other_documents": ", ".join(f"{d.kind} {d.number}" for d in others) if not masked else "",
        "other_documents_count": len(others),
    }
    response = render(request, "web/person_edit.html", context, status=status)
    response["Cache-Control"] = "no-store"  # her identity, filled in: not for the browser's cache
    return response


def _refused_edit(request: HttpRequest, message: str) -> HttpResponse:
    """Her record cannot be changed in its state (erased, unreadable): 409, nothing changed."""
    return render(request, "web/refused.html", {"message": message}, status=409)


@login_required
@require_POST
def person_duplicates(request: HttpRequest) -> HttpResponse:
    """htmx: duplicate suggestions for what has been typed so far (POST: names never go in a URL)."""
    user = _can_register(request)
    org = user.organisation
    assert org is not None
    form = web_forms.PersonRegisterForm(request.POST, country=org.country.code)
    identity, age = form.partial_identity()
    typed = "".join(g + f for g, f in identity.name_variants())
    report = None
    if len(typed) >= 3 or identity.phone or identity.documents:
        try:
            report = duplicate_suggestions(user, org, identity, age)
        except RateLimitedError:
            report = None  # the check on saving still runs (and is limited there too)
    # The live partial must not show the form's validation errors while the user is still typing.
    ctx = _suggestions_context(request, web_forms.PersonRegisterForm(request.POST, country=org.country.code), report)
    return render(request, "web/_duplicate_suggestions.html", ctx)


def _person_context(request: HttpRequest, person: Person, **extra: Any) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    cases = cases_visible_to(user).filter(person=person).order_by("-number")
    can_open = (
        user.capabilities.write_cases
        and not person.is_erased
        and not Case.objects.filter(person=person, status=CaseStatus.OPEN).exists()
    )
    return {
        "person": person,
        "identity": _display(user, person),
        "languages": [language_name(c) for c in person.languages],
        "cases": cases,
        "can_open_case": can_open,
        "can_edit": may_edit(user, person) and not person.is_erased,
        "reveal_form": extra.pop("reveal_form", None)
        or (web_forms.RevealForm() if user.capabilities.reveal_identity else None),
        **extra,
    }


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    person = person_get_for_user(request.user, person_id)  # type: ignore[arg-type]
    return render(request, "web/person_detail.html", _person_context(request, person))


@login_required
@require_POST
def person_reveal_view(request: HttpRequest, person_id: str) -> HttpResponse:
    """Show one masked field once, in this response only: never stored in the session or a URL."""
    user: User = request.user  # type: ignore[assignment]
    # The reveal writes its own, more specific audit event (with the reason).
    person = person_get_for_user(user, person_id, log_read=False)
    if not user.capabilities.reveal_identity:
        raise PermissionDenied
    if mfa_required(user) and not recently_verified(request):
        # Re-authentication before a sensitive action: a second factor passed in the last 10 minutes.
        messages.info(request, _("Confirm it is you before revealing masked information."))
        target = reverse("web:person_detail", kwargs={"person_id": person.pk})
        return SeeOther(reverse("accounts:mfa_verify") + "?" + urlencode({"next": target}))
    form = web_forms.RevealForm(request.POST)
    revealed = None
    status = 200
    if form.is_valid():
        field = form.cleaned_data["field"]
        try:
            value = person_reveal(actor=user, person=person, field=field, reason=form.cleaned_data["reason"])
        except (DomainError, ValueError) as exc:
            form.add_error(None, domain_message(exc))
            status = 400
        else:
            revealed = {"label": REVEAL_FIELD_LABELS[field], "value": value, "field": field}
    else:
        status = 400
    if revealed is None:  # refused: her page again, a read (a reveal writes its own event)
        audit_record(actor=user, action="person.view", target=person)
    response = render(
        request,
        "web/person_detail.html",
        _person_context(request, person, reveal_form=form, revealed=revealed),
        status=status,
    )
    # A revealed value must not stay in the browser's cache or history.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def case_open_view(request: HttpRequest, person_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    person = person_get_for_user(user, person_id, log_read=False)
    try:
        case = case_services.case_open(actor=user, person=person)
    except PermissionDeniedError as exc:
        return _refused(request, exc)
    except (DomainError, ValueError) as exc:
        messages.error(request, domain_message(exc))
        audit_record(actor=user, action="person.view", target=person)  # her page again: a read
        return render(request, "web/person_detail.html", _person_context(request, person), status=409)
    messages.success(request, _("Case %(code)s opened.") % {"code": case.code})
    return _see_other("web:case_detail", case_id=case.pk)


def _assignees(case: Case) -> list[tuple[str, str]]:
    members = (
        Membership.objects.filter(organisation=case.organisation, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    return [(str(m.user_id), m.user.get_username()) for m in members if m.user.capabilities.write_cases]


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_get_for_user(request.user, case_id)  # type: ignore[arg-type]
    return render(request, "web/case_detail.html", _case_context(request, case))


# The case page shows the newest notes and timeline entries; the rest is one click away, a page at a time
# (a case followed for a year has hundreds: the page must stay light on a slow laptop).
NOTES_ON_CASE_PAGE = 10
TIMELINE_ON_CASE_PAGE = 20
NOTES_PER_PAGE = 25
TIMELINE_PER_PAGE = 50


def _timeline(case: Case, events: list[Any]) -> list[dict[str, Any]]:
    # The user ids the entries name: an assignment's new assignee, an opening's first one (other events'
    # "to" are stages, risk levels or lists of codes).
    named = (
        e.details.get("to", e.details.get("assigned_to"))
        for e in events
        if e.action in ("case.assign", "case.open") and isinstance(e.details, dict)
    )
    ids = {i for i in named if isinstance(i, int)}
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username")) if ids else {}
    return [_timeline_entry(e, case.organisation.time_zone, names) for e in events]


def _case_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    caps = user.capabilities
    # One more row than shown tells whether there are older ones, without counting them.
    notes = case_notes_for_user(user, case, case_notes(case)[: NOTES_ON_CASE_PAGE + 1])
    events = list(case_timeline(case)[: TIMELINE_ON_CASE_PAGE + 1])
    is_open = case.status == CaseStatus.OPEN
    return {
        "case": case,
        "identity": _display(user, case.person),
        "notes": notes[:NOTES_ON_CASE_PAGE],
        "more_notes": len(notes) > NOTES_ON_CASE_PAGE,
        "timeline": _timeline(case, events[:TIMELINE_ON_CASE_PAGE]),
        "more_timeline": len(events) > TIMELINE_ON_CASE_PAGE,
        "is_open": is_open,
        "can_write": caps.write_cases,
        "can_assign": caps.assign_cases and is_open,
        # Supervisors close directly (they are the approval); case workers request closure (care app).
        "can_close": caps.write_cases and caps.assign_cases,
        "stage_form": web_forms.StageForm(initial={"trm_stage": case.trm_stage}),
        "risk_form": web_forms.RiskForm(initial={"risk_level": case.risk_level}),
        "exploitation_form": web_forms.ExploitationForm(initial={"types": case.exploitation_types}),
        "exploitation": exploitation_labels(case.exploitation_types),
        # Built (one query over the organisation's members) only for those who may assign.
        "assign_form": web_forms.AssignForm(
            assignees=_assignees(case), initial={"assignee": str(case.assigned_to_id or "")}
        )
        if caps.assign_cases and is_open
        else None,
        "note_form": web_forms.NoteForm(),
        "close_form": web_forms.CloseForm(),
        "reopen_form": web_forms.ReopenForm(),
    }


@login_required
@require_GET
def case_notes_page(request: HttpRequest, case_id: str) -> HttpResponse:
    """Every note of the case, newest first, a page at a time (`?page=N`); a read of the case (audited)."""
    user: User = request.user  # type: ignore[assignment]
    case = case_get_for_user(user, case_id)
    page = Paginator(case_notes(case), NOTES_PER_PAGE).get_page(request.GET.get("page"))
    notes = case_notes_for_user(user, case, page.object_list)
    return render(request, "web/case_history.html", {"case": case, "page": page, "notes": notes})


@login_required
@require_GET
def case_timeline_page(request: HttpRequest, case_id: str) -> HttpResponse:
    """The whole timeline of the case (reads excluded), newest first, a page at a time (`?page=N`)."""
    case = case_get_for_user(request.user, case_id)  # type: ignore[arg-type]
    page = Paginator(case_timeline(case), TIMELINE_PER_PAGE).get_page(request.GET.get("page"))
    timeline = _timeline(case, list(page.object_list))
    return render(request, "web/case_history.html", {"case": case, "page": page, "notes": None, "timeline": timeline})


def _case_action(
    request: HttpRequest, case_id: str, form_class: Any, apply: Any, done: Any, **form_kwargs: Any
) -> HttpResponse:
    """Validate `form_class`, call `apply(user, case, cleaned_data)` (a service).

    Success: 303 to the case page with a message. Refused: the case page again with a translated
    message and nothing changed — 400 for invalid input, 403 when the role may not, 409 when the
    case's state does not allow it."""
    user: User = request.user  # type: ignore[assignment]
    case = case_get_for_user(user, case_id, log_read=False)  # the service writes the specific event
    kwargs = {k: (v(case) if callable(v) else v) for k, v in form_kwargs.items()}
    form = form_class(request.POST, **kwargs)
    status = 400
    if form.is_valid():
        try:
            apply(user, case, form.cleaned_data)  # one service call: atomic itself (no savepoint inside another)
        except PermissionDeniedError as exc:
            return _refused(request, exc)
        except (DomainError, ValueError) as exc:
            messages.error(request, domain_message(exc))
            status = 409 if isinstance(exc, DomainError) else 400
            case.refresh_from_db()
        else:
            messages.success(request, str(done))
            return _see_other("web:case_detail", case_id=case.pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    # Refused: the case page again, with her notes and name: a read, audited as the GET's.
    audit_record(actor=user, action="case.view", target=case)
    return render(request, "web/case_detail.html", _case_context(request, case), status=status)


@login_required
@require_POST
def case_stage(request: HttpRequest, case_id: str) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        web_forms.StageForm,
        lambda u, c, d: case_services.case_set_stage(
            actor=u, case=c, trm_stage=d["trm_stage"], expected_version=d["version"]
        ),
        gettext_lazy("TRM stage changed."),
    )


@login_required
@require_POST
def case_risk(request: HttpRequest, case_id: str) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        web_forms.RiskForm,
        lambda u, c, d: case_services.case_set_risk(
            actor=u, case=c, risk_level=d["risk_level"], expected_version=d["version"]
        ),
        gettext_lazy("Risk level changed."),
    )


@login_required
@require_POST
def case_exploitation(request: HttpRequest, case_id: str) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        web_forms.ExploitationForm,
        lambda u, c, d: case_services.case_set_exploitation(
            actor=u, case=c, types=d["types"], expected_version=d["version"]
        ),
        gettext_lazy("Forms of exploitation recorded."),
    )


def _assign(user: User, case: Case, data: dict[str, Any]) -> None:
    assignee = User.objects.filter(pk=data["assignee"], membership__organisation=case.organisation).first()
    if assignee is None:
        raise ValueError("the assignee must be a case worker or supervisor of this organisation")
    case_services.case_assign(actor=user, case=case, assignee=assignee, expected_version=data["version"])


@login_required
@require_POST
def case_assign(request: HttpRequest, case_id: str) -> HttpResponse:
    return _case_action(
        request, case_id, web_forms.AssignForm, _assign, gettext_lazy("Case assigned."), assignees=_assignees
    )


@login_required
@require_POST
def case_note(request: HttpRequest, case_id: str) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        web_forms.NoteForm,
        lambda u, c, d: case_services.case_note_add(actor=u, case=c, body=d["body"]),
        gettext_lazy("Note added."),
    )


@login_required
@require_POST
def case_close(request: HttpRequest, case_id: str) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        web_forms.CloseForm,
        lambda u, c, d: case_services.case_close(
            actor=u, case=c, reason=d["reason"], expected_version=d["version"]
        ),
        gettext_lazy("Case closed."),
    )


@login_required
@require_POST
def case_reopen(request: HttpRequest, case_id: str) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        web_forms.ReopenForm,
        lambda u, c, d: case_services.case_reopen(actor=u, case=c, note=d["note"], expected_version=d["version"]),
        gettext_lazy("Case reopened."),
    )
