"""Thin views: outbox, inbox, referral detail, create from the case page, transitions, open a case from
an accepted referral, `.jisr` import/download, and the partner directory for coordinators.

Records come through scoped selectors (404 otherwise); writes only through `referrals.services`; a
refused write answers 403/409/400 with a translated message and changes nothing. URLs carry UUIDs only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jisr.accounts.mfa import second_factor_recently
from jisr.accounts.models import Organisation, User
from jisr.accounts.roles import Role
from jisr.audit.services import audit_record
from jisr.cases.selectors import case_get_for_user
from jisr.common.errors import PermissionDeniedError, StateError
from jisr.referrals import envelope as env
from jisr.referrals import forms as f
from jisr.referrals import selectors as sel
from jisr.referrals import services as svc
from jisr.referrals import statemachine as sm
from jisr.referrals.models import (
    Category,
    DeclineReason,
    OutboundMessage,
    Outcome,
    Partner,
    Referral,
    ReferralReason,
    ReferralState,
)
from jisr.referrals.package import CATEGORY_FIELDS
from jisr.referrals.templatetags.jisr_referrals import labelled_package, list_separator
from jisr.web.templatetags.jisr_web import arrow

MESSAGES = {
    "this role may not refer cases": gettext_lazy("Your role does not allow you to refer cases."),
    "the case is closed; reopen it first": gettext_lazy("The case is closed. Reopen it first."),
    "this person's identity was erased": gettext_lazy("This person's identity was erased."),
    "choose one recipient": gettext_lazy("Choose one recipient."),
    "this case already has an open referral to this recipient": gettext_lazy(
        "This case already has an open referral to this recipient. Follow that one, or withdraw it before "
        "referring again."),
    "choose at least one category of data to share": gettext_lazy("Choose at least one category of data to share."),
    "give the reason for the referral": gettext_lazy("Give the reason for the referral."),
    "no referral consent in force names this recipient": gettext_lazy(
        "No referral consent in force names this recipient. Record the person's consent first."),
    "this partner's fingerprint has not been confirmed": gettext_lazy(
        "This partner's fingerprint has not been confirmed yet."),
    "this partner works with another organisation": gettext_lazy("This partner works with another organisation."),
    "choose another team of this organisation": gettext_lazy("Choose another team of this organisation."),
    "choose another organisation, or a team of yours": gettext_lazy("Choose another organisation, or a team of yours."),
    "reopening needs a note": gettext_lazy("Reopening needs a note."),
    "give the reason for declining": gettext_lazy("Give the reason for declining."),
    "this is not possible in the referral's current state": gettext_lazy(
        "This is not possible in the referral's current state."),
    "you are not on this side of the referral": gettext_lazy("You are not on this side of the referral."),
    "only an accepted referral without a case can become a case": gettext_lazy(
        "Only an accepted referral without a case can become a case."),
    "the assignee must be a case worker or supervisor of this organisation": gettext_lazy(
        "Choose a case worker or supervisor of your organisation."),
    "the shared identity cannot be registered as it is": gettext_lazy(
        "The identity shared with this referral cannot be registered as it is: a field does not have the expected "
        "form. Nothing was created; ask the sender to check what was shared."),
    "the fingerprint does not match the partner's keys": gettext_lazy(
        "The fingerprint does not match the partner's keys. Do not use this partner; call them again."),
    "this partner is already confirmed": gettext_lazy("This partner is already confirmed."),
    "the partner's inbox URL must use https": gettext_lazy("The partner's inbox URL must use https."),
    "the public keys file is not valid": gettext_lazy("The public keys file is not valid."),
    "a partner with this name or these keys already exists": gettext_lazy(
        "A partner with this name or these keys already exists."),
    "these are this instance's own keys": gettext_lazy("These are this instance's own keys."),
    "give the partner a name": gettext_lazy("Give the partner a name."),
    "only a coordinator manages partners": gettext_lazy("Only a coordinator manages partners."),
}
ENVELOPE_MESSAGES = {
    "malformed": gettext_lazy("This is not a valid referral file."),
    "not_for_us": gettext_lazy("This file was sealed for another instance."),
    "unknown_sender": gettext_lazy("This file comes from an unknown or unconfirmed partner."),
    "bad_signature": gettext_lazy("The signature is not valid: the file was altered or signed by someone else."),
    "wrong_recipient": gettext_lazy("This file names another recipient."),
    "expired": gettext_lazy("This file has expired."),
    # env.TooOldError (its code stays "expired" for the partner): within the expiry its sender wrote, but
    # older than this instance accepts (JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS). Only a new file helps.
    "too_old": gettext_lazy("This file is older than your organisation accepts. Ask the partner to send it again."),
    "replay": gettext_lazy("This file was already imported."),
    "consent_expired": gettext_lazy(
        "The consent this referral rests on has expired: nothing of it was kept. Ask the partner to record a new "
        "consent and send the referral again."),
}
# On a referral whose sharing ended (`Referral.sharing_ended`) while its state goes on: why, as the recipient
# reads it, and as the sender does.
SHARING_ENDED_RECIPIENT = {
    "consent_withdrawn": gettext_lazy(
        "The person withdrew the consent this referral rested on: what it shared was removed."),
    "consent_expired": gettext_lazy(
        "The consent this referral rested on has expired: what it shared was removed."),
    "sender_erased": gettext_lazy(
        "The sender erased the person's identity in their records: what this referral shared was removed."),
}
SHARING_ENDED_SENDER = {
    "consent_withdrawn": gettext_lazy(
        "The person withdrew the consent this referral rested on: the recipient no longer sees what it shared, "
        "and a partner abroad was told to remove it."),
    "consent_expired": gettext_lazy(
        "The consent this referral rested on has expired: the recipient no longer sees what it shared, and a "
        "partner abroad was told to remove it."),
    "sender_erased": gettext_lazy(
        "The person's identity was erased here: the recipient no longer sees what this referral shared, and was "
        "told of the erasure."),
}
OWN_RECORD_NOTE = gettext_lazy(
    "A case your organisation opened from this referral, and the person's record in it, are your own records: "
    "they were not changed. Review them under your own obligations.")
# The history shows each step as "state before → state after" ("Draft → Sent"); an event is named beside
# it only where its name says more than the two states (who withdrew, why it expired, that it was reopened).
HISTORY_EVENT_LABELS = {
    "withdraw": gettext_lazy("Withdrawn by the sender"),
    "expire": gettext_lazy("Expired without an answer"),
    "reopen": gettext_lazy("Reopened"),
}
ACTION_LABELS = {
    "receive": gettext_lazy("Acknowledge receipt"), "accept": gettext_lazy("Accept"),
    "decline": gettext_lazy("Decline"), "start_service": gettext_lazy("Service has started"),
    "complete": gettext_lazy("Mark completed"), "withdraw": gettext_lazy("Withdraw the referral"),
    "reopen": gettext_lazy("Reopen"),
}
FIELD_LABELS = {
    "prs_FirstName": gettext_lazy("Given name"), "prs_SecondName": gettext_lazy("Family name"),
    "jisr_FirstNameLatin": gettext_lazy("Given name (Latin script)"),
    "jisr_SecondNameLatin": gettext_lazy("Family name (Latin script)"),
    "prs_Birthdate": gettext_lazy("Date of birth"), "jisr_EstimatedAge": gettext_lazy("Estimated age"),
    "prs_Gender": gettext_lazy("Sex"), "prs_Citizenship": gettext_lazy("Nationality"),
    "prs_PrimaryLanguage": gettext_lazy("Primary language"), "prs_SecondaryLanguage": gettext_lazy("Second language"),
    "jisr_PersonCode": gettext_lazy("Sender's code"), "prs_MobilePhone": gettext_lazy("Phone"),
    "vic_TraffickingStatus": gettext_lazy("Trafficking status"),
    "vic_TypeOfExploitation": gettext_lazy("Forms of exploitation"),
    "jisr_ScreeningResults": gettext_lazy("Screening results"), "jisr_TrmStage": gettext_lazy("TRM stage"),
    "jisr_Needs": gettext_lazy("Needs"), "jisr_Goals": gettext_lazy("Goals"), "jisr_Services": gettext_lazy("Services"),
    "jisr_RiskLevel": gettext_lazy("Risk level"), "jisr_RiskReasons": gettext_lazy("Risk reasons"),
    "jisr_RiskAssessedOn": gettext_lazy("Risk assessed on"), "jisr_SafetyPlan": gettext_lazy("Safety plan"),
    "prs_IdentityNumber": gettext_lazy("Identity documents"),
}


# Package fields that hold one ISO date.
DATE_FIELDS = frozenset({"prs_Birthdate", "jisr_RiskAssessedOn"})


class SeeOther(HttpResponseRedirect):
    status_code = 303


def _message(exc: Exception) -> str:
    known = MESSAGES.get(str(exc))
    if known is not None:
        return str(known)
    if isinstance(exc, PermissionDeniedError):
        return _("Your role does not allow this action.")
    if isinstance(exc, StateError):
        return _("This is not possible in the referral's current state.")
    return _("The request could not be completed: please check what you entered.")


def _status(exc: Exception) -> int:
    return 403 if isinstance(exc, PermissionDeniedError) else 409 if isinstance(exc, StateError) else 400


def _refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    return render(request, "web/refused.html", {"message": _message(exc)}, status=_status(exc))


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _text(value: Any) -> str:
    if isinstance(value, list):
        return list_separator(outer=True).join(_text(v) for v in value)
    if isinstance(value, dict):
        return list_separator().join(f"{k}: {_text(v)}" for k, v in value.items() if v not in ("", None, []))
    return "" if value is None else str(value)


def _value(name: str, value: Any) -> str:
    """A shared field as the reader's language shows it (codes → labels; no raw dict keys)."""
    from jisr.survivors.models import Sex
    from jisr.web.forms import DOCUMENT_KIND_LABELS

    if name == "prs_Gender" and isinstance(value, str):
        return str(dict(Sex.choices).get(value, value))
    if name == "jisr_EstimatedAge" and isinstance(value, dict) and value.get("age") is not None:
        return _("%(age)s (estimated on %(date)s)") % {"age": value["age"], "date": _day(value.get("estimated_on"))}
    if name in DATE_FIELDS and isinstance(value, str):
        return _day(value)
    if name == "prs_IdentityNumber" and isinstance(value, list):
        documents = []
        for d in value:
            if isinstance(d, dict):
                kind = str(DOCUMENT_KIND_LABELS.get(d.get("kind"), d.get("kind", "")))
                country = f"({d['country']})" if d.get("country") else ""
                documents.append(" ".join(x for x in (kind, str(d.get("number", "")), country) if x))
        return list_separator(outer=True).join(documents)
    return _text(value)


