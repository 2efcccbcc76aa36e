"""Screens: the screening form of a case, the result page, re-evaluation. Thin: validate, call a service or
selector, render. Records are fetched only through scoped selectors (404 for a stranger); paths carry
UUIDs only and observations travel in POST bodies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from jisr.accounts.models import User
from jisr.audit.services import audit_record
from jisr.cases.models import Case, CaseStatus
from jisr.cases.selectors import case_get_for_user
from jisr.common.errors import DomainError, PermissionDeniedError, StateError
from jisr.crypto.envelope import DecryptionError
from jisr.crypto.services import unseal
from jisr.identification import engine, gaps, labels, services
from jisr.identification.forms import ScreeningForm, observation_field
from jisr.identification.models import Screening, ScreeningResult
from jisr.identification.selectors import screening_get_for_user


def _see_other(to: str, **kwargs: Any) -> HttpResponse:
    """303 See Other after a POST (the house convention: the browser GETs the next page)."""
    response = redirect(to, **kwargs)
    response.status_code = 303
    return response


CLOSED_REEVALUATE = gettext_noop(
    "The case is closed: its screenings cannot be evaluated again. Reopen the case first."
)


def _refusal(exc: Exception) -> str:
    if isinstance(exc, PermissionDeniedError):
        return _("Your role does not allow you to record screenings.")
    if isinstance(exc, StateError):
        if "closed" in str(exc):
            return _("The case is closed. Reopen it first.")
        return _("This person's identity was erased.")
    return _("The screening could not be evaluated: please check what you entered.")


def _stored_date_of_birth(user: User, case: Case) -> dt.date | None:
    """Her date of birth as registered, to start the screening's age with it — only for a role that reads
    her identity in clear (a case worker; a supervisor sees it masked and reveals it with a reason), and
    only that field is decrypted. Decrypting it is a read of her identity: audited as `person.view`
    (naming the field), beside the page's `case.view`. None when none is stored or it cannot be read."""
    person = case.person
    if not user.capabilities.identity_in_clear or person.is_erased or person.date_of_birth is None:
        return None
    try:
        text = unseal(person, "date_of_birth", person.data_key)
    except DecryptionError:
        return None
    audit_record(actor=user, action="person.view", target=person,
                 details={"fields": ["date_of_birth"], "screen": "screening_form"})
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


