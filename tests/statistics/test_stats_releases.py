"""Shared (pooled) releases cannot be differenced: a calendar year that is over only, one snapshot taken
when the last contributor approves (every download gives its bytes, whatever is entered later), and no
second release of the same table, year and organisations."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jisr.accounts.models import Membership, User
from jisr.audit.models import AuditEvent
from jisr.cases.models import Case
from jisr.common.exports import to_csv
from jisr.statistics import services
from jisr.statistics.models import Release, ReleaseApproval, ReleaseStatus

pytestmark = pytest.mark.django_db


def _cases(  # type: ignore[no-untyped-def]
    org, year: int, rows: list[tuple[str, str]], tag: str, *, forms: list[list[str]] | None = None,
    on: dt.date | None = None,
) -> None:
    """Generated cases (no names) of (sex, stage) in `org`, opened in `year` (open since): from 1 March a
    day apart, or all on the day `on`; forced labour, or the forms of exploitation `forms` (one list a row)."""
    from jisr.crypto.models import DataKey
    from jisr.survivors.models import Person

    day = on or dt.date(year, 3, 1)
    keys = DataKey.objects.bulk_create([DataKey(purpose="person", wrapped=b"x" * 60, kek_id="test") for _ in rows])
    persons = Person.objects.bulk_create(
        [
            Person(organisation=org, code=f"{tag}-{i:04d}", data_key=keys[i], sex=sex, nationality="MA",
                   estimated_age=30, age_estimated_on=day)
            for i, (sex, _stage) in enumerate(rows)
        ]
    )
    Case.objects.bulk_create(
        [
            Case(organisation=org, person=p, number=1, trm_stage=stage,
                 opened_on=day + dt.timedelta(days=0 if on else i),
                 exploitation_types=forms[i] if forms is not None else ["ForcedLabour"])
            for i, (p, (_sex, stage)) in enumerate(zip(persons, rows, strict=True))
        ]
    )


def _coordinator(org, name: str) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(name, password="x" * 20)
    Membership.objects.create(user=user, organisation=org, role="coordinator")
    return user


def _client(user: User, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": language})
    return client


def _alert(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r'role="alert">(.*?)</div>', response.content.decode(), re.S)
    return match.group(1) if match else response.content.decode()


@pytest.fixture
def pooled(cast):  # type: ignore[no-untyped-def]
    """Last year's caseloads of both organisations (enough for unsuppressed cells), and a coordinator of ES."""
    year = services.last_completed_year([cast.ma, cast.es])
    _cases(cast.ma, year, [("Feminine", "identification")] * 30 + [("Masculine", "first_assistance")] * 12, "MA-REL")
    _cases(cast.es, year, [("Feminine", "identification")] * 20 + [("Masculine", "identification")] * 11, "ES-REL")
    cast.es_coordinator = _coordinator(cast.es, "es-coord-release")
    cast.year = year
    return cast


# --- 1. A calendar year that is over only ---------------------------------------------------------------


def test_the_last_completed_year_is_last_year_here() -> None:
    assert services.last_completed_year() == timezone.localdate(timezone=timezone.get_default_timezone()).year - 1


@pytest.mark.parametrize("years_ahead", [0, 1])
def test_a_year_that_is_not_over_is_refused_and_nothing_stored(cast, years_ahead) -> None:  # type: ignore[no-untyped-def]
    year = timezone.localdate().year + years_ahead
    with pytest.raises(services.ReleaseYearNotOverError):
        services.release_request(actor=cast.ma_analyst, table="sex_by_stage", year=year, contributors=[cast.ma])
    response = _client(cast.ma_analyst, "es").post(
        reverse("statistics:release_request"), {"table": "sex_by_stage", "year": str(year)}
    )
    assert response.status_code == 400
    message = _alert(response)
    assert "is not over" not in message and str(year) in message and str(year - years_ahead - 1) in message
    assert "año" in message  # in the reader's language
    assert not Release.objects.exists() and not AuditEvent.objects.filter(action="statistics.release_request")


def test_a_year_not_over_for_one_contributor_is_not_over(cast) -> None:  # type: ignore[no-untyped-def]
    """At 00:30 UTC on 1 January, the year is over in Casablanca (UTC+1) but not in New York."""
    cast.es.time_zone = "America/New_York"
    cast.es.save(update_fields=["time_zone"])
    moment = dt.datetime(2031, 1, 1, 0, 30, tzinfo=ZoneInfo("UTC"))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert services.last_completed_year([cast.ma]) == 2030
        assert services.last_completed_year([cast.ma, cast.es]) == 2029
        with pytest.raises(services.ReleaseYearNotOverError):
            services.release_request(
                actor=cast.ma_analyst, table="sex_by_stage", year=2030, contributors=[cast.ma, cast.es]
            )
        services.release_request(actor=cast.ma_analyst, table="sex_by_stage", year=2030, contributors=[cast.ma])