def _day(value: Any) -> str:
    """An ISO date of the package as day/month/year (as every date on the screens); other text as it is."""
    day = _iso_date(value)
    return dateformat.format(day, "d/m/Y") if day else str(value or "")


def _iso_date(value: Any) -> dt.date | None:
    """A date carried as ISO text (consent proof, package; from this instance or a partner's), or None."""
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def language_name(code: Any) -> str:
    """A language code ("ar") as its name in the reader's language ("Arabic", "العربية"); the code
    itself when Django does not know it (a partner may send another code)."""
    code = str(code or "")
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def package_rows(package: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """[{category label, rows: [(field label, text)]}] in the table's order."""
    labels = dict(Category.choices)
    out = []
    for category, fields in CATEGORY_FIELDS.items():
        values = package.get(category)
        if values is None:
            continue
        rows = [(FIELD_LABELS.get(name, name), name, _value(name, values.get(name))) for name in fields
                if name in values]
        out.append({"label": labels[category], "rows": rows})
    return out


# --- Lists ----------------------------------------------------------------------------------------------


def _rows(referrals: Any) -> list[Any]:
    return list(referrals[:200])


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """The referrals sent from cases the user may read, with each case's code: a read of those cases, put
    on record as one `referral.list_view` {referrals, cases} (ids only) in the user's organisation's chain;
    nothing for an empty page."""
    user = _user(request)
    if user.capabilities.case_scope == "none":
        raise Http404
    rows = _rows(sel.outbox_for(user))
    if rows:
        audit_record(actor=user, action="referral.list_view", organisation=user.organisation,
                     details={"box": "outbox", "referrals": [str(r.pk) for r in rows],
                              "cases": sorted({str(r.case_id) for r in rows if r.case_id})})
    return render(request, "referrals/list.html", {
        "title": _("Referrals sent"), "referrals": rows, "box": "outbox",
    })


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role != Role.PARTNER_FOCAL_POINT and not user.capabilities.write_cases:
        raise Http404
    return render(request, "referrals/list.html", {
        "title": _("Referrals received"), "referrals": _rows(sel.inbox_for(user)), "box": "inbox",
        "may_import": user.role == Role.PARTNER_FOCAL_POINT,
    })


# --- Detail and transitions -------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    user = _user(request)
    recipient = svc.is_recipient_handler(user, referral)
    sender = svc.is_sender_actor(user, referral)
    actions = []
    for side, allowed in ((sm.Side.SENDER, sender), (sm.Side.RECIPIENT, recipient)):
        if allowed:
            actions += [e.value for e in sm.allowed_events(referral.state, side)
                        if e not in (sm.Event.SEND, sm.Event.CANCEL, sm.Event.EXPIRE)]
    package = svc.shared_package(referral) if recipient else {}
    states = dict(ReferralState.choices)
    assignees = []
    if recipient and referral.recipient_team_id is None and referral.recipient_organisation_id:
        assignees = list(User.objects.filter(
            membership__organisation=referral.recipient_organisation_id,
            membership__role__in=[Role.CASE_WORKER, Role.SUPERVISOR], is_active=True).order_by("username"))
    return {
        "referral": referral,
        "is_recipient": recipient,
        "is_sender": sender,
        "package": package_rows(labelled_package(package)),  # codes named in the reader's language
        "message": svc.referral_message(referral) if recipient else "",
        "transitions": [{"t": t,
                         "from": states.get(t.from_state, t.from_state), "to": states.get(t.to_state, t.to_state),
                         "label": HISTORY_EVENT_LABELS.get(t.event, ""),
                         "code": dict(DeclineReason.choices + Outcome.choices).get(t.code, "")}
                        for t in referral.transitions.select_related("actor")],
        "consent_given_on": _iso_date(referral.consent_proof.get("given_on")),
        "consent_language": language_name(referral.consent_proof.get("language")),
        "actions": [{"event": e, "label": ACTION_LABELS[e]} for e in actions],
        "decline_choices": f.DECLINE_CHOICES,
        "outcome_choices": f.OUTCOME_CHOICES,
        "categories": [dict(Category.choices)[c] for c in referral.categories if c in Category.values],
        "reason": dict(ReferralReason.choices).get(referral.reason, ""),
        "assignees": assignees,
        "may_open_case": recipient and referral.recipient_team_id is None and not referral.recipient_case_id
        and referral.state in (sm.State.ACCEPTED, sm.State.IN_SERVICE),
        "envelopes": list(referral.outbound.filter(delivered_at__isnull=True)) if (sender or recipient) else [],
        "recipient_case_url": reverse("web:case_detail", kwargs={"case_id": referral.recipient_case_id})
        if recipient and referral.recipient_case_id else "",
        "sharing_ended": _sharing_ended_note(referral, recipient=recipient, sender=sender),
    }


def _sharing_ended_note(referral: Referral, *, recipient: bool, sender: bool) -> dict[str, str]:
    """For a referral whose sharing ended (`Referral.sharing_ended`): {"text", "own_record"} for the side
    reading it — the recipient is told why, and that a case it opened from it is its own record to review
    (`own_record`, "" when it opened none); the sender, that the recipient was told. {} otherwise."""
    why = referral.sharing_ended
    if not why or not (recipient or sender):
        return {}
    if recipient:
        return {"text": str(SHARING_ENDED_RECIPIENT.get(why, "")),
                "own_record": str(OWN_RECORD_NOTE) if referral.recipient_case_id else ""}
    return {"text": str(SHARING_ENDED_SENDER.get(why, "")), "own_record": ""}


@login_required
@require_GET
def detail(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = sel.referral_get_for_user(_user(request), referral_id)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


@login_required
@require_POST
def act(request: HttpRequest, referral_id: str) -> HttpResponse:
    user = _user(request)
    referral = sel.referral_get_for_user(user, referral_id, log_read=False)
    form = f.TransitionForm(request.POST)
    if not form.is_valid():
        return _refused(request, ValueError("bad form"))
    try:
        svc.referral_transition(actor=user, referral=referral, event=form.cleaned_data["event"],
                                code=form.cleaned_data["code"], note=form.cleaned_data["note"])
    except (PermissionDeniedError, StateError, ValueError) as exc:
        return _refused(request, exc)
    messages.success(request, _("Done."))
    return SeeOther(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))


@login_required
@require_POST
def open_case(request: HttpRequest, referral_id: str) -> HttpResponse:
    user = _user(request)
    referral = sel.referral_get_for_user(user, referral_id, log_read=False)
    try:
        assignee = User.objects.get(pk=int(request.POST.get("assignee", "0")))
    except (User.DoesNotExist, ValueError):
        return _refused(request, ValueError("the assignee must be a case worker or supervisor of this organisation"))
    try:
        svc.referral_open_case(actor=user, referral=referral, assignee=assignee)
    except (PermissionDeniedError, StateError, ValueError) as exc:
        return _refused(request, exc)
    messages.success(request, _("The case was opened in your organisation."))
    return SeeOther(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))


