"""Thin views of the care page (/cases/<uuid>/care/?tab=…), the follow-ups dashboard and trainings.

Every record is fetched through the case scope (`case_get_for_user`, 404 otherwise); writes go only
through `care.services`; a refused write re-renders the page with the form and a translated message
and changes nothing. URLs carry UUIDs only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_countries import countries

from jisr.accounts.models import User
from jisr.accounts.roles import Role
from jisr.audit.services import audit_record
from jisr.care import forms as f
from jisr.care import selectors as sel
from jisr.care import services as svc
from jisr.care.models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Consent,
    Domain,
    Goal,
    NeedLevel,
    RiskReason,
    Service,
)
from jisr.cases.models import Case, CaseStatus
from jisr.cases.selectors import case_get_for_user
from jisr.common.errors import ConflictError, DomainError, PermissionDeniedError, StateError
from jisr.common.pdf import render_pdf

TABS = (
    ("overview", gettext_lazy("Overview")),
    ("consent", gettext_lazy("Consent")),
    ("risk", gettext_lazy("Risk and safety")),
    ("legal", gettext_lazy("Reflection period and proceedings")),
    ("plan", gettext_lazy("Needs and care plan")),
    ("services", gettext_lazy("Services")),
    ("followups", gettext_lazy("Follow-ups")),
    ("trainings", gettext_lazy("Trainings")),
    ("approvals", gettext_lazy("Approvals and closure")),
)
TAB_KEYS = {k for k, _label in TABS}

MESSAGES = {
    "this role may not change cases": gettext_lazy("Your role does not allow you to change cases."),
    "the case is closed; reopen it first": gettext_lazy("The case is closed. Reopen it first."),
    "this person's identity was erased": gettext_lazy("This person's identity was erased."),
    "name the recipient of the referral or sharing": gettext_lazy("Name the recipient of the referral or sharing."),
    "a recipient is only for referral or sharing": gettext_lazy("A recipient is only for a referral or for sharing."),
    "the recipient's country is a two-letter code": gettext_lazy("Give the recipient's country as two letters."),
    "oral consent needs a witness": gettext_lazy("Oral consent needs a witness."),
    svc.CHILD_CONSENT_BY_GUARDIAN: f.CHILD_CONSENT_MESSAGE,
    "the consent date cannot be in the future": gettext_lazy("The consent date cannot be in the future."),
    "the end of validity is before the consent date": gettext_lazy("The end of validity is before the consent date."),
    "this consent was already withdrawn": gettext_lazy("This consent was already withdrawn."),
    "the withdrawal date is before the consent date": gettext_lazy("The withdrawal date is before the consent date."),
    "the withdrawal date cannot be in the future": gettext_lazy("The withdrawal date cannot be in the future."),
    "say why the risk is high": gettext_lazy("Tick at least one reason for a high or critical risk."),
    "the assessment date cannot be in the future": gettext_lazy("The assessment date cannot be in the future."),
    "the review date is before the assessment": gettext_lazy("The review date is before the assessment."),
    "type the length of the period (none is configured for this jurisdiction)": gettext_lazy(
        "Type the length of the period: none is configured for this jurisdiction."
    ),
    "the length must be between 1 and 730 days": gettext_lazy("The length must be between 1 and 730 days."),
    "the period cannot be shorter than the law's minimum": gettext_lazy(
        "The period cannot be shorter than the legal minimum."
    ),
    "describe the goal": gettext_lazy("Describe the goal."),
    "name the provider": gettext_lazy("Name the provider."),
    "the end date is before the start date": gettext_lazy("The end date is before the start date."),
    "the date cannot be in the future": gettext_lazy("The date cannot be in the future."),
    "this follow-up is already done": gettext_lazy("This follow-up is already done."),
    "this follow-up was cancelled": gettext_lazy("This follow-up was cancelled."),
    "unknown reason for cancelling": gettext_lazy("Choose a reason from the list."),
    "the care plan has no goal yet": gettext_lazy("The care plan has no goal yet."),
    "a request is already waiting for the supervisor": gettext_lazy("A request is already waiting for the supervisor."),
    "only a supervisor may approve": gettext_lazy("Only a supervisor may approve."),
    "a request must be approved by someone else": gettext_lazy("A request must be approved by someone else."),
    "this request was already decided": gettext_lazy("This request was already decided."),
    "give the topic and the organiser": gettext_lazy("Give the topic and the organiser."),
    "the text is too long (20,000 characters at most)": gettext_lazy(
        "The text is too long (20,000 characters at most)."
    ),
}


def see_other(url: str) -> HttpResponse:
    """303 See Other after a successful POST (post/redirect/get)."""
    response = redirect(url)
    response.status_code = 303
    return response


def care_message(exc: Exception) -> str:
    known = MESSAGES.get(str(exc))
    if known is not None:
        return str(known)
    if isinstance(exc, PermissionDeniedError):
        return _("Your role does not allow this action.")
    if isinstance(exc, ConflictError):
        return _(
            "Someone else changed this while you were working on it. Nothing was saved: look again and "
            "repeat your change if it is still needed."
        )
    if isinstance(exc, StateError):
        return _("This is not possible in the record's current state.")
    return _("The request could not be completed: please check what you entered.")


def _unsealed(user: User, objs: Any, field: str, case: Case) -> list[dict[str, Any]]:
    return [{"obj": o, "text": sel.sealed_text(user, o, field, case.person)} for o in objs]


def _consent_recipients(organisation: Any) -> list[str]:
    """Names a referral consent may name (referrals app; imported here to keep care free of it at import)."""
    from jisr.referrals.selectors import consent_recipient_names

    return consent_recipient_names(organisation)


FOLLOWUPS_PER_PAGE = 20


def _context(request: HttpRequest, case: Case, tab: str, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    trainings = sel.trainings_visible_to(user)
    today_text = f._today_text()
    jurisdiction = case.organisation.country.code if case.organisation.country.code in ("MA", "ES") else "MA"
    age_on = svc.age_reader(case.person)  # her date of birth decrypted once for the page
    # name -> how to build it. Only the forms of the shown tab are built (each costs a deep copy of its
    # fields; the consent form also three queries for its recipients): each is made on first use.
    # A tab shows several forms with the same field names (comment, domain, notes…): each form's ids get
    # their own prefix, or a label would point at another form's box.
    makers: dict[str, Callable[..., Any]] = {
        "consent_form": lambda **kw: f.ConsentForm(
            initial={"given_on": today_text}, recipients=_consent_recipients(case.organisation), age_on=age_on, **kw
        ),
        "withdraw_form": f.WithdrawForm,
        "risk_form": lambda **kw: f.RiskForm(initial={"assessed_on": today_text}, **kw),
        "reflection_form": lambda **kw: f.ReflectionForm(
            initial={"jurisdiction": jurisdiction, "starts_on": today_text}, **kw
        ),
        "proceeding_form": f.ProceedingForm,
        "need_form": lambda **kw: f.NeedForm(initial={"assessed_on": today_text}, **kw),
        "goal_form": lambda **kw: f.GoalForm(trainings=trainings, **kw),
        "service_form": lambda **kw: f.ServiceForm(initial={"starts_on": today_text}, **kw),
        "followup_form": f.FollowUpForm,
        "done_form": lambda **kw: f.FollowUpDoneForm(initial={"done_on": today_text}, **kw),
        "cancel_form": f.FollowUpCancelForm,
        "plan_form": f.ApprovalRequestForm,
        "closure_form": f.ClosureRequestForm,
        "decision_form": f.DecisionForm,
        "attendance_form": lambda **kw: f.AttendanceForm(trainings=trainings, **kw),
        "goal_status_form": f.GoalStatusForm,
        "service_status_form": f.ServiceStatusForm,
    }
    forms: dict[str, Any] = {
        name: SimpleLazyObject(functools.partial(make, auto_id=f"{name.removesuffix('_form')}_%s"))
        for name, make in makers.items()
    }
    forms.update(bound or {})
    today = timezone.localdate()
    # The page shows one tab: what the other tabs list is loaded (and decrypted) only if the template asks
    # for it. Each entry is computed once, on first use.
    lazy = SimpleLazyObject

    # A refused "mark as done" comes back bound: it belongs to the follow-up its URL names, the others
    # get blank forms.
    refused_followup = str((request.resolver_match.kwargs if request.resolver_match else {}).get("followup_id", ""))

    def follow_ups() -> list[dict[str, Any]]:
        rows = _unsealed(user, followups_page.object_list, "notes", case)
        for fu in rows:  # one "mark as done" form per follow-up, each with its own ids
            mine = str(fu["obj"].pk) == refused_followup
            fu["done_form"] = (
                forms["done_form"]
                if forms["done_form"].is_bound and mine
                else f.FollowUpDoneForm(initial={"done_on": today_text}, auto_id=f"done_{fu['obj'].pk}_%s")
            )
            # The cancel box is drawn by the template from `cancel_options` (one <select>, no form to build:
            # a page shows up to 20 follow-ups); only a refused one comes back as its bound form.
            fu["cancel_form"] = forms["cancel_form"] if forms["cancel_form"].is_bound and mine else None
        return rows

    def needs_table() -> list[dict[str, Any]]:
        current: dict[str, Any] = {}
        for n in case.needs.order_by("domain", "-assessed_on", "-created_at"):
            current.setdefault(n.domain, n)
        return [{"domain": label, "code": code, "need": current.get(code)} for code, label in Domain.choices]

    # Those still to do first (soonest due first), then those done (latest first), a page at a time: a
    # case followed for years has hundreds, each still to do with its own "mark as done" form.
    followups_page = Paginator(
        case.follow_ups.select_related("assigned_to").order_by(
            Coalesce("done_on", "cancelled_on").desc(nulls_first=True), "due_on", "created_at", "pk"
        ),
        FOLLOWUPS_PER_PAGE,
    ).get_page(request.GET.get("page") if tab == "followups" else 1)
    goals = lazy(lambda: list(case.goals.select_related("training")))
    reflection = case.reflection_periods.first()
    pending = list(case.approvals.filter(status=ApprovalStatus.PENDING).select_related("requested_by"))
    is_open = case.status == CaseStatus.OPEN
    can_write = user.capabilities.write_cases and user.organisation == case.organisation
    erased = case.person.is_erased
    return {
        # The options of every follow-up's cancel box, escaped and joined once for the page.
        "cancel_options": format_html_join(
            "", '<option value="{}">{}</option>', f.FollowUpCancelForm.base_fields["reason"].choices  # type: ignore[attr-defined]
        ),
        "case": case,
        "tab": tab,
        "tabs": TABS,
        "today": today,
        "is_open": is_open,
        "can_write": can_write,
        "erased": erased,
        # Under 18 today (Palermo Protocol art. 3(d)): the header says so, and the consent tab asks for a
        # parent's or legal guardian's consent.
        "child": svc.is_child(age_on(today)),
        # The write forms (nothing new is recorded on a closed case, or about a person whose identity was
        # erased: the services refuse both; the page says why instead of offering forms).
        "can_record": can_write and is_open and not erased,
        "is_supervisor": user.role == Role.SUPERVISOR,
        "may_read_sealed": sel.may_read_sealed(user),
        "consents": lazy(
            lambda: [
                {
                    "obj": c,
                    "in_force": c.in_force_on(today),
                    "witness": sel.sealed_text(user, c, "witness_name", case.person),
                }
                for c in case.consents.all()
            ]
        ),
        "risk_assessments": lazy(
            lambda: _unsealed(user, case.risk_assessments.select_related("assessed_by"), "safety_plan", case)
        ),
        "reflection": reflection,
        "reflection_days_left": (reflection.ends_on - today).days if reflection else None,
        "proceedings": lazy(lambda: _unsealed(user, case.proceedings.all(), "notes", case)),
        "needs_table": lazy(needs_table),
        "needs_history": lazy(
            lambda: _unsealed(user, case.needs.order_by("-assessed_on", "-created_at")[:50], "notes", case)
        ),
        "goals": lazy(
            lambda: [{"obj": g, "text": sel.sealed_text(user, g, "description", case.person)} for g in goals]
        ),
        # A number for {% blocktranslate count %} (a lazy object is not one); only the overview shows it.
        "goal_domains": len({g.domain for g in goals}) if tab == "overview" else 0,
        "services": lazy(lambda: _unsealed(user, case.services.all(), "notes", case)),
        "follow_ups": lazy(follow_ups),
        "page": followups_page if tab == "followups" else None,
        "page_query": "tab=followups",
        "attendances": case.attendances.select_related("training"),
        "approvals": lazy(
            lambda: _unsealed(user, case.approvals.select_related("requested_by", "decided_by"), "comment", case)
        ),
        "pending": pending,
        "pending_closure": any(a.kind == ApprovalKind.CLOSURE for a in pending),
        "need_levels": NeedLevel,
        "risk_reason_labels": dict(RiskReason.choices),
        **forms,
    }


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab", "overview")
    return tab if tab in TAB_KEYS else "overview"


@login_required
@require_GET
def case_care(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_get_for_user(request.user, case_id)  # type: ignore[arg-type]
    return render(request, "care/case_care.html", _context(request, case, _tab(request)))


def _handle(
    request: HttpRequest,
    case_id: str,
    tab: str,
    form_name: str,
    form: Any,
    action: Callable[[User, Case, dict[str, Any]], Any],
    success: Any,
) -> HttpResponse:
    """Validate `form`, run `action(user, case, cleaned_data)`; on success redirect to the tab, else
    re-render the tab with the bound form and a message (400 for input, 403 role, 409 state)."""
    user: User = request.user  # type: ignore[assignment]
    case = case_get_for_user(user, case_id, log_read=False)
    if not (user.capabilities.write_cases and user.organisation == case.organisation):
        raise PermissionDenied
    status = 400
    if form.is_valid():
        try:
            action(user, case, form.cleaned_data)
        except (DomainError, ValueError) as exc:
            form.add_error(None, care_message(exc))
            status = 409 if isinstance(exc, StateError) else 403 if isinstance(exc, PermissionDeniedError) else 400
        else:
            messages.success(request, str(success))
            # Back where she was: the tab, and on the follow-ups its page (the form's address carries it).
            page = request.GET.get("page", "")
            keep = f"&page={int(page)}" if tab == "followups" and page.isdecimal() and 1 < int(page) < 10**6 else ""
            return see_other(reverse("care:case_care", kwargs={"case_id": case.pk}) + f"?tab={tab}{keep}")
    # Refused: the tab again, with what it shows of her care: a read, audited as the GET's.
    audit_record(actor=user, action="case.view", target=case)
    ctx = _context(request, case, tab, {form_name: form})
    ctx["error_form"] = form
    return render(request, "care/case_care.html", ctx, status=status)


@login_required
@require_POST
def consent_add(request: HttpRequest, case_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Consent:
        return svc.consent_record(
            actor=user,
            case=case,
            purpose=d["purpose"],
            given_by=d["given_by"],
            method=d["method"],
            language=d["language"],
            given_on=d["given_on"],
            valid_until=d["valid_until"],
            recipient=d["recipient"],
            recipient_country=d["recipient_country"],
            witness_name=d["witness_name"],
        )

    case = case_get_for_user(request.user, case_id, log_read=False)  # type: ignore[arg-type]
    form = f.ConsentForm(
        request.POST, recipients=_consent_recipients(case.organisation), age_on=svc.age_reader(case.person)
    )
    return _handle(request, case_id, "consent", "consent_form", form, act, gettext_lazy("Consent recorded."))


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, case_id: str, consent_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Consent:
        return svc.consent_withdraw(
            actor=user, consent=sel.consent_get(user, case, consent_id), withdrawn_on=d["withdrawn_on"]
        )

    return _handle(
        request,
        case_id,
        "consent",
        "withdraw_form",
        f.WithdrawForm(request.POST),
        act,
        gettext_lazy("Withdrawal of consent recorded."),
    )


@login_required
@require_GET
def consent_pdf(request: HttpRequest, case_id: str, consent_id: str) -> HttpResponse:
    """The consent form in the consent's language (plain language; RTL for Arabic). The file name is
    the consent's UUID: no personal data in file names."""
    user: User = request.user  # type: ignore[assignment]
    case = case_get_for_user(user, case_id)
    consent = sel.consent_get(user, case, consent_id)
    language = request.GET.get("lang") or consent.language
    if language not in ("ar", "fr", "es"):
        language = consent.language
    with translation.override(language):
        country = str(countries.name(consent.recipient_country)) if consent.recipient_country else ""
    # The witness of an oral consent is named on the form (sealed under her key; read with the case).
    witness = (
        sel.sealed_text(user, consent, "witness_name", case.person) if consent.method == "oral_witnessed" else ""
    )
    if not isinstance(witness, str):  # not the care team, erased or unreadable: a blank line to write on
        witness = ""
    pdf = render_pdf(
        "care/consent_pdf.html",
        {"consent": consent, "case": case, "organisation": case.organisation, "recipient_country": country,
         "witness": witness},
        language=language,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="consent-{consent.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def risk_add(request: HttpRequest, case_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.risk_assessment_record(
            actor=user,
            case=case,
            level=d["level"],
            reasons=d["reasons"],
            assessed_on=d["assessed_on"],
            review_on=d["review_on"],
            safety_plan=d["safety_plan"],
        )

    return _handle(
        request, case_id, "risk", "risk_form", f.RiskForm(request.POST), act, gettext_lazy("Risk assessment recorded.")
    )


