"""Second factor before anything else (see accounts.mfa); the user's language once she has logged in."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from jisr.accounts.mfa import device_for, mfa_required, mfa_verified
from jisr.accounts.models import User

# Pages a user who has not passed the second factor may still reach.
_OPEN = ("login", "logout", "set_language", "accounts:mfa_setup", "accounts:mfa_verify", "referrals:api_inbox")


# Set next to the language cookie when the login, not the user, chose the language: the next login
# (perhaps someone else's, on a shared computer) may choose again. Choosing a language deletes it.
LANGUAGE_FROM_LOGIN_COOKIE = "jisr_language_from_login"


def login_language(user: User) -> str | None:
    """The language a user works in: her `preferred_language`, else her organisation's first working
    language (Organisation.languages), among those the screens offer; None if neither is set."""
    offered = {code for code, _name in settings.LANGUAGES}
    organisation = user.organisation
    wanted = [user.preferred_language, *(organisation.languages if organisation else [])]
    return next((code for code in wanted if code in offered), None)


def _language_cookie(response: HttpResponse, name: str, value: str) -> None:
    # The attributes Django's set_language view gives the language cookie.
    response.set_cookie(
        name,
        value,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginLanguageMiddleware:
    """After a successful login, the screens speak the user's language (`login_language`) — a Moroccan
    case worker whose browser asks for English lands in Arabic — unless she chose a language herself
    before logging in (the language buttons of the login page): that choice stands.

    Done with Django's own language cookie, as the set_language view does; LocaleMiddleware reads it.
    Its own entry in MIDDLEWARE, after the session, locale and authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method != "POST" or request.resolver_match is None:
            return response
        view = request.resolver_match.view_name
        if view == "set_language":  # a choice: it stands at the next login
            response.delete_cookie(LANGUAGE_FROM_LOGIN_COOKIE, path=settings.LANGUAGE_COOKIE_PATH,
                                   domain=settings.LANGUAGE_COOKIE_DOMAIN)
        elif view == "login" and response.status_code in (302, 303) and request.user.is_authenticated:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if chosen in dict(settings.LANGUAGES) and not request.COOKIES.get(LANGUAGE_FROM_LOGIN_COOKIE):
                return response
            language = login_language(request.user)  # type: ignore[arg-type]
            if language is not None:
                _language_cookie(response, settings.LANGUAGE_COOKIE_NAME, language)
                _language_cookie(response, LANGUAGE_FROM_LOGIN_COOKIE, "1")
        return response


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
