"""Second factor before anything else (see accounts.mfa)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from jisr.accounts.mfa import device_for, mfa_required, mfa_verified

# Pages a user who has not passed the second factor may still reach.
_OPEN = ("login", "logout", "set_language", "accounts:mfa_setup", "accounts:mfa_verify", "referrals:api_inbox")


class MfaRequiredMiddleware:
    """A logged-in user whose role needs MFA sees only the enrolment / verification pages until she has
    passed it in this session; the API (session auth) answers 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not mfa_required(user) or mfa_verified(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _OPEN:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "pass the second factor (MFA) first"}, status=403)
        device = device_for(user)
        target = "accounts:mfa_verify" if device and device.confirmed_at else "accounts:mfa_setup"
        return HttpResponseRedirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))
