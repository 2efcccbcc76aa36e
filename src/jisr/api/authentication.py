"""Token authentication for the API, refused where a second factor is required (OWASP ASVS 4.0.3 V2.8;
issue 8: MFA "required for every role that touches survivor data").

The web's `accounts.middleware.MfaRequiredMiddleware` runs before Django REST framework authenticates a
token, so it sees a token's caller as anonymous and cannot stop her; a session is stopped there (403 on
/api/ until the second factor is passed). A token carries no second factor at all: when the token's
user has a role that needs MFA (`accounts.mfa.mfa_required`: `JISR_REQUIRE_MFA` on and a role in
`accounts.roles.MFA_ROLES`), the token is refused here, for every API view whatever its permissions.
Scripts that need survivor data log in like a person (session, second factor); roles that need no
second factor keep their tokens.
"""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions

from jisr.accounts.mfa import mfa_required


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's `Authorization: Token <key>`; raises PermissionDenied (403) when the token's user must pass
    a second factor, AuthenticationFailed (401) for an unknown or inactive token as DRF does."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if mfa_required(user):
            raise exceptions.PermissionDenied(
                "API tokens are not accepted for roles that need a second factor (MFA): log in instead."
            )
        return user, token
