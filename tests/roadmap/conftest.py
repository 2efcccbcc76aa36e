"""Roadmap test helpers: evidence files go to a temporary DATA_DIR; a logged-in client per language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from django.test import Client

from jisr.accounts.models import User


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def client_as() -> Callable[..., Client]:
    def make(user: User, language: str = "fr") -> Client:
        client = Client()
        client.force_login(user)
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return make


@pytest.fixture
def areas(db):  # type: ignore[no-untyped-def]
    from jisr.roadmap.demo import ensure_default_areas
    from jisr.roadmap.models import StrategicArea

    ensure_default_areas()  # a flushed test database (after a transactional test) lost the seeded rows
    return {a.code: a for a in StrategicArea.objects.all()}


@pytest.fixture
def rabat(cast, areas):  # type: ignore[no-untyped-def]
    import datetime as dt

    from jisr.roadmap.services import event_create

    return event_create(actor=cast.ma_roadmap, title_ar="لقاء الرباط", title_fr="Rencontre de Rabat",
                        starts_on=dt.date(2025, 5, 8), place="Rabat", country="MA", organisers=[cast.ma, cast.es])