@login_required
def screening_new(request: HttpRequest, case_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_get_for_user(user, case_id, log_read=request.method != "POST")
    if not user.capabilities.write_cases or user.organisation != case.organisation:
        raise PermissionDenied
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    if case.person.is_erased or case.status != CaseStatus.OPEN:
        # Nothing new is recorded for an erased person or on a closed case (the service refuses both too):
        # no form, a notice saying why. A POST sent anyway (an old tab) is refused the same way, 409.
        return render(request, "identification/screening_form.html",
                      {"case": case, "erased": case.person.is_erased, "closed": case.status != CaseStatus.OPEN},
                      status=409 if request.method == "POST" else 200)
    country = case.organisation.country.code
    if request.method == "POST":
        form = ScreeningForm(request.POST)
        if form.is_valid():
            try:
                screening = services.screening_record(
                    actor=user, case=case, observation=form.observation(), rulesets=form.cleaned_data["rulesets"]
                )
            except engine.ObservationError as exc:
                form.add_error(observation_field(exc.field), _refusal(exc))
            except (DomainError, ValueError) as exc:
                form.add_error(None, _refusal(exc))
            else:
                messages.success(request, _("Screening recorded."))
                return _see_other("identification:screening_detail", screening_id=screening.pk)
        status = 400
    else:
        initial: dict[str, Any] = {"rulesets": services.default_rulesets(country)}
        born = _stored_date_of_birth(user, case)
        if born is not None:
            initial["date_of_birth"] = born  # shown as day/month/year (DateField), and editable
        form = ScreeningForm(initial=initial)
        if born is not None:
            form.fields["date_of_birth"].help_text = _("%(hint)s. From her registration: correct it here if "
                                                       "needed.") % {"hint": form.fields["date_of_birth"].help_text}
        status = 200
    return render(request, "identification/screening_form.html", {
        "case": case,
        "form": form,
        "element_fields": [
            (labels.ELEMENT_LABELS["act"], form["acts"], form["acts_none"]),
            (labels.ELEMENT_LABELS["means"], form["means"], form["means_none"]),
            (labels.ELEMENT_LABELS["purpose"], form["purposes"], form["purposes_none"]),
        ],
    }, status=status)


# --- Result page -------------------------------------------------------------------------------------


def _message(msg: dict[str, Any]) -> dict[str, Any]:
    code = msg.get("code", "")
    items = list(msg.get("items") or [])
    text = str(labels.MESSAGE_LABELS.get(code, msg.get("message", "")))
    shown_items: list[str] = []
    if code == "aggravating_circumstance":
        text = labels.code_label(items[0]) if items and items[0] in labels.AGGRAVATION_LABELS else text
    elif code == "combination_rule":
        text = labels.code_label(items[0]) if items else text
    if code == "dimension_positive":
        dim = _dimension_of(items, msg.get("message", ""))
        if dim in labels.DIMENSION_LABELS:
            text = _("Dimension %(number)s is met: %(name)s.") % {"number": dim[1:],
                                                                  "name": labels.DIMENSION_LABELS[dim]}
    if code in ("dimension_positive", "indicators_ignored", "indicator_weight_disputed", "purpose_not_enumerated",
                  "act_not_enumerated", "means_not_enumerated", "unverified_weights"):
        shown_items = [labels.code_label(i) for i in items]
    elif code == "exploitation_without_trafficking_dimensions":
        shown_items = [labels.missing_label(i) for i in items]
    return {"code": code, "text": text, "items": shown_items, "english": msg.get("message", ""),
            "source": msg.get("source") or ""}


def _dimension_of(items: list[str], english: str) -> str:
    """The dimension a ``dimension_positive`` note speaks of: its indicators' prefix, else the engine's
    English text ("D5 (…) is positive: …")."""
    return items[0].split(".", 1)[0] if items else english.split(" ", 1)[0]


def _unnamed(output: dict[str, Any]) -> dict[str, set[str]]:
    """Per element, the codes recorded that the frame does not name (from its *_not_enumerated notes)."""
    unnamed: dict[str, set[str]] = {"act": set(), "means": set(), "purpose": set()}
    for note in output.get("notes", []):
        kind = {"act_not_enumerated": "act", "means_not_enumerated": "means",
                "purpose_not_enumerated": "purpose"}.get(note["code"])
        if kind:
            unnamed[kind].update(note.get("items") or [])
    return unnamed


def _element_rows(output: dict[str, Any], observation: dict[str, Any]) -> list[dict[str, Any]]:
    unnamed = _unnamed(output)
    rows = []
    for element, key in (("act", "acts"), ("means", "means"), ("purpose", "purposes")):
        value = output.get("elements", {}).get(element)
        recorded = observation.get(key)
        drivers = [labels.code_label(c) for c in (recorded or []) if c not in unnamed[element]]
        rows.append({
            "label": labels.ELEMENT_LABELS[element],
            "value": value,
            "drivers": drivers,
            "unnamed": [labels.code_label(c) for c in (recorded or []) if c in unnamed[element]],
            "not_required": element == "means" and output.get("child") and value is not True,
        })
    return rows


def _dimension_rows(output: dict[str, Any], observation: dict[str, Any]) -> list[dict[str, Any]]:
    observed = observation.get("indicators") or []
    rows = []
    for dim, counts in output.get("dimensions", {}).items():
        rows.append({
            "id": dim,
            "number": dim[1:],
            "label": labels.DIMENSION_LABELS.get(dim, dim),
            "positive": counts["positive"],
            "counts": gaps.counts_text(counts),
            "drivers": [labels.code_label(c) for c in observed if c.startswith(f"{dim}.")],
        })
    return rows


def _profile(output: dict[str, Any], observation: dict[str, Any]) -> str | None:
    """The indicator set an ILO/EC result used: the one recorded, else the one the engine derived."""
    if observation.get("profile"):
        return str(observation["profile"])
    for note in output.get("notes", []):
        if note.get("code") == "profile_derived" and note.get("items"):
            return str(note["items"][0])
    return None


def _missing_rows(row: ScreeningResult, observation: dict[str, Any]) -> list[dict[str, Any]]:
    """What is missing, each with what is missing inside it: for a group of dimensions, each dimension's
    counted signs and the smallest sets of further signs that would meet it; for an element, the codes
    recorded that the frame does not name."""
    output = row.output
    dims: dict[str, Any] = output.get("dimensions") or {}
    available = (gaps.available_signs(row.ruleset, row.ruleset_version, _profile(output, observation), dims)
                 if dims else None)
    unnamed = _unnamed(output)
    rows = []
    for item in output.get("missing", []):
        group = item.split("|")
        dimensions = []
        if dims and all(d in dims for d in group):
            for d in group:
                left = None if available is None else available.get(d, dict.fromkeys(gaps.WEIGHTS, 0))
                dimensions.append({
                    "label": f"{d[1:]}. {labels.DIMENSION_LABELS.get(d, d)}",
                    "counts": gaps.counts_text(dims[d]),
                    "options": [gaps.additions_text(a) for a in gaps.smallest_additions(dims[d], left)],
                })
        rows.append({
            "text": labels.missing_label(item),
            "dimensions": dimensions,
            "unnamed": [labels.code_label(c) for c in sorted(unnamed.get(item, ()))],
        })
    return rows


def _frame(row: ScreeningResult, observation: dict[str, Any]) -> dict[str, Any]:
    output = row.output
    return {
        "row": row,
        "label": labels.RULESET_LABELS.get(row.ruleset, row.ruleset),
        "outcome_label": labels.OUTCOME_LABELS.get(row.outcome, row.outcome),
        "outcome_style": labels.OUTCOME_STYLES.get(row.outcome, "secondary"),
        "is_ilo": bool(output.get("dimensions")) or row.ruleset == "ilo-ec-2009",
        "child": output.get("child"),
        "presumed": output.get("presumption_of_minority_applied"),
        "elements": _element_rows(output, observation) if output.get("elements") else [],
        "dimensions": _dimension_rows(output, observation),
        "missing": _missing_rows(row, observation),
        "notes": [_message(m) for m in output.get("notes", [])],
        "warnings": [_message(m) for m in output.get("warnings", [])],
    }


def _observation_summary(observation: dict[str, Any]) -> dict[str, Any]:
    """What was recorded, as labels. The date of birth itself is not shown again (identifying)."""
    from jisr.identification.engine.age import assess_age

    obs = engine.Observation.from_dict(observation)
    age = assess_age(obs, 18)

    def names(key: str) -> list[str] | None:
        value = observation.get(key)
        return None if value is None else [labels.code_label(c) for c in value]

    return {
        "age": age.age, "age_uncertain": obs.age_uncertain, "believed_minor": obs.believed_minor,
        "act_date": obs.act_date,
        "acts": names("acts"), "means": names("means"), "purposes": names("purposes"),
        "indicators": names("indicators"),
        "profile": labels.PROFILE_LABELS.get(obs.profile or "", None),
        "consent": obs.consent, "will_overridden": obs.will_overridden,
        "exploitation_occurred": obs.exploitation_occurred,
    }


@login_required
def screening_detail(request: HttpRequest, screening_id: str) -> HttpResponse:
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    user: User = request.user  # type: ignore[assignment]
    return _detail_page(request, user, screening_get_for_user(user, screening_id))


def _detail_page(request: HttpRequest, user: User, screening: Screening, status: int = 200) -> HttpResponse:
    rows = list(screening.results.select_related("evaluated_by").order_by("run", "created_at"))
    runs = sorted({r.run for r in rows})
    latest = runs[-1] if runs else 0
    try:
        shown = int(request.GET.get("run", latest))
    except ValueError:
        shown = latest
    if shown not in runs:
        shown = latest
    try:
        observation = services.screening_observation(screening)
        readable = True
    except DecryptionError:
        observation, readable = {}, False
    order = {rid: i for i, rid in enumerate(screening.rulesets)}
    shown_rows = sorted((r for r in rows if r.run == shown), key=lambda r: order.get(r.ruleset, 99))
    history = []
    for run in reversed(runs):
        in_run = sorted((r for r in rows if r.run == run), key=lambda r: order.get(r.ruleset, 99))
        history.append({"run": run, "at": in_run[0].created_at, "by": in_run[0].evaluated_by,
                        "rows": [{"label": labels.RULESET_LABELS.get(r.ruleset, r.ruleset),
                                  "version": r.ruleset_version,
                                  "outcome": labels.OUTCOME_LABELS.get(r.outcome, r.outcome),
                                  "style": labels.OUTCOME_STYLES.get(r.outcome, "secondary")} for r in in_run]})
    case: Case = screening.case
    return render(request, "identification/screening_detail.html", {
        "screening": screening,
        "case": case,
        "frames": [_frame(r, observation) for r in shown_rows],
        "shown_run": shown,
        "latest_run": latest,
        "history": history,
        "summary": _observation_summary(observation) if readable else None,
        "readable": readable,
        "can_reevaluate": (user.capabilities.write_cases and user.organisation == case.organisation
                           and readable and not case.person.is_erased and case.status == CaseStatus.OPEN),
        "closed": case.status != CaseStatus.OPEN,
    }, status=status)


@login_required
@require_POST
def screening_reevaluate(request: HttpRequest, screening_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    screening: Screening = screening_get_for_user(user, screening_id, log_read=False)
    if not user.capabilities.write_cases or user.organisation != screening.case.organisation:
        raise PermissionDenied
    try:
        services.screening_reevaluate(actor=user, screening=screening)
    except StateError as exc:
        # A closed case (no button is offered, but an old tab may still post) or an erased person: refused,
        # nothing recorded; the result page again, saying why (409, as a new screening there).
        messages.error(request, _(CLOSED_REEVALUATE) if "closed" in str(exc) else _refusal(exc))
        # The page shows the screening: a read, audited as the GET would be.
        return _detail_page(request, user, screening_get_for_user(user, screening_id), status=409)
    except (DomainError, ValueError, DecryptionError) as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("Evaluated again with the current rules. Earlier results are kept below."))
    return _see_other("identification:screening_detail", screening_id=screening.pk)
