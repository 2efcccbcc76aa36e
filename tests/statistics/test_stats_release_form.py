"""A shared release request naming organisations that are not organisations of the instance — a tampered
id, an empty value, an id of no organisation — is refused with a translated form error (400), and nothing
is stored nor audited. Before: the ids went straight into a query (a ValidationError, 500) or, for an id
of no organisation, were dropped without a word."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from test_stats_releases import _alert, _client

from jisr.audit.models import AuditEvent
from jisr.statistics import services
from jisr.statistics.models import Release

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("contributors", [["not-a-uuid"], [""], [str(uuid.uuid4())], ["ES", "x"]])
def test_a_tampered_contributor_is_a_form_error(cast, contributors: list[str]) -> None:  # type: ignore[no-untyped-def]
    year = services.last_completed_year([cast.ma, cast.es])
    named = [str(cast.es.pk) if c == "ES" else c for c in contributors]
    response = _client(cast.ma_analyst).post(
        reverse("statistics:release_request"), {"table": "sex_by_stage", "year": str(year), "contributors": named}
    )
    assert response.status_code == 400
    assert "Choose the organisations from the list." in _alert(response)
    assert not Release.objects.exists() and not AuditEvent.objects.filter(action__startswith="statistics.release")


@pytest.mark.parametrize(
    ("language", "message"),
    [("ar", "اختر المنظمات من القائمة."), ("fr", "Choisissez les organisations dans la liste."),
     ("es", "Elija las organizaciones de la lista.")],
)
def test_the_form_error_is_translated(cast, language: str, message: str) -> None:  # type: ignore[no-untyped-def]
    response = _client(cast.ma_analyst, language).post(
        reverse("statistics:release_request"), {"table": "sex_by_stage", "contributors": "not-a-uuid"}
    )
    assert response.status_code == 400 and message in _alert(response)


def test_real_organisations_are_still_accepted(cast) -> None:  # type: ignore[no-untyped-def]
    year = services.last_completed_year([cast.ma, cast.es])
    response = _client(cast.ma_analyst).post(
        reverse("statistics:release_request"),
        {"table": "sex_by_stage", "year": str(year), "contributors": [str(cast.es.pk), str(cast.ma.pk)]},
    )
    assert response.status_code == 200
    release = Release.objects.get()
    assert {o.pk for o in release.contributors.all()} == {cast.ma.pk, cast.es.pk}