def test_last_year_is_accepted_and_eastern_digits_read(cast) -> None:  # type: ignore[no-untyped-def]
    year = services.last_completed_year([cast.ma])
    eastern = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in str(year))
    response = _client(cast.ma_analyst).post(
        reverse("statistics:release_request"), {"table": "sex_by_stage", "year": eastern}
    )
    assert response.status_code == 200 and Release.objects.get().year == year


# --- 2. Computed once, at the last approval ------------------------------------------------------------


def test_the_table_is_frozen_at_the_last_approval_and_downloads_give_those_bytes(pooled) -> None:  # type: ignore[no-untyped-def]
    cast = pooled
    release = services.release_request(
        actor=cast.ma_analyst, table="sex_by_stage", year=cast.year, contributors=[cast.ma, cast.es]
    )
    services.release_approve(actor=cast.ma_coordinator, release=release)
    release.refresh_from_db()
    assert release.content is None and release.frozen_at is None and release.status == ReleaseStatus.PENDING
    services.release_approve(actor=cast.es_coordinator, release=release)
    release.refresh_from_db()
    stored = bytes(release.content)
    assert release.status == ReleaseStatus.APPROVED and release.frozen_at is not None
    assert release.content_sha256 == hashlib.sha256(stored).hexdigest()
    last = AuditEvent.objects.filter(action="statistics.release_approve").order_by("at").last()
    assert last.details["sha256"] == release.content_sha256
    assert dt.datetime.fromisoformat(last.details["frozen_at"]) == release.frozen_at
    first_approval = AuditEvent.objects.filter(action="statistics.release_approve").order_by("at").first()
    assert "sha256" not in first_approval.details  # nothing frozen before every contributor approved

    client = _client(cast.ma_analyst)
    url = reverse("statistics:release_download", args=[release.pk])
    first = client.get(url)
    assert first.status_code == 200 and first.content.endswith(b",73\r\n")  # all 73 cases
    assert services.NeutralTable.from_bytes(stored).total == 73  # frozen in no language, rendered per download

    # Late entries and corrections of that year, in both organisations.
    _cases(cast.ma, cast.year, [("Masculine", "identification")] * 13, "MA-LATE")
    _cases(cast.es, cast.year, [("Feminine", "first_assistance")] * 3, "ES-LATE")
    Case.objects.filter(person__code="MA-REL-0000").update(trm_stage="long_term_assistance")
    recomputed = services._pooled_table(release.table, release.year, [cast.ma, cast.es])
    assert recomputed != stored  # the data did change: a recomputed table would tell the new cases

    second = client.get(url)
    assert second.status_code == 200 and second.content == first.content
    # A coordinator approving again changes nothing either.
    services.release_approve(actor=cast.ma_coordinator, release=release)
    assert _client(cast.es_coordinator).get(url).content == first.content
    downloads = AuditEvent.objects.filter(action="statistics.release_download")
    assert downloads.count() == 3
    assert {e.details["sha256"] for e in downloads} == {release.content_sha256}
    assert {e.details["frozen_at"] for e in downloads} == {release.frozen_at.isoformat()}


def test_a_release_approved_before_snapshots_is_frozen_once_its_year_is_over(pooled) -> None:  # type: ignore[no-untyped-def]
    """Rows approved before this rule have no stored table: the first download after the year is over
    takes it (audited), later ones give the same bytes; a year still running is refused (409)."""
    cast = pooled
    this_year = timezone.localdate().year
    old = Release.objects.create(
        requested_by=cast.ma_analyst, organisation=cast.ma, table="sex_by_stage", year=cast.year,
        status=ReleaseStatus.APPROVED,
    )
    old.contributors.set([cast.ma])
    running = Release.objects.create(
        requested_by=cast.ma_analyst, organisation=cast.ma, table="sex_by_stage", year=this_year,
        status=ReleaseStatus.APPROVED,
    )
    running.contributors.set([cast.ma])
    client = _client(cast.ma_analyst)
    refused = client.get(reverse("statistics:release_download", args=[running.pk]))
    assert refused.status_code == 409 and str(this_year) in _alert(refused)
    running.refresh_from_db()
    assert running.content is None and not AuditEvent.objects.filter(action="statistics.release_download")

    url = reverse("statistics:release_download", args=[old.pk])
    first = client.get(url).content
    _cases(cast.ma, cast.year, [("Masculine", "identification")] * 13, "MA-LATE")
    assert client.get(url).content == first
    old.refresh_from_db()
    with translation.override("en"):
        assert to_csv(*services.NeutralTable.from_bytes(bytes(old.content)).render()) == first
    events = list(AuditEvent.objects.filter(action="statistics.release_download").order_by("at"))
    assert events[0].details.get("frozen_now") is True and "frozen_now" not in events[1].details


