"""Small middleware of our own (each one line of policy)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreForStaffMiddleware:
    """Pages seen by a logged-in user may show identities: no browser or proxy may keep them
    (shared computers in shelters and offices; the back button after logout). Static files are
    served before this runs (WhiteNoise) and keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response


# How often an active session's expiry is pushed back (seconds). The idle timeout is then between
# SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE.
SESSION_REFRESH_SECONDS = 60


class SessionIdleRefreshMiddleware:
    """Idle expiry without a session write on every request.

    With SESSION_SAVE_EVERY_REQUEST each page costs a write transaction on the session table (on SQLite
    the instance's one write lock). Instead an active session is re-saved — and its expiry moved to
    now + SESSION_COOKIE_AGE — at most once every SESSION_REFRESH_SECONDS: the idle timeout stays
    30 minutes to within a minute. Must come after SessionMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key is not None and not session.is_empty():
            now = int(time.time())
            touched = session.get("_refreshed_at", 0)
            if not isinstance(touched, int) or not 0 <= now - touched < SESSION_REFRESH_SECONDS:
                session["_refreshed_at"] = now  # marks the session modified: saved with a new expiry
        return response
