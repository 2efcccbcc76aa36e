"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"caps": None, "current_org": None}
    return {"caps": user.capabilities, "current_org": user.organisation, "current_role": user.role}
