"""Helpers for the care tests: a logged-in client in a chosen language; audit lookups."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from jisr.accounts.models import User


@pytest.fixture
def login_as() -> Callable[..., Client]:
    def make(user: User, language: str = "fr") -> Client:
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return make


def events(action: str):  # type: ignore[no-untyped-def]
    from jisr.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action).order_by("at"))