@login_required
@require_POST
def reflection_add(request: HttpRequest, case_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.reflection_period_start(
            actor=user,
            case=case,
            jurisdiction=d["jurisdiction"],
            starts_on=d["starts_on"],
            length_days=d["length_days"],
            informed_on=d["informed_on"],
        )

    return _handle(
        request,
        case_id,
        "legal",
        "reflection_form",
        f.ReflectionForm(request.POST),
        act,
        gettext_lazy("Reflection period recorded."),
    )


@login_required
@require_POST
def proceeding_add(request: HttpRequest, case_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.proceeding_record(actor=user, case=case, kind=d["kind"], on=d["on"], notes=d["notes"])

    return _handle(
        request,
        case_id,
        "legal",
        "proceeding_form",
        f.ProceedingForm(request.POST),
        act,
        gettext_lazy("Entry added to the proceedings log."),
    )


@login_required
@require_POST
def need_add(request: HttpRequest, case_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.need_assess(
            actor=user, case=case, domain=d["domain"], level=d["level"], assessed_on=d["assessed_on"], notes=d["notes"]
        )

    return _handle(request, case_id, "plan", "need_form", f.NeedForm(request.POST), act, gettext_lazy("Need recorded."))


@login_required
@require_POST
def goal_add(request: HttpRequest, case_id: str) -> HttpResponse:
    form = f.GoalForm(request.POST, trainings=sel.trainings_visible_to(request.user))  # type: ignore[arg-type]

    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.goal_add(
            actor=user,
            case=case,
            domain=d["domain"],
            description=d["description"],
            target_on=d["target_on"],
            training=d["training"],
        )

    return _handle(request, case_id, "plan", "goal_form", form, act, gettext_lazy("Goal added."))


@login_required
@require_POST
def goal_status(request: HttpRequest, case_id: str, goal_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        goal = sel._case_child(Goal, user, case, goal_id)
        return svc.goal_set_status(actor=user, goal=goal, status=d["status"], expected_status=d.get("current") or None)

    return _handle(
        request, case_id, "plan", "goal_status_form", f.GoalStatusForm(request.POST), act, gettext_lazy("Goal updated.")
    )


@login_required
@require_POST
def service_add(request: HttpRequest, case_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.service_record(
            actor=user,
            case=case,
            service_type=d["service_type"],
            domain=d["domain"],
            in_house=d["in_house"],
            provider=d["provider"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            status=d["status"],
            notes=d["notes"],
        )

    return _handle(
        request,
        case_id,
        "services",
        "service_form",
        f.ServiceForm(request.POST),
        act,
        gettext_lazy("Service recorded."),
    )


@login_required
@require_POST
def service_status(request: HttpRequest, case_id: str, service_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        service = sel._case_child(Service, user, case, service_id)
        return svc.service_set_status(
            actor=user, service=service, status=d["status"], expected_status=d.get("current") or None
        )

    return _handle(
        request,
        case_id,
        "services",
        "service_status_form",
        f.ServiceStatusForm(request.POST),
        act,
        gettext_lazy("Service updated."),
    )


@login_required
@require_POST
def followup_add(request: HttpRequest, case_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.followup_schedule(actor=user, case=case, kind=d["kind"], due_on=d["due_on"], notes=d["notes"])

    return _handle(
        request,
        case_id,
        "followups",
        "followup_form",
        f.FollowUpForm(request.POST),
        act,
        gettext_lazy("Follow-up scheduled."),
    )


@login_required
@require_POST
def followup_done(request: HttpRequest, case_id: str, followup_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.followup_complete(
            actor=user,
            follow_up=sel.followup_get(user, case, followup_id),
            done_on=d["done_on"],
            notes=d["notes"],
            next_due_on=d["next_due_on"],
        )

    return _handle(
        request,
        case_id,
        "followups",
        "done_form",
        f.FollowUpDoneForm(request.POST),
        act,
        gettext_lazy("Follow-up marked as done."),
    )


@login_required
@require_POST
def followup_cancel(request: HttpRequest, case_id: str, followup_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.followup_cancel(
            actor=user, follow_up=sel.followup_get(user, case, followup_id), reason=d["reason"]
        )

    return _handle(
        request, case_id, "followups", "cancel_form", f.FollowUpCancelForm(request.POST), act,
        gettext_lazy("Follow-up cancelled."),
    )


@login_required
@require_POST
def attendance_add(request: HttpRequest, case_id: str) -> HttpResponse:
    form = f.AttendanceForm(request.POST, trainings=sel.trainings_visible_to(request.user))  # type: ignore[arg-type]

    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.attendance_record(
            actor=user, case=case, training=d["training"], attended=d["attended"], completed=d["completed"]
        )

    return _handle(request, case_id, "trainings", "attendance_form", form, act, gettext_lazy("Attendance recorded."))


@login_required
@require_POST
def plan_submit(request: HttpRequest, case_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.care_plan_submit(actor=user, case=case, comment=d["comment"])

    return _handle(
        request,
        case_id,
        "approvals",
        "plan_form",
        f.ApprovalRequestForm(request.POST),
        act,
        gettext_lazy("The care plan was sent to the supervisor for approval."),
    )


@login_required
@require_POST
def closure_request(request: HttpRequest, case_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Any:
        return svc.closure_request(actor=user, case=case, reason=d["reason"], comment=d["comment"])

    return _handle(
        request,
        case_id,
        "approvals",
        "closure_form",
        f.ClosureRequestForm(request.POST),
        act,
        gettext_lazy("Closure was sent to the supervisor for approval."),
    )


@login_required
@require_POST
def approval_decide(request: HttpRequest, case_id: str, approval_id: str) -> HttpResponse:
    def act(user: User, case: Case, d: dict[str, Any]) -> Approval:
        approval = sel.approval_get(user, case, approval_id)
        if d["decision"] == "approve":
            return svc.approval_approve(actor=user, approval=approval, comment=d["comment"])
        return svc.approval_reject(actor=user, approval=approval, comment=d["comment"])

    return _handle(
        request,
        case_id,
        "approvals",
        "decision_form",
        f.DecisionForm(request.POST),
        act,
        gettext_lazy("Decision recorded."),
    )


# --- Pages outside a case ------------------------------------------------------------------------------


@login_required
@require_GET
def followups_due(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "care/followups_due.html", {"board": sel.followups_dashboard(user)})


@login_required
def trainings(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.organisation is None or user.capabilities.case_scope == "none":
        raise PermissionDenied
    form = f.TrainingForm(initial={"starts_on": f._today_text()})
    status = 200
    if request.method == "POST":
        if not user.capabilities.write_cases:
            raise PermissionDenied
        form = f.TrainingForm(request.POST)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                svc.training_create(
                    actor=user,
                    kind=d["kind"],
                    topic=d["topic"],
                    organiser=d["organiser"],
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                )
            except (DomainError, ValueError) as exc:
                form.add_error(None, care_message(exc))
            else:
                messages.success(request, _("Training saved."))
                return see_other(reverse("care:trainings"))
    elif request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    rows = sel.trainings_visible_to(user).prefetch_related("attendances")
    return render(
        request,
        "care/trainings.html",
        {
            "form": form,
            "trainings": rows,
            "can_write": user.capabilities.write_cases,
        },
        status=status,
    )
