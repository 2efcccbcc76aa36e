"""`/api/v1/referrals/`: the user's referrals (metadata and states, scoped like the screens), and the
inbox where partner instances POST sealed envelopes.

The inbox takes no session or token: an envelope authenticates itself (signature by a confirmed
partner's pinned key, sealed to this instance, not expired, not replayed). It answers 202
`{"status": "accepted"}` or 400/409 `{"error": "<code>"}` and, when refused, stores nothing of the envelope
(its refusal is put on record once: `services.inbox_receive`).
"""

from __future__ import annotations

import logging
from typing import Any

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


@csrf_exempt
@require_POST
def inbox_endpoint(request: HttpRequest) -> JsonResponse:
    length = int(request.headers.get("Content-Length") or 0)
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
