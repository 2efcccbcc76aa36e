"""A shared release is frozen in no language: the codes of its rows and columns and its numbers (the
SHA-256 of that, on record, never changes), and each download is written in the downloader's language
from those numbers. Before, the CSV was frozen in the language of whoever gave the last approval: an
Arabic coordinator approving last gave the Spanish and French organisations an Arabic file."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from test_stats_releases import _cases, _client, _coordinator

from jisr.audit.models import AuditEvent
from jisr.statistics import services
from jisr.statistics.models import Release

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(cast):  # type: ignore[no-untyped-def]
    """A release of sex by stage of MA and ES, approved last by ES's coordinator on an Arabic page."""
    year = services.last_completed_year([cast.ma, cast.es])
    _cases(cast.ma, year, [("Feminine", "identification")] * 30 + [("Masculine", "first_assistance")] * 12, "MA-LANG")
    _cases(cast.es, year, [("Feminine", "identification")] * 20 + [("Masculine", "identification")] * 11, "ES-LANG")
    release = services.release_request(actor=cast.ma_analyst, table="sex_by_stage", year=year,
                                       contributors=[cast.ma, cast.es])
    services.release_approve(actor=cast.ma_coordinator, release=release)
    cast.es_coordinator = _coordinator(cast.es, "es-coord-lang")
    approve = reverse("statistics:release_approve", args=[release.pk])
    assert _client(cast.es_coordinator, "ar").post(approve).status_code == 200
    release.refresh_from_db()
    cast.release = release
    return cast


def _download(user, language: str, release: Release) -> bytes:  # type: ignore[no-untyped-def]
    response = _client(user, language).get(reverse("statistics:release_download", args=[release.pk]))
    assert response.status_code == 200
    return response.content


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_frozen_table_is_in_no_language(approved) -> None:  # type: ignore[no-untyped-def]
    frozen = bytes(approved.release.content)
    body = json.loads(frozen)
    assert body["rows_dimension"] == "sex" and body["columns"][0] == "identification"
    assert not any("\u0600" <= ch <= "\u06ff" for ch in frozen.decode())  # nothing of the Arabic page


def test_each_download_is_in_the_downloader_s_language_with_the_frozen_numbers(approved) -> None:  # type: ignore[no-untyped-def]
    release = approved.release
    french = _rows(_download(approved.ma_coordinator, "fr", release))
    arabic = _rows(_download(approved.es_coordinator, "ar", release))
    english = _rows(_download(approved.ma_analyst, "en", release))
    assert french[0][0] == "Sexe" and english[0][0] == "Sex" and any("\u0600" <= ch <= "\u06ff" for ch in arabic[0][0])
    assert french[1][0] != english[1][0]  # the rows' labels too ("Femme", "Female")

    def numbers(rows: list[list[str]]) -> list[list[str]]:
        return [[v if v.isdigit() else "withheld" for v in row[1:]] for row in rows[1:]]

    assert numbers(french) == numbers(arabic) == numbers(english)
    assert _download(approved.ma_coordinator, "fr", release) == _download(approved.ma_analyst, "fr", release)
    downloads = AuditEvent.objects.filter(action="statistics.release_download")
    assert {e.details["sha256"] for e in downloads} == {release.content_sha256}  # the frozen table, unchanged
    assert {e.details["language"] for e in downloads} == {"fr", "ar", "en"}


def test_a_release_frozen_as_a_csv_before_is_given_as_it_is(approved) -> None:  # type: ignore[no-untyped-def]
    old = b"\xef\xbb\xbfSex,Total\r\nTotal,73\r\n"
    Release.objects.filter(pk=approved.release.pk).update(content=old)
    assert _download(approved.ma_analyst, "fr", approved.release) == old