@login_required
@require_GET
@second_factor_recently
def envelope_download(request: HttpRequest, referral_id: str, message_id: str) -> HttpResponse:
    """The sealed envelope as a `.jisr` file, for a partner reached by hand (USB, e-mail). It holds no
    readable personal data; the file name holds only the message id."""
    user = _user(request)
    referral = sel.referral_get_for_user(user, referral_id, log_read=False)
    if not (svc.is_sender_actor(user, referral) or svc.is_recipient_handler(user, referral)):
        raise Http404
    try:
        msg = referral.outbound.get(message_id=message_id)
    except (OutboundMessage.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    svc.outbound_mark_exported(message=msg, actor_label=user.get_username())
    response = HttpResponse(bytes(msg.blob), content_type="application/vnd.jisr.envelope")
    response["Content-Disposition"] = f'attachment; filename="{msg.message_id}.jisr"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in (Role.PARTNER_FOCAL_POINT, Role.COORDINATOR):
        raise Http404
    form = f.EnvelopeImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            blob = form.cleaned_data["file"].read(env.MAX_ENVELOPE_BYTES + 1)
            try:
                referral = svc.inbox_receive(blob, via="file")
            except env.EnvelopeError as exc:
                code = "too_old" if isinstance(exc, env.TooOldError) else exc.code
                form.add_error("file", str(ENVELOPE_MESSAGES.get(code, ENVELOPE_MESSAGES["malformed"])))
                status = 400
            except StateError as exc:
                form.add_error("file", _message(exc))
                status = 409
            else:
                messages.success(request, _("The referral file was imported."))
                if sel.referrals_visible_to(user).filter(pk=referral.pk).exists():
                    return SeeOther(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))
                return SeeOther(reverse("referrals:import"))
        else:
            status = 400
    return render(request, "referrals/import.html", {"form": form}, status=status)


