"""Multi-factor authentication: TOTP (RFC 6238, via pyotp) with one-time recovery codes.

Required, when JISR_REQUIRE_MFA is on (the default in production), for every role that touches
survivor data (accounts.roles.MFA_ROLES). The TOTP secret is encrypted at rest (crypto.services.seal
under a data key of its own); a code is accepted once (replay refused) within ±1 step (30 s) of clock
drift; five wrong codes in ten minutes lock the second factor for that user for ten minutes.
Recovery codes are stored hashed and work once each. Every enrolment, success and failure is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jisr.accounts.models import MfaDevice, RecoveryCode, User
from jisr.accounts.roles import MFA_ROLES
from jisr.audit.models import AuditEvent
from jisr.audit.services import audit_record
from jisr.common.errors import RateLimitedError
from jisr.crypto.models import DataKeyPurpose
from jisr.crypto.services import data_key_create, seal, unseal

SESSION_KEY = "jisr_mfa_verified_at"
RECOVERY_CODES = 10
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=10)
ISSUER = "Jisr"


def mfa_required(user: User) -> bool:
    """Whether `user` must pass a second factor before seeing anything (setting + role)."""
    return bool(settings.JISR_REQUIRE_MFA) and user.is_authenticated and user.role in MFA_ROLES


def mfa_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_KEY))


def recently_verified(request: HttpRequest, within: dt.timedelta = dt.timedelta(minutes=10)) -> bool:
    """A second factor was passed less than `within` ago (re-authentication before sensitive actions)."""
    at = request.session.get(SESSION_KEY)
    return bool(at) and time.time() - float(at) < within.total_seconds()


def device_for(user: User) -> MfaDevice | None:
    return MfaDevice.objects.filter(user=user).select_related("data_key").first()


@transaction.atomic
def enrolment_start(*, user: User) -> str:
    """A new (unconfirmed) secret for `user`, replacing an unconfirmed one; returns the base32 secret to
    show once (QR code). Refused (ValueError) when a confirmed device exists: remove it first."""
    device = device_for(user)
    if device is not None and device.confirmed_at is not None:
        raise ValueError("a confirmed authenticator exists")
    secret = pyotp.random_base32()
    if device is None:
        device = MfaDevice(user=user, data_key=data_key_create(purpose=DataKeyPurpose.MFA))
    seal(device, "secret", secret, device.data_key)
    device.save()
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def _secret(device: MfaDevice) -> str:
    return unseal(device, "secret", device.data_key) or ""


def _check_totp(device: MfaDevice, code: str) -> bool:
    """True and the step recorded if `code` is valid now (±1 step) and newer than the last one used."""
    code = "".join(ch for ch in code if ch.isdigit())
    totp = pyotp.TOTP(_secret(device))
    now = int(time.time())
    for drift in (0, -1, 1):
        at = now + drift * totp.interval
        step = at // totp.interval
        if step > device.last_step and secrets.compare_digest(totp.at(at), code):
            device.last_step = step
            device.save(update_fields=["last_step", "updated_at"])
            return True
    return False


def _throttle(user: User) -> None:
    since = (dt.datetime.now(dt.UTC) - FAILURE_WINDOW).isoformat(timespec="microseconds")
    if AuditEvent.objects.filter(actor=user, action="mfa.failure", at__gte=since).count() >= MAX_FAILURES:
        raise RateLimitedError("too many wrong codes; wait ten minutes")


def enrolment_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the device with a first valid code; returns the recovery codes to show once.
    Raises ValueError for a wrong code, RateLimitedError after too many."""
    with transaction.atomic():
        _throttle(user)
        device = device_for(user)
        if device is None or device.confirmed_at is not None:
            raise ValueError("no authenticator is waiting for confirmation")
        ok = _check_totp(device, code)
        if ok:
            device.confirmed_at = timezone.now()
            device.save(update_fields=["confirmed_at", "updated_at"])
            RecoveryCode.objects.filter(user=user).delete()
            codes = [f"{secrets.randbelow(10**10):010d}" for _ in range(RECOVERY_CODES)]
            RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=make_password(c)) for c in codes])
            audit_record(actor=user, action="mfa.enrol")
            return [f"{c[:5]}-{c[5:]}" for c in codes]
    with transaction.atomic():  # the failure is recorded even though nothing else changed
        audit_record(actor=user, action="mfa.failure", details={"stage": "enrol"})
    raise ValueError("wrong code")


def verify(*, request: HttpRequest, user: User, code: str) -> None:
    """Pass the second factor with a TOTP code or a recovery code; marks the session verified and
    changes its key. Raises ValueError for a wrong code, RateLimitedError after too many."""
    with transaction.atomic():
        _throttle(user)
        device = device_for(user)
        ok, how = False, "totp"
        if device is not None and device.confirmed_at is not None:
            digits = "".join(ch for ch in code if ch.isdigit())
            if len(digits) == 6:
                ok = _check_totp(device, digits)
            elif len(digits) == 10:
                for rc in RecoveryCode.objects.select_for_update().filter(user=user, used_at__isnull=True):
                    if check_password(digits, rc.code_hash):
                        rc.used_at = timezone.now()
                        rc.save(update_fields=["used_at", "updated_at"])
                        ok, how = True, "recovery_code"
                        break
        if ok:
            audit_record(actor=user, action="mfa.verify", details={"method": how})
    if not ok:
        with transaction.atomic():
            audit_record(actor=user, action="mfa.failure", details={"stage": "verify"})
        raise ValueError("wrong code")
    request.session.cycle_key()
    request.session[SESSION_KEY] = time.time()


def pending_secret(user: User) -> str:
    """The secret of `user`'s unconfirmed device (to show it again after a wrong first code)."""
    device = device_for(user)
    if device is None or device.confirmed_at is not None:
        raise ValueError("no authenticator is waiting for confirmation")
    return _secret(device)


def verify_after_enrolment(request: HttpRequest) -> None:
    """The first code that confirmed the device also passes the second factor for this session."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = time.time()


def second_factor_recently(view):  # type: ignore[no-untyped-def]
    """View decorator for sensitive actions (exports, partner and key operations): when the user's
    role needs MFA, a second factor passed less than 10 minutes ago, else a detour through the
    verification page that comes back to the page the action was started from."""
    from functools import wraps
    from urllib.parse import urlencode, urlsplit

    from django.contrib import messages
    from django.http import HttpResponseRedirect
    from django.urls import reverse
    from django.utils.translation import gettext as _

    @wraps(view)
    def wrapper(request, *args, **kwargs):  # type: ignore[no-untyped-def]
        if mfa_required(request.user) and not recently_verified(request):
            if request.method == "GET":
                back = request.get_full_path()
            else:
                referer = urlsplit(request.META.get("HTTP_REFERER", ""))
                back = referer.path if referer.netloc in ("", request.get_host()) and referer.path else "/"
            messages.info(request, _("Confirm it is you before this action."))
            return HttpResponseRedirect(reverse("accounts:mfa_verify") + "?" + urlencode({"next": back}))
        return view(request, *args, **kwargs)

    return wrapper
