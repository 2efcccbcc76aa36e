"""No organisation can block another's shared releases, nor learn where another takes part.

Before: ES's analyst named MA in a request for a table and year; MA was never asked, and from then on
every request of MA for that year was refused (409) — and the refusal told ES that MA takes part in a
release. Now a request binds the organisations it names to nothing until they approve it: an
organisation takes part in a release once it requested or approved it, and only its own releases can
stand in the way of its requests and approvals (two releases that could be subtracted from each other
are never both approved). A contributor's coordinator declines a pending request it did not ask for, the
requesting organisation withdraws its own; a declined or withdrawn release is never published."""

from __future__ import annotations

import pytest
from django.urls import reverse
from test_stats_releases import _alert, _client, _coordinator

from jisr.accounts.models import Membership, User
from jisr.audit.models import AuditEvent
from jisr.statistics import services
from jisr.statistics.models import Release, ReleaseApproval, ReleaseStatus

pytestmark = pytest.mark.django_db

TABLES = list(services.TABLES)


@pytest.fixture
def world(cast):  # type: ignore[no-untyped-def]
    cast.year = services.last_completed_year([cast.ma, cast.es])
    cast.es_analyst = User.objects.create_user("es-analyst-decline", password="x" * 20)
    Membership.objects.create(user=cast.es_analyst, organisation=cast.es, role="analyst")
    cast.es_coordinator = _coordinator(cast.es, "es-coord-decline")
    return cast


def _request(client, year: int, table: str, contributors) -> int:  # type: ignore[no-untyped-def]
    data = {"table": table, "year": str(year), "contributors": [str(o.pk) for o in contributors]}
    return client.post(reverse("statistics:release_request"), data).status_code


def test_a_request_naming_ma_blocks_none_of_ma_s_requests(world) -> None:  # type: ignore[no-untyped-def]
    es = _client(world.es_analyst)
    assert _request(es, world.year, "sex_by_stage", [world.ma]) == 200
    blocking = Release.objects.get()
    assert blocking.status == ReleaseStatus.PENDING and not blocking.approvals.exists()
    ma = _client(world.ma_analyst)
    assert _request(ma, world.year, "sex_by_stage", []) == 200  # MA alone, the same table and year
    assert Release.objects.count() == 2


def test_a_refusal_never_tells_where_another_organisation_takes_part(world) -> None:  # type: ignore[no-untyped-def]
    """MA takes part in its own release of the table; ES naming MA for it is not refused (a refusal would
    say that MA takes part in one), and MA, asked, can only decline or leave it waiting."""
    services.release_request(actor=world.ma_analyst, table="sex_by_stage", year=world.year, contributors=[world.ma])
    response = _client(world.es_analyst).post(
        reverse("statistics:release_request"),
        {"table": "sex_by_stage", "year": str(world.year), "contributors": [str(world.ma.pk)]},
    )
    assert response.status_code == 200 and "Release requested" in response.content.decode()
    assert "already takes part" not in response.content.decode() and Release.objects.count() == 2


def test_conflicting_releases_are_never_both_approved(world) -> None:  # type: ignore[no-untyped-def]
    """{ES, MA} and {MA} of one table would give ES's table by subtraction: both may be asked for, but MA,
    having approved its own, cannot approve the other; its refusal speaks of MA's own release only."""
    theirs = services.release_request(
        actor=world.es_analyst, table="sex_by_stage", year=world.year, contributors=[world.es, world.ma]
    )
    mine = services.release_request(
        actor=world.ma_analyst, table="sex_by_stage", year=world.year, contributors=[world.ma]
    )
    assert _client(world.ma_coordinator).post(reverse("statistics:release_approve", args=[mine.pk])).status_code == 200
    mine.refresh_from_db()
    assert mine.status == ReleaseStatus.APPROVED
    response = _client(world.ma_coordinator, "fr").post(reverse("statistics:release_approve", args=[theirs.pk]))
    assert response.status_code == 409
    message = _alert(response)
    assert "Votre organisation participe déjà" in message and world.es.name not in message
    assert not ReleaseApproval.objects.filter(release=theirs).exists()
    assert not AuditEvent.objects.filter(action="statistics.release_approve", target_id=str(theirs.pk)).exists()


def test_a_contributor_declines_a_request_it_did_not_ask_for(world) -> None:  # type: ignore[no-untyped-def]
    release = services.release_request(
        actor=world.es_analyst, table="age_by_sex", year=world.year, contributors=[world.es, world.ma]
    )
    url = reverse("statistics:release_withdraw", args=[release.pk])
    assert _client(world.ma_analyst).post(url).status_code == 404  # MA's coordinator declines, not its analyst
    page = _client(world.ma_coordinator).get(reverse("statistics:exports")).content.decode()
    assert url in page and "Decline" in page
    response = _client(world.ma_coordinator).post(url)
    assert response.status_code == 200 and "Release declined: it will not be published." in response.content.decode()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.DECLINED
    event = AuditEvent.objects.get(action="statistics.release_decline")
    assert event.details == {"table": "age_by_sex", "year": world.year, "status": "declined"}
    # never published: no approval, no file; and its table, year and organisations are free again
    approve = reverse("statistics:release_approve", args=[release.pk])
    assert _client(world.es_coordinator).post(approve).status_code == 409
    assert not ReleaseApproval.objects.filter(release=release).exists()
    assert _request(_client(world.es_analyst), world.year, "age_by_sex", [world.ma]) == 200


def test_the_requester_withdraws_its_own(world) -> None:  # type: ignore[no-untyped-def]
    release = services.release_request(
        actor=world.es_analyst, table="age_by_sex", year=world.year, contributors=[world.es, world.ma]
    )
    services.release_approve(actor=world.ma_coordinator, release=release)  # approved by MA, still pending
    response = _client(world.es_analyst, "ar").post(reverse("statistics:release_withdraw", args=[release.pk]))
    assert response.status_code == 200 and "سُحب النشر" in response.content.decode()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="statistics.release_withdraw").count() == 1
    # MA approved it, but a withdrawn release binds MA to nothing
    assert _request(_client(world.ma_analyst), world.year, "age_by_sex", []) == 200


def test_an_approved_release_cannot_be_withdrawn_and_a_refusal_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    release = services.release_request(
        actor=world.es_analyst, table="age_by_sex", year=world.year, contributors=[world.es, world.ma]
    )
    services.release_approve(actor=world.ma_coordinator, release=release)
    services.release_approve(actor=world.es_coordinator, release=release)
    events = AuditEvent.objects.count()
    for user in (world.ma_coordinator, world.es_analyst):
        response = _client(user, "es").post(reverse("statistics:release_withdraw", args=[release.pk]))
        assert response.status_code == 409 and "ya no está pendiente" in _alert(response)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.APPROVED and AuditEvent.objects.count() == events


def test_an_organisation_outside_the_release_gets_404(world) -> None:  # type: ignore[no-untyped-def]
    release = services.release_request(
        actor=world.ma_analyst, table="age_by_sex", year=world.year, contributors=[world.ma]
    )
    response = _client(world.es_coordinator).post(reverse("statistics:release_withdraw", args=[release.pk]))
    assert response.status_code == 404
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PENDING