# --- Create from the case page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientOption:
    """One recipient the refer form can offer: `key` ("team:<uuid>", "org:<uuid>", "partner:<uuid>"),
    its label on the form, the record, the name a consent must give it, and whether a referral consent
    of hers in force names it (`care.selectors.recipient_key`, as the service will look it up)."""

    key: str
    label: str
    target: Any
    name: str
    covered: bool


def _recipients(user: User, case: Any, consented: list[str]) -> list[RecipientOption]:
    """Teams of the case's organisation, other organisations on this instance and confirmed partners of
    the organisation — those a referral consent in force names (`consented`) first."""
    from jisr.care.selectors import recipient_key

    keys = {recipient_key(name) for name in consented}
    found: list[tuple[str, str, Any]] = []
    for team in case.organisation.teams.exclude(pk=case.team_id).order_by("name"):
        found.append((f"team:{team.pk}", _("Team: %(name)s") % {"name": team.name}, team))
    for org in Organisation.objects.exclude(pk=case.organisation_id).order_by("name"):
        found.append((f"org:{org.pk}", _("Organisation: %(name)s") % {"name": org.name}, org))
    for partner in Partner.objects.filter(organisation=case.organisation, confirmed_at__isnull=False).order_by("name"):
        found.append((f"partner:{partner.pk}", _("Partner abroad: %(name)s") % {"name": partner.name}, partner))
    options = [RecipientOption(key, label, target, target.name, recipient_key(target.name) in keys)
               for key, label, target in found]
    return sorted(options, key=lambda o: not o.covered)  # stable: each kind keeps its order


