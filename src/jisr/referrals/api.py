"""`/api/v1/referrals/`: the user's referrals (metadata and states, scoped like the screens), and the
inbox where partner instances POST sealed envelopes.

The inbox takes no session or token: an envelope authenticates itself (signature by a confirmed
partner's pinned key, sealed to this instance, not expired, not replayed). It answers 202
`{"status": "accepted"}` or 400/409 `{"error": "<code>"}` and, when refused, stores nothing of the envelope
(its refusal is put on record once: `services.inbox_receive`). A request whose Content-Length is not a
whole number is refused (400 `{"error": "malformed"}`), one over env.MAX_ENVELOPE_BYTES too (413 `too_large`).

It is a plain Django view, outside DRF and its throttles: it limits requests per client address itself
(`inbox_rate_limited`), answering 429 `{"error": "rate_limited"}` with a Retry-After header beyond
`JISR_REFERRAL_INBOX_RATE` ("<n>/<s|min|hour>", default 120/min; unlimited in practice under tests).
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework import generics, permissions, serializers

from jisr.common.errors import StateError
from jisr.referrals import envelope as env
from jisr.referrals import selectors as sel
from jisr.referrals import services as svc
from jisr.referrals.models import Referral

log = logging.getLogger("jisr.referrals")


class ReferralSerializer(serializers.ModelSerializer):
    """A referral without its package: who, what categories, which state (the package is read on the
    screen by the recipient only)."""

    recipient = serializers.CharField(source="counterpart_label")

    class Meta:
        model = Referral
        fields = ["id", "exchange_id", "direction", "state", "recipient", "categories", "reason", "decline_reason",
                  "outcome", "sent_at", "answer_by", "updated_at"]


class ReferralList(generics.ListAPIView):
    serializer_class = ReferralSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> Any:
        return sel.referrals_visible_to(self.request.user).order_by("-created_at")  # type: ignore[arg-type]


class ReferralDetail(generics.RetrieveAPIView):
    serializer_class = ReferralSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_url_kwarg = "referral_id"

    def get_object(self) -> Referral:
        return sel.referral_get_for_user(self.request.user, self.kwargs["referral_id"])  # type: ignore[arg-type]


INBOX_RATE = "120/min"  # a partner's whole queue after an outage, retried with back-off, fits in it
_PERIODS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


def inbox_rate() -> tuple[int, int]:
    """(requests, seconds) allowed to one address on the inbox: `JISR_REFERRAL_INBOX_RATE` ("<n>/<period>",
    period s, min or hour), INBOX_RATE by default, 100000/min under tests. Raises ImproperlyConfigured for
    another shape."""
    from django.core.exceptions import ImproperlyConfigured

    rate = getattr(settings, "JISR_REFERRAL_INBOX_RATE", None) or (
        "100000/min" if getattr(settings, "TESTING", False) else INBOX_RATE)
    count, _, period = str(rate).partition("/")
    if not count.isdigit() or int(count) < 1 or period not in _PERIODS:
        raise ImproperlyConfigured("JISR_REFERRAL_INBOX_RATE must look like 120/min")
    return int(count), _PERIODS[period]


def inbox_rate_limited(request: HttpRequest) -> int:
    """Count this request against its client address (as the login lockout sees it: django-axes, which
    honours JISR_PROXY_COUNT) in a fixed window of Django's cache; returns 0 when it is within
    `inbox_rate()`, else the seconds until the window ends. The cache key holds a hash of the address,
    never the address. With the default local-memory cache each server process counts on its own."""
    from axes.helpers import get_client_ip_address

    allowed, period = inbox_rate()
    address = get_client_ip_address(request) or "unknown"
    now = int(time.time())
    window = now // period
    key = "jisr:referrals:inbox:" + hashlib.sha256(f"{address}|{period}|{window}".encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=period + 1)
    try:
        seen = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.set(key, 1, timeout=period + 1)
        seen = 1
    return 0 if seen <= allowed else (window + 1) * period - now


@csrf_exempt
@require_POST
def inbox_endpoint(request: HttpRequest) -> JsonResponse:
    """A partner's sealed envelope (`application/vnd.jisr.envelope`), applied by `services.inbox_receive`.
    Answers 202 {"status": "accepted"}; 400 {"error": code} (env.EnvelopeError codes, or "malformed" for a
    Content-Length that is no whole number), 409 {"error": "invalid_transition"}, 413 {"error": "too_large"}, 429
    {"error": "rate_limited"} (Retry-After: seconds). Nothing is stored from a refused request."""
    wait = inbox_rate_limited(request)
    if wait:
        log.warning("referral inbox: rate limit reached for an address")
        response = JsonResponse({"error": "rate_limited"}, status=429)
        response["Retry-After"] = str(max(wait, 1))
        return response
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = -1
    if length < 0:
        log.warning("referral envelope refused: Content-Length is not a number")
        return JsonResponse({"error": "malformed"}, status=400)
    if length > env.MAX_ENVELOPE_BYTES:
        return JsonResponse({"error": "too_large"}, status=413)
    blob = request.body
    try:
        svc.inbox_receive(blob, via="http")
    except env.EnvelopeError as exc:
        log.warning("referral envelope refused: %s", exc.code)
        return JsonResponse({"error": exc.code}, status=400)
    except StateError:
        log.warning("referral envelope refused: invalid_transition")
        return JsonResponse({"error": "invalid_transition"}, status=409)
    return JsonResponse({"status": "accepted"}, status=202)
