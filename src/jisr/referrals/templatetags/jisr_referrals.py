"""`{% case_referrals case %}`: the compact "referrals of this case" panel on the case page.

Shown to the case team only (those who may write on the case: its case workers and supervisor);
coordinators, focal points and analysts see nothing here. `case` must come from `case_get_for_user`.
"""

from __future__ import annotations

from typing import Any

from django import template

from jisr.referrals import selectors as sel

register = template.Library()


@register.inclusion_tag("referrals/_case_referrals.html", takes_context=True)
def case_referrals(context: dict[str, Any], case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"case": case, **sel.case_referrals_for(user, case)}
