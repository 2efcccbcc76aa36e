"""A shared release whose pooled table cannot pass its suppression check (core.disclosure.SuppressionError:
a withheld count would be worked out whatever else is withheld) is refused at its last approval with a
translated message (409), not a server error: the approval is not recorded, the release stays pending,
nothing is frozen and nothing is audited (as every refusal of the statistics app). The same at the first
download of a release approved before tables were frozen at approval."""

from __future__ import annotations

import pytest
from django.urls import reverse
from test_stats_releases import _alert, _cases, _client, _coordinator

from jisr.audit.models import AuditEvent
from jisr.statistics import services
from jisr.statistics.core import disclosure
from jisr.statistics.models import Release, ReleaseApproval, ReleaseStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributors(cast):  # type: ignore[no-untyped-def]
    """Last year's caseloads of both organisations, and a coordinator of ES (generated cases, no names)."""
    cast.year = services.last_completed_year([cast.ma, cast.es])
    _cases(cast.ma, cast.year, [("Feminine", "identification")] * 30 + [("Masculine", "first_assistance")] * 12, "MA")
    _cases(cast.es, cast.year, [("Feminine", "identification")] * 20 + [("Masculine", "identification")] * 11, "ES")
    cast.es_coordinator = _coordinator(cast.es, "es-coord-refusal")
    return cast


@pytest.fixture
def unsuppressible(monkeypatch):  # type: ignore[no-untyped-def]
    """The disclosure core refusing the pooled cross-table, as it does when every way of protecting a
    withheld count is pinned by the margins the table must publish (found with generated caseloads of
    forms of exploitation by sex; such a table takes minutes to search, too long for a test)."""
    calls = []

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        raise disclosure.SuppressionError("a withheld count would be exposed and nothing is left to withhold")

    monkeypatch.setattr(disclosure, "suppress_within", refuse)
    return calls


def _requested(cast) -> Release:  # type: ignore[no-untyped-def]
    """A release of both organisations, approved by MA's coordinator: ES's approval is the last one."""
    release = services.release_request(
        actor=cast.ma_analyst, table="sex_by_stage", year=cast.year, contributors=[cast.ma, cast.es]
    )
    services.release_approve(actor=cast.ma_coordinator, release=release)
    return release


def _unchanged(release: Release, cast) -> None:  # type: ignore[no-untyped-def]
    """Only MA's approval and its audit event: ES's refused approval left nothing."""
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PENDING
    assert release.content is None and release.content_sha256 in ("", None) and release.frozen_at is None
    assert list(ReleaseApproval.objects.values_list("organisation", flat=True)) == [cast.ma.pk]
    events = AuditEvent.objects.filter(action__startswith="statistics.release_approve")
    assert [e.actor for e in events] == [cast.ma_coordinator]


def test_the_service_refuses_the_last_approval_and_records_nothing(contributors, unsuppressible) -> None:  # type: ignore[no-untyped-def]
    cast = contributors
    release = _requested(cast)
    assert not unsuppressible  # nothing computed before every contributor approved
    with pytest.raises(services.ReleaseNotDisclosableError) as refused:
        services.release_approve(actor=cast.es_coordinator, release=release)
    assert unsuppressible and refused.value.release.pk == release.pk
    assert isinstance(refused.value.__cause__, disclosure.SuppressionError)
    _unchanged(release, cast)


@pytest.mark.parametrize(
    ("language", "refusal", "not_recorded"),
    [
        ("en", "cannot be published in this shared release", "approval was not recorded"),
        ("fr", "ne peut pas être publié", "pas été enregistrée"),
        ("es", "no puede publicarse", "no se ha registrado"),
        ("ar", "لا يمكن نشر الجدول", "لم تُسجَّل موافقتك"),
    ],
)
def test_the_last_approval_is_a_translated_409_that_changes_nothing(  # type: ignore[no-untyped-def]
    contributors, unsuppressible, language, refusal, not_recorded
) -> None:
    cast = contributors
    release = _requested(cast)
    response = _client(cast.es_coordinator, language).post(reverse("statistics:release_approve", args=[release.pk]))
    assert response.status_code == 409
    message = _alert(response)
    assert refusal in message and not_recorded in message and str(cast.year) in message
    if language != "en":
        assert "cannot" not in message and "withheld" not in message
    _unchanged(release, cast)


def test_a_refused_approval_leaves_the_release_approvable(contributors, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Refused while the disclosure core refuses, approved as soon as it does not: the refusal stored
    nothing that stands in the way (no approval counted, no half-frozen table)."""
    cast = contributors
    release = _requested(cast)
    real = disclosure.suppress_within
    refusing = [True]

    def suppress_within(*args, **kwargs):  # type: ignore[no-untyped-def]
        if refusing[0]:
            raise disclosure.SuppressionError("a withheld count would be exposed and nothing is left to withhold")
        return real(*args, **kwargs)

    monkeypatch.setattr(disclosure, "suppress_within", suppress_within)
    client = _client(cast.es_coordinator)
    url = reverse("statistics:release_approve", args=[release.pk])
    assert client.post(url).status_code == 409
    _unchanged(release, cast)
    refusing[0] = False
    assert client.post(url).status_code == 200
    release.refresh_from_db()
    assert release.status == ReleaseStatus.APPROVED and release.content is not None
    assert AuditEvent.objects.filter(action="statistics.release_approve").count() == 2


def test_a_release_approved_before_snapshots_is_refused_at_download_too(contributors, unsuppressible) -> None:  # type: ignore[no-untyped-def]
    """Rows approved before tables were frozen at approval are frozen at their first download: a table
    that cannot pass its check is a translated 409 there, with nothing stored or audited."""
    cast = contributors
    old = Release.objects.create(
        requested_by=cast.ma_analyst,
        organisation=cast.ma,
        table="sex_by_stage",
        year=cast.year,
        status=ReleaseStatus.APPROVED,
    )
    old.contributors.set([cast.ma])
    response = _client(cast.ma_analyst, "fr").get(reverse("statistics:release_download", args=[old.pk]))
    assert response.status_code == 409 and response["Content-Type"].startswith("text/html")
    message = _alert(response)
    assert "ne peut pas être publié" in message and "approbation" not in message
    old.refresh_from_db()
    assert old.content is None and old.frozen_at is None and old.status == ReleaseStatus.APPROVED
    assert not AuditEvent.objects.filter(action="statistics.release_download").exists()