def _consent_tab(case: Any) -> str:
    """A link to the case's consent tab, named as the case page names the care screens ("Integrated
    care") and as the care page names the tab."""
    from jisr.care.views import TABS

    url = reverse("care:case_care", kwargs={"case_id": case.pk}) + "?tab=consent"
    return format_html('<a href="{}">{} {} {}</a>', url, _("Integrated care"), arrow(), dict(TABS)["consent"])


def _consented_names(consented: list[str]) -> str:
    """Whom her referral consents in force name, in one sentence (each name isolated for bidi)."""
    if not consented:
        return _("The person has no referral consent in force.")
    names = format_html_join(list_separator(), "<bdi>{}</bdi>", ((name,) for name in consented))
    return mark_safe(conditional_escape(  # noqa: S308 — the translation escaped, the names escaped above
        _("The person's referral consents in force name: %(names)s.")) % {"names": names})


def _consent_help(case: Any, consented: list[str], options: list[RecipientOption]) -> str:
    """Under the recipient field, when some recipient is not named by a consent: whom her consents name,
    and where to record one."""
    if all(o.covered for o in options):
        return ""
    return format_html("{} {} {}", _consented_names(consented),
                       _("To refer to a recipient no consent names, first record a referral consent naming it:"),
                       _consent_tab(case))


