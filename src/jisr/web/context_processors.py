"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from jisr.accounts.models import ROLE_LABELS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"caps": None, "current_org": None, "current_role": None, "current_role_label": ""}
    role = user.role
    return {
        "caps": user.capabilities,
        "current_org": user.organisation,
        "current_role": role,
        "current_role_label": ROLE_LABELS.get(role, "") if role else "",
    }
