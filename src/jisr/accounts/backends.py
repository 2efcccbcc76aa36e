"""The authentication backend: Django's ModelBackend, loading the user of a session with her membership,
organisation and team in the same query.

Every request reads `user.organisation`, `user.role` and `user.capabilities` (scoping, navigation,
MFA); with the plain backend each is a query of its own on every page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class MembershipModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The active user with this primary key, membership (if any) loaded, or None."""
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related(
                "membership__organisation", "membership__team"
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
