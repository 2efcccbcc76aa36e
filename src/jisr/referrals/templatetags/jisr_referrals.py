"""`{% case_referrals case %}`: the compact "referrals of this case" panel on the case page; `|join_list`:
a list joined with the reader's language's comma; `labelled_package`: the data shared with the recipient,
every code (needs, goals, services, risk reasons…) named in her language (the detail view shows it).

Shown to the case team only (those who may write on the case: its case workers and supervisor);
coordinators, focal points and analysts see nothing here. `case` must come from `case_get_for_user`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import dateformat
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, pgettext

from jisr.crypto.normalise import clean_free_text
from jisr.referrals import selectors as sel

register = template.Library()


def list_separator(*, outer: bool = False) -> str:
    """The separator of a list in running text, in the reader's language: ", " (Arabic "، "); with
    ``outer``, the one between items that hold commas themselves: "; " (Arabic "؛ ")."""
    if outer:
        return pgettext("separator between list items that contain commas", "; ")
    return pgettext("list separator", ", ")


@register.filter
def join_list(values: Any) -> str:
    """``{{ names|join_list }}``: the items joined with the reader's language's comma (each escaped)."""
    return mark_safe(conditional_escape(list_separator()).join(conditional_escape(v) for v in values))  # noqa: S308


@register.inclusion_tag("referrals/_case_referrals.html", takes_context=True)
def case_referrals(context: dict[str, Any], case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"case": case, **sel.case_referrals_for(user, case)}


# HTCDS vic_TraffickingStatus (the package carries only the first: an indication, not a determination).
TRAFFICKING_STATUS_LABELS = {"PossibleVictimOfTrafficking": gettext_lazy("Possible victim of trafficking")}


def _named(labels: Any, code: Any) -> str:
    """The label of a code in the reader's language; the code itself when unknown (a partner may run a
    newer code list), as text."""
    return str(labels.get(code, code)) if isinstance(code, str) else str(code or "")


def _each(value: Any, name: Any) -> Any:
    return [name(v) for v in value] if isinstance(value, list) else value


def labelled_package(package: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A copy of a referral package for the screen, each code replaced by the label the owning app gives it
    (care: domains, need levels, goal and service statuses, services, risk reasons; cases: TRM stage, risk
    level, forms of exploitation; identification: frames and outcomes; countries and languages by name).
    Display only: the package itself, stored and sent, keeps the codes."""
    from django_countries import countries

    from jisr.care.models import Domain, Goal, GoalStatus, NeedLevel, RiskReason, ServiceStatus, ServiceType
    from jisr.cases.models import ExploitationType, RiskLevel, TrmStage
    from jisr.identification.labels import OUTCOME_LABELS, RULESET_LABELS
    from jisr.referrals.views import language_name

    domains, levels = dict(Domain.choices), dict(NeedLevel.choices)
    target_date = Goal._meta.get_field("target_on").verbose_name

    def need(v: Any) -> Any:
        return f"{_named(domains, v.get('domain'))}: {_named(levels, v.get('level'))}" if isinstance(v, dict) else v

    def goal(v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        text = f"{_named(domains, v.get('domain'))}: {_named(dict(GoalStatus.choices), v.get('status'))}"
        try:
            return f"{text} · {target_date} {dateformat.format(dt.date.fromisoformat(v['target_on']), 'd/m/Y')}"
        except (KeyError, TypeError, ValueError):
            return text

    def service(v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        return f"{_named(dict(ServiceType.choices), v.get('service_type'))}: " \
               f"{_named(dict(ServiceStatus.choices), v.get('status'))}"

    def screening(v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        return f"{_named(RULESET_LABELS, v.get('ruleset'))}: {_named(OUTCOME_LABELS, v.get('outcome'))}"

    naming = {
        "prs_Citizenship": lambda v: _each(v, lambda c: countries.name(c) or c if isinstance(c, str) else c),
        "prs_PrimaryLanguage": lambda v: language_name(v) if v else v,
        "prs_SecondaryLanguage": lambda v: language_name(v) if v else v,
        "vic_TraffickingStatus": lambda v: _named(TRAFFICKING_STATUS_LABELS, v) if v else v,
        "vic_TypeOfExploitation": lambda v: _each(v, lambda c: _named(dict(ExploitationType.choices), c)),
        "jisr_ScreeningResults": lambda v: _each(v, screening),
        "jisr_TrmStage": lambda v: _named(dict(TrmStage.choices), v) if v else v,
        "jisr_Needs": lambda v: _each(v, need),
        "jisr_Goals": lambda v: _each(v, goal),
        "jisr_Services": lambda v: _each(v, service),
        "jisr_RiskLevel": lambda v: _named(dict(RiskLevel.choices), v) if v else v,
        "jisr_RiskReasons": lambda v: _each(v, lambda c: _named(dict(RiskReason.choices), c)),
    }
    return {
        category: {
            field: _shown(naming[field](value) if field in naming else value) for field, value in values.items()
        }
        for category, values in package.items()
    }


def _shown(value: Any) -> Any:
    """Text of a package as it may be shown: hidden control and bidi characters removed
    (`crypto.normalise.clean_free_text`; a partner's package is not cleaned by our forms), in lists too."""
    if isinstance(value, str):
        return clean_free_text(value)
    if isinstance(value, list):
        return [_shown(v) for v in value]
    return value
