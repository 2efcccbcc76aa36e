"""Reads of referrals, scoped to the user. A referral the user is on neither side of is a 404.

- Sender side: anyone who may read the sender's case (case scope) sees the referral and its states,
  never the recipient's case.
- Recipient side (`services.is_recipient_handler`): partner focal points of the recipient organisation,
  or the case workers and supervisors of the recipient team. They see the shared package only (and
  only while the state and the consent allow), never the sender's case.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from jisr.accounts.models import Organisation, Team, User
from jisr.accounts.roles import Role
from jisr.audit.services import audit_record
from jisr.cases.models import Case
from jisr.cases.selectors import case_scope_q
from jisr.referrals import statemachine as sm
from jisr.referrals.models import Direction, Partner, Referral
from jisr.survivors.models import Person


def _recipient_q(user: User) -> Q | None:
    m = user.membership_or_none if user.is_authenticated and user.is_active else None
    if m is None:
        return None
    q = None
    if m.role == Role.PARTNER_FOCAL_POINT:
        q = Q(recipient_organisation=m.organisation_id, recipient_team__isnull=True) & ~Q(direction=Direction.OUTGOING)
    if m.team_id and user.capabilities.write_cases:
        team_q = Q(recipient_team=m.team_id, direction=Direction.INTERNAL)
        q = team_q if q is None else q | team_q
    return q


def inbox_for(user: User) -> QuerySet[Referral]:
    """Referrals addressed to the user's side (team or organisation), newest first."""
    q = _recipient_q(user)
    if q is None:
        return Referral.objects.none()
    return Referral.objects.filter(q).select_related("partner", "recipient_team", "recipient_organisation",
                                                     "sender_organisation")


def outbox_for(user: User) -> QuerySet[Referral]:
    """Referrals sent from cases the user may read, newest first."""
    q = case_scope_q(user, prefix="case__") if user.is_authenticated else None
    if q is None:
        return Referral.objects.none()
    return Referral.objects.filter(q).exclude(direction=Direction.INCOMING).select_related(
        "case__person", "partner", "recipient_team", "recipient_organisation")


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    ids = set(inbox_for(user).values_list("pk", flat=True)) | set(outbox_for(user).values_list("pk", flat=True))
    return Referral.objects.filter(pk__in=ids)


def referral_get_for_user(user: User, referral_id: UUID | str, *, log_read: bool = True) -> Referral:
    """The referral if `user` is on one of its sides, else Http404. Logs `referral.view`."""
    try:
        referral = referrals_visible_to(user).select_related(
            "data_key", "partner", "consent", "case__person", "recipient_team", "recipient_organisation",
            "sender_organisation").get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
    if log_read:
        audit_record(actor=user, action="referral.view", target=referral, organisation=user.organisation)
    return referral


def partners_for(user: User) -> QuerySet[Partner]:
    """Partners of the user's organisation (coordinators manage them; writers pick them to refer)."""
    org = user.organisation if user.is_authenticated else None
    if org is None or user.role not in (Role.COORDINATOR, Role.CASE_WORKER, Role.SUPERVISOR):
        return Partner.objects.none()
    return Partner.objects.filter(organisation=org)


def partner_get_for_user(user: User, partner_id: UUID | str) -> Partner:
    try:
        return partners_for(user).get(pk=partner_id)
    except (Partner.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def referral_case_q(user: User, prefix: str = "") -> Q | None:
    """Hook for `cases.selectors.case_scope_q`: the cases a partner focal point opened from referrals
    her organisation received (she handed them to a case worker but keeps following them). Never the
    sender's case. None when the user is not a focal point."""
    m = user.membership_or_none if user.is_authenticated and user.is_active else None
    if m is None or m.role != Role.PARTNER_FOCAL_POINT:
        return None
    cases = Referral.objects.filter(recipient_organisation=m.organisation_id, recipient_team__isnull=True,
                                    recipient_case__isnull=False).exclude(direction=Direction.OUTGOING)
    return Q(**{f"{prefix}pk__in": cases.values("recipient_case")}) & Q(**{f"{prefix}organisation": m.organisation_id})


#: The referral events a case's timeline shows: the transitions (`services._record`: sent, received,
#: accepted, declined, service started, completed, withdrawn, cancelled, expired, reopened), which both
#: sides' screens show. Never a read of a referral, nor the envelopes' bookkeeping.
TIMELINE_ACTIONS: frozenset[str] = frozenset(f"referral.{event.value}" for event in sm.Event)


def referral_timeline_q(case: Case) -> Q | None:
    """Hook for `cases.selectors.case_timeline`: the audit events (by target) of the referrals of `case` —
    those sent from it (`Referral.case`) and the one it was opened from (`recipient_case`) — that are
    TIMELINE_ACTIONS. None when the case has no referral. One query; `case` was fetched through a scoped
    selector. The events hold codes only ({from, to, direction, remote, code})."""
    ids = [str(pk) for pk in Referral.objects.filter(Q(case=case) | Q(recipient_case=case))
           .values_list("pk", flat=True)]
    if not ids:
        return None
    return Q(target_type="referrals.referral", target_id__in=ids, action__in=sorted(TIMELINE_ACTIONS))


def case_referrals_for(user: User | None, case: Case) -> dict[str, object]:
    """For the case page panel: {"show": bool, "sent": [Referral], "received": [(Referral, visible)]}.
    Only the case team (may write on `case`, same organisation) sees it; `case` was fetched through
    `case_get_for_user`. `received` is the referral this case was opened from (its detail is linked
    only when the user is on its recipient side); the panel names its sender (`Referral.sender_name`)."""
    if user is None or not user.is_authenticated or not user.capabilities.write_cases \
            or user.organisation != case.organisation:
        return {"show": False, "sent": [], "received": []}
    sent = list(case.referrals_out.select_related("partner", "recipient_team", "recipient_organisation")[:20])
    came = list(Referral.objects.filter(recipient_case=case).select_related("partner", "sender_organisation")[:5])
    visible = set(inbox_for(user).filter(pk__in=[r.pk for r in came]).values_list("pk", flat=True))
    return {"show": True, "sent": sent, "received": [(r, r.pk in visible) for r in came]}


def consent_recipient_names(organisation: Organisation | None) -> list[str]:
    """The names a referral consent may name, exactly as a referral will look them up: this
    organisation's teams, the other organisations on this instance, and its confirmed partners."""
    if organisation is None:
        return []
    names = [*Team.objects.filter(organisation=organisation).values_list("name", flat=True),
             *Organisation.objects.exclude(pk=organisation.pk).values_list("name", flat=True),
             *Partner.objects.filter(organisation=organisation, confirmed_at__isnull=False)
             .values_list("name", flat=True)]
    return sorted(set(names), key=str.casefold)


def referral_consent_recipients(person: Person) -> list[str]:
    """The recipients her referral consents in force today name, as recorded, newest consent first and
    each name once (names with the same `care.selectors.recipient_key` count as one). For the refer
    form and its refusal: they say whom she agreed to be referred to. `person` was fetched through a
    scoped selector (her case, through `case_get_for_user`)."""
    from jisr.care.models import ConsentPurpose
    from jisr.care.selectors import consents_in_force, recipient_key

    names: dict[str, str] = {}
    for consent in consents_in_force(person, str(ConsentPurpose.REFERRAL)):
        key = recipient_key(consent.recipient)
        if key:
            names.setdefault(key, consent.recipient)
    return list(names.values())