def _consent_link(case: Any, exc: Exception, consented: list[str]) -> str:
    """For a refusal for want of consent: the message, whom her consents in force name, and a link to
    the case's consent tab."""
    if str(exc) != "no referral consent in force names this recipient":
        return ""
    return format_html("{} {} {}", _message(exc), _consented_names(consented), _consent_tab(case))


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, case_id: str) -> HttpResponse:
    user = _user(request)
    case = case_get_for_user(user, case_id)
    if not user.capabilities.write_cases:
        raise PermissionDenied
    if case.person.is_erased:
        # Nothing of hers can be shared any more (the service refuses too): a notice instead of the form.
        return render(request, "referrals/create.html", {"case": case, "erased": True},
                      status=409 if request.method == "POST" else 200)
    consented = sel.referral_consent_recipients(case.person)
    options = _recipients(user, case, consented)
    form = f.ReferralCreateForm(
        request.POST or None,
        recipients=[(o.key, o.label if o.covered else _(
            "%(recipient)s — no consent naming this recipient: record one first") % {"recipient": o.label})
            for o in options],
        without_consent=[o.key for o in options if not o.covered])
    form.fields["recipient"].help_text = _consent_help(case, consented, options)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            key = form.cleaned_data["recipient"]
            kind, target = key.split(":", 1)[0], next(o.target for o in options if o.key == key)
            try:
                referral = svc.referral_create(
                    actor=user, case=case, categories=form.cleaned_data["categories"],
                    reason=form.cleaned_data["reason"], message=form.cleaned_data["message"],
                    team=target if kind == "team" else None, organisation=target if kind == "org" else None,
                    partner=target if kind == "partner" else None)
            except (PermissionDeniedError, StateError, ValueError) as exc:
                form.add_error(None, _consent_link(case, exc, consented) or _message(exc))
                status = _status(exc)
            else:
                messages.success(request, _("The referral was sent."))
                return SeeOther(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))
        else:
            status = 400
    return render(request, "referrals/create.html", {"case": case, "form": form}, status=status)


# --- Partner directory (coordinators) ----------------------------------------------------------------------------


def _coordinator(request: HttpRequest) -> User:
    user = _user(request)
    if not svc.may_manage_partners(user):
        raise Http404
    return user


def _partners_page(request: HttpRequest, add_form: Any = None, status: int = 200) -> HttpResponse:
    user = _user(request)
    own = svc.current_instance_key()
    return render(request, "referrals/partners.html", {
        "partners": list(sel.partners_for(user)), "own": own,
        "add_form": add_form or f.PartnerAddForm(), "confirm_form": f.PartnerConfirmForm(),
    }, status=status)


@login_required
@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    return _partners_page(request)


@login_required
@require_POST
@second_factor_recently
def partner_add(request: HttpRequest) -> HttpResponse:
    user = _coordinator(request)
    form = f.PartnerAddForm(request.POST)
    if not form.is_valid():
        return _partners_page(request, form, 400)
    try:
        svc.partner_add(actor=user, organisation=user.organisation, **form.cleaned_data)  # type: ignore[arg-type]
    except (PermissionDeniedError, StateError, ValueError) as exc:
        form.add_error(None, _message(exc))
        return _partners_page(request, form, _status(exc))
    messages.success(request, _("Partner added. Confirm its fingerprint on a call before using it."))
    return SeeOther(reverse("referrals:partners"))


@login_required
@require_POST
@second_factor_recently
def partner_confirm(request: HttpRequest, partner_id: str) -> HttpResponse:
    user = _coordinator(request)
    partner = sel.partner_get_for_user(user, partner_id)
    form = f.PartnerConfirmForm(request.POST)
    if not form.is_valid():
        return _refused(request, ValueError("the fingerprint does not match the partner's keys"))
    try:
        svc.partner_confirm(actor=user, partner=partner, fingerprint=form.cleaned_data["fingerprint"])
    except (PermissionDeniedError, StateError, ValueError) as exc:
        return _refused(request, exc)
    messages.success(request, _("Fingerprint confirmed: the partner can now be used."))
    return SeeOther(reverse("referrals:partners"))


@login_required
@require_GET
def public_keys(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    try:
        keys = svc.own_public_keys()
    except StateError as exc:
        raise Http404 from exc
    response = HttpResponse(keys.to_json(), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="jisr-public-keys.json"'
    return response