def test_a_pending_release_of_a_year_still_running_is_not_frozen_by_its_last_approval(cast) -> None:  # type: ignore[no-untyped-def]
    this_year = timezone.localdate().year
    release = Release.objects.create(
        requested_by=cast.ma_analyst, organisation=cast.ma, table="sex_by_stage", year=this_year
    )
    release.contributors.set([cast.ma])
    response = _client(cast.ma_coordinator).post(reverse("statistics:release_approve", args=[release.pk]))
    assert response.status_code == 409
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PENDING and release.content is None
    assert not ReleaseApproval.objects.exists() and not AuditEvent.objects.filter(action="statistics.release_approve")


# --- 3. Once per table, year and organisations --------------------------------------------------------


def test_a_second_release_of_the_same_table_year_and_organisations_is_refused(pooled) -> None:  # type: ignore[no-untyped-def]
    cast = pooled
    first = services.release_request(
        actor=cast.ma_analyst, table="sex_by_stage", year=cast.year, contributors=[cast.ma, cast.es]
    )
    es_analyst = User.objects.create_user("es-analyst-release", password="x" * 20)
    Membership.objects.create(user=es_analyst, organisation=cast.es, role="analyst")
    # Pending or approved, asked by either organisation, contributors in any order: refused.
    with pytest.raises(services.DuplicateReleaseError):
        services.release_request(
            actor=es_analyst, table="sex_by_stage", year=cast.year, contributors=[cast.es, cast.ma]
        )
    services.release_approve(actor=cast.ma_coordinator, release=first)
    services.release_approve(actor=cast.es_coordinator, release=first)
    response = _client(cast.ma_analyst, "fr").post(
        reverse("statistics:release_request"),
        {"table": "sex_by_stage", "year": str(cast.year), "contributors": [str(cast.es.pk)]},
    )
    assert response.status_code == 409
    message = _alert(response)
    assert "already exists" not in message and str(cast.year) in message and "existe" in message
    assert Release.objects.count() == 1
    assert AuditEvent.objects.filter(action="statistics.release_request").count() == 1

    # Another table or another year of the same organisations are other releases; other organisations
    # sharing one of them are refused (test_stats_release_contributors.py).
    services.release_request(actor=cast.ma_analyst, table="age_by_sex", year=cast.year, contributors=[cast.ma, cast.es])
    services.release_request(
        actor=cast.ma_analyst, table="sex_by_stage", year=cast.year - 1, contributors=[cast.ma, cast.es]
    )
    with pytest.raises(services.ContributorTakenError):
        services.release_request(actor=cast.ma_analyst, table="sex_by_stage", year=cast.year, contributors=[cast.ma])
    assert Release.objects.count() == 3


# --- 4. The exports page says so -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "snapshot"), ("fr", "instantané"), ("es", "instantánea"), ("ar", "لقطة")],
)
def test_the_exports_page_says_a_release_is_a_snapshot(pooled, language, words) -> None:  # type: ignore[no-untyped-def]
    cast = pooled
    release = services.release_request(
        actor=cast.ma_analyst, table="sex_by_stage", year=cast.year, contributors=[cast.ma]
    )
    services.release_approve(actor=cast.ma_coordinator, release=release)
    html = _client(cast.ma_analyst, language).get(reverse("statistics:exports")).content.decode()
    note = re.search(r'id="release-snapshot">(.*?)</p>', html, re.S).group(1)
    assert words in note
    rule = re.search(r'id="release-year-rule">(.*?)</p>', html, re.S).group(1)
    assert rule and (language == "en" or "calendar year" not in rule)
    release.refresh_from_db()
    assert timezone.localtime(release.frozen_at).strftime("%d/%m/%Y") in html
