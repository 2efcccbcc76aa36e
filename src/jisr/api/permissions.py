"""Permissions of the API that concern the second factor (OWASP ASVS 4.0.3 V2.8 and V4.3; issue 8:
re-authentication before sensitive actions). Token callers whose role needs MFA never get this far
(`api.authentication.TokenAuthentication` refuses them)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from jisr.accounts.mfa import mfa_required, recently_verified


class RecentSecondFactor(BasePermission):
    """For sensitive actions (revealing a masked field): when the caller's role needs MFA, a second factor
    passed less than 10 minutes ago in this session (`accounts.mfa.recently_verified`), as the web's
    reveal and export screens require; else 403 and nothing happens."""

    message = "confirm it is you (second factor) less than 10 minutes before this action"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated or not mfa_required(user):  # type: ignore[arg-type]
            return True
        return recently_verified(request._request)
