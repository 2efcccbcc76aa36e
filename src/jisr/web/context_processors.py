"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from jisr.accounts.models import ROLE_LABELS


def _nav_groups(request: HttpRequest) -> list[dict[str, Any]]:
    """Each app's `nav_items` (see CONTRIBUTING.md) the user may see, grouped per app: a single
    entry is a link, several become a dropdown titled with the app's verbose name."""
    current = request.resolver_match.view_name if request.resolver_match else ""
    groups = []
    for config in apps.get_app_configs():
        entries = []
        for url_name, label, predicate in getattr(config, "nav_items", ()):
            if not predicate(request.user):
                continue
            try:
                entries.append({"url": reverse(url_name), "label": label, "active": url_name == current})
            except NoReverseMatch:
                continue
        if entries:
            groups.append({"label": config.verbose_name, "entries": entries,
                           "active": any(e["active"] for e in entries), "id": f"nav-{config.label}"})
    return groups


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"caps": None, "current_org": None, "current_role": None, "current_role_label": "", "nav_groups": []}
    role = user.role
    return {
        "caps": user.capabilities,
        "current_org": user.organisation,
        "current_role": role,
        "current_role_label": ROLE_LABELS.get(role, "") if role else "",
        "nav_groups": _nav_groups(request),
    }
