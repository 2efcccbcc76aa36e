"""Enrolment and verification of the second factor (thin: accounts.mfa does the work)."""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jisr.accounts import mfa
from jisr.accounts.models import User
from jisr.common.errors import RateLimitedError


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("web:dashboard")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return reverse("web:dashboard")
    return target


def _qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data URI, made here (no third-party service ever sees the secret)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff"))


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret (QR code and text) and confirm it with a first code; then show the recovery
    codes once. A user with a confirmed authenticator is sent to verification instead."""
    user: User = request.user  # type: ignore[assignment]
    device = mfa.device_for(user)
    if device is not None and device.confirmed_at is not None:
        return HttpResponseRedirect(reverse("accounts:mfa_verify") + f"?next={_next(request)}")
    error, status = "", 200
    if request.method == "POST":
        try:
            codes = mfa.enrolment_confirm(user=user, code=request.POST.get("code", ""))
        except RateLimitedError:
            error, status = _("Too many wrong codes. Wait ten minutes and try again."), 429
        except ValueError:
            error, status = _("This code is not right. Check the time on your phone and try the newest code."), 400
        else:
            mfa.verify_after_enrolment(request)
            return render(request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": _next(request)})
    secret = mfa.enrolment_start(user=user) if request.method == "GET" or not mfa.device_for(user) else None
    if secret is None:  # a wrong code: show the same secret again (it is not stored anywhere else)
        secret = mfa.pending_secret(user)
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "secret": secret,
            "qr": _qr_data_uri(mfa.provisioning_uri(user, secret)),
            "error": error,
            "next": _next(request),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the authenticator (or a recovery code)."""
    user: User = request.user  # type: ignore[assignment]
    device = mfa.device_for(user)
    if device is None or device.confirmed_at is None:
        return HttpResponseRedirect(reverse("accounts:mfa_setup") + f"?next={_next(request)}")
    error, status = "", 200
    if request.method == "POST":
        try:
            mfa.verify(request=request, user=user, code=request.POST.get("code", ""))
        except RateLimitedError:
            error, status = _("Too many wrong codes. Wait ten minutes and try again."), 429
        except ValueError:
            error, status = _("This code is not right. Try the newest code, or a recovery code."), 400
        else:
            return HttpResponseRedirect(_next(request))
    return render(request, "accounts/mfa_verify.html", {"error": error, "next": _next(request)}, status=status)
