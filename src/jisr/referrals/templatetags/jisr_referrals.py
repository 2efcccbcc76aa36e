"""`{% case_referrals case %}`: the compact "referrals of this case" panel on the case page; `|join_list`:
a list joined with the reader's language's comma.

Shown to the case team only (those who may write on the case: its case workers and supervisor);
coordinators, focal points and analysts see nothing here. `case` must come from `case_get_for_user`.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

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
