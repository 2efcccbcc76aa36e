"""The import screen says why a `.jisr` file older than this organisation accepts is refused — older than
accepted, ask the partner to send it again — apart from a file past its own expiry, in Arabic, French and
Spanish. The refusal stores nothing but its audit event."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jisr.referrals.models import Referral
from referrals.conftest import events
from referrals.test_referrals_upkeep import _blob

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
TOO_OLD = {
    "ar": "هذا الملف أقدم مما تقبله منظمتك. اطلب من الشريك أن يرسله مرة أخرى.",
    "fr": "Ce fichier est plus ancien que ce que votre organisation accepte. Demandez au partenaire de l'envoyer "
          "à nouveau.",
    "es": "Este archivo es más antiguo de lo que su organización acepta. Pida a la entidad socia que lo envíe de "
          "nuevo.",
}
EXPIRED = {"ar": "انتهت صلاحية هذا الملف.", "fr": "Ce fichier a expiré.", "es": "Este archivo ha caducado."}


def _import(user, blob: bytes, language: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("referrals:import"),
                           {"file": SimpleUploadedFile("old.jisr", blob, "application/octet-stream")})
    return response.status_code, unescape(response.content.decode())


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_a_file_older_than_accepted_says_so(cast, remote, language) -> None:
    keys, _ = remote
    blob = _blob(keys, now=timezone.now() - 15 * DAY, ttl=60 * DAY)  # still valid by its sender's word
    status, html = _import(cast.ma_focal_point, blob, language)
    assert status == 400
    assert TOO_OLD[language] in html and EXPIRED[language] not in html
    assert not Referral.objects.exists() and len(events("referrals.envelope_too_old")) == 1


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_a_file_past_its_own_expiry_still_says_expired(cast, remote, language) -> None:
    keys, _ = remote
    blob = _blob(keys, now=timezone.now() - 3 * DAY, ttl=DAY)
    status, html = _import(cast.ma_coordinator, blob, language)
    assert status == 400
    assert EXPIRED[language] in html and TOO_OLD[language] not in html
    assert not Referral.objects.exists()
