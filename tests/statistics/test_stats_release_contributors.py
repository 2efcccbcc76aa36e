"""Shared releases cannot be differenced by contributors: an organisation takes part in one release per
table and year, and in the releases of a year always with the same organisations ({MA, ES} minus {MA}
would be ES's table); and a pooled count is withheld where a contributor, subtracting its own counts,
would learn that the others have a few cases (a pooled 15 of which MA has 12: ES has 3) — withheld so
that neither the margins nor bounds give it back to that contributor."""

from __future__ import annotations

import csv
import io
import random
import re

import pytest
from django.urls import reverse
from django.utils import translation
from test_stats_releases import _alert, _cases, _client, _coordinator

from jisr.accounts.models import Membership, Organisation, User
from jisr.audit.models import AuditEvent
from jisr.statistics import services
from jisr.statistics.core import disclosure
from jisr.statistics.models import Release

THRESHOLD = disclosure.DEFAULT_THRESHOLD


# --- The suppression itself, on generated tables (pure) ---------------------------------------------------


def _parts(cells: list[list[int]]) -> tuple[list[int], list[int], int]:
    rows = [sum(r) for r in cells]
    return rows, [sum(r[j] for r in cells) for j in range(len(cells[0]))], sum(rows)


def _pooled(contributions: list[list[list[int]]]) -> disclosure.SuppressedTable:
    """A pooled two-way table with margins, suppressed as a shared release is: the margins as breakdowns
    released with each contributor's own, then the cells within them."""
    cells = [[sum(c[i][j] for c in contributions) for j in range(len(contributions[0][0]))]
             for i in range(len(contributions[0]))]
    rows, columns, total = _parts(cells)
    own = [_parts(c) for c in contributions]
    row_series, column_series = disclosure.suppress_breakdowns(
        [rows, columns], total, THRESHOLD, own=[([r, c], t) for r, c, t in own]
    )
    return disclosure.suppress_within(
        cells, row_series, column_series, THRESHOLD, own=[(c, *p) for c, p in zip(contributions, own, strict=True)]
    )


def _flat(table: disclosure.SuppressedTable) -> list[int | None]:
    shown: list[int | None] = []
    for row, total in zip(table.cells, table.row_totals, strict=True):
        shown += [*row, total]
    return [*shown, *table.column_totals, table.total]


def _view(table: disclosure.SuppressedTable, own: list[list[int]]) -> list[int | None]:
    """What a contributor works out of the others from the published table: published minus its own."""
    rows, columns, total = _parts(own)
    mine = [v for r, t in zip(own, rows, strict=True) for v in (*r, t)] + [*columns, total]
    return [None if v is None else v - m for v, m in zip(_flat(table), mine, strict=True)]


def _exact_others(table: disclosure.SuppressedTable, contributions: list[list[list[int]]]) -> list[tuple[int, int]]:
    """(contributor, position) of every withheld count of which what the others have is small and that
    contributor works out exactly, by subtraction or by bounds (counts are never negative)."""
    n_rows, n_cols = len(table.cells), len(table.column_totals)
    equations = disclosure.grid_equations(n_rows, n_cols)
    found = []
    for k, own in enumerate(contributions):
        others = [[sum(c[i][j] for m, c in enumerate(contributions) if m != k) for j in range(n_cols)]
                  for i in range(n_rows)]
        rows, columns, total = _parts(others)
        truth = [v for r, t in zip(others, rows, strict=True) for v in (*r, t)] + [*columns, total]
        view = _view(table, own)
        lo, hi = disclosure.bounds_system(view, equations)
        found += [(k, p) for p, v in enumerate(view) if v is None and disclosure.is_small(truth[p], THRESHOLD)
                  and lo[p] == hi[p]]
    return found


def test_a_cell_of_which_the_others_have_three_is_withheld_and_not_recoverable() -> None:
    # rows: women, men; columns: two stages. MA has 12 women at the second stage, ES 3: pooled 15.
    ma = [[30, 12], [25, 40]]
    es = [[20, 3], [15, 14]]
    table = _pooled([ma, es])
    assert table.cells[0][1] is None and (0, 1) in table.primary
    assert disclosure.suppress([[50, 15], [40, 54]]).cells[0][1] == 15  # by the threshold alone: shown
    assert table.row_totals == [65, 94] and table.column_totals == [90, 69]  # margins shown, yet:
    assert not disclosure.recoverable(table)
    assert not _exact_others(table, [ma, es])
    # What MA works out of ES's women at that stage: not 3, a range.
    lo, hi = disclosure.bounds_system(_view(table, ma), disclosure.grid_equations(2, 2))
    assert lo[1] < 3 < hi[1] or (lo[1] < hi[1] and lo[1] <= 3 <= hi[1])
    assert hi[1] - lo[1] >= THRESHOLD - 1


def test_a_cell_of_which_each_has_twelve_is_shown() -> None:
    table = _pooled([[[30, 12], [25, 40]], [[20, 12], [15, 14]]])
    assert table.cells == [[50, 24], [40, 54]] and not table.primary and not table.secondary


@pytest.mark.parametrize("seed", range(60))
def test_generated_pooled_tables_give_no_contributor_a_small_count_of_the_others(seed: int) -> None:
    rng = random.Random(seed)
    n_rows, n_cols, n_orgs = rng.randint(2, 4), rng.randint(2, 3), rng.randint(2, 3)

    def count() -> int:
        return rng.choice([0, 0, rng.randint(1, 4), rng.randint(5, 15), rng.randint(10, 40)])

    contributions = [[[count() for _j in range(n_cols)] for _i in range(n_rows)] for _k in range(n_orgs)]
    try:
        table = _pooled(contributions)
    except disclosure.SuppressionError:  # nothing released is safe too; it must stay rare
        pytest.skip("nothing released")
    shown = _flat(table)
    for k, own in enumerate(contributions):
        rows, columns, total = _parts(own)
        mine = [v for r, t in zip(own, rows, strict=True) for v in (*r, t)] + [*columns, total]
        for p, v in enumerate(shown):  # nothing published leaves the others a small count
            assert v is None or not disclosure.is_small(v - mine[p], THRESHOLD), (k, p)
    assert not disclosure.recoverable(table)
    assert not _exact_others(table, contributions)


def test_an_own_count_larger_than_the_pooled_one_is_refused() -> None:
    with pytest.raises(ValueError):
        disclosure.suppress_system([5, 5], [((0,), (1,))], own=[[6, 5]])


# --- The pooled table of a release, from generated cases ----------------------------------------------



def _released_csv(cast, contributors) -> list[list[str]]:  # type: ignore[no-untyped-def]
    release = services.release_request(actor=cast.ma_analyst, table="sex_by_stage", year=cast.year,
                                       contributors=contributors)
    services.release_approve(actor=cast.ma_coordinator, release=release)
    release = services.release_approve(actor=cast.es_coordinator, release=release)
    with translation.override("en"):
        data = services.release_file(actor=cast.ma_analyst, release=release)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _seed(cast, es_women_assisted: int):  # type: ignore[no-untyped-def]
    """MA: 12 women at first assistance; ES: `es_women_assisted` there. Every margin is large for both."""
    cast.year = services.last_completed_year([cast.ma, cast.es])
    _cases(cast.ma, cast.year, [("Feminine", "identification")] * 30 + [("Feminine", "first_assistance")] * 12
           + [("Masculine", "identification")] * 25 + [("Masculine", "first_assistance")] * 40, "MA-SUB")
    _cases(cast.es, cast.year, [("Feminine", "identification")] * 20
           + [("Feminine", "first_assistance")] * es_women_assisted
           + [("Masculine", "identification")] * 15 + [("Masculine", "first_assistance")] * 14, "ES-SUB")
    cast.es_coordinator = _coordinator(cast.es, "es-coord-subtraction")
    return cast


@pytest.mark.django_db
def test_the_release_withholds_ma_12_plus_es_3_and_its_margins_do_not_give_it_back(cast) -> None:  # type: ignore[no-untyped-def]
    cast = _seed(cast, 3)
    with translation.override("en"):
        rows = _released_csv(cast, [cast.ma, cast.es])
        mark = services.labels.withheld()
    header, body = rows[0], rows[1:]
    identification, assisted = header.index("Identification"), header.index("First assistance and protection")
    women = next(i for i, r in enumerate(body) if r[0] == "Female")
    men = next(i for i, r in enumerate(body) if r[0] == "Male")
    assert body[women][assisted] == mark
    assert body[women][-1] == "65" and body[-1][assisted] == "69"  # its row and column totals are published
    # MA's own table, as MA's analyst knows it; MA's view of the release: published minus MA's own.
    n_rows, n_cols = len(body) - 1, len(header) - 2
    own = [[0] * n_cols for _ in range(n_rows)]
    own[women][identification - 1], own[women][assisted - 1] = 30, 12
    own[men][identification - 1], own[men][assisted - 1] = 25, 40
    own_rows = [sum(r) for r in own]
    mine = [v for r, t in zip(own, own_rows, strict=True) for v in (*r, t)]
    mine += [sum(r[j] for r in own) for j in range(n_cols)] + [sum(own_rows)]
    shown = [None if v == mark else int(v) for r in body for v in r[1:]]
    equations = disclosure.grid_equations(n_rows, n_cols)
    assert not disclosure.recoverable_system(shown, equations)
    others = [None if v is None else v - m for v, m in zip(shown, mine, strict=True)]
    lo, hi = disclosure.bounds_system(others, equations)
    at = women * (n_cols + 1) + assisted - 1
    assert lo[at] <= 3 <= hi[at] and hi[at] - lo[at] >= THRESHOLD  # ES's 3 is one of many possibilities
    assert not disclosure.recoverable_system(others, equations)


@pytest.mark.django_db
def test_the_release_shows_ma_12_plus_es_12(cast) -> None:  # type: ignore[no-untyped-def]
    cast = _seed(cast, 12)
    with translation.override("en"):
        rows = _released_csv(cast, [cast.ma, cast.es])
        stage = rows[0].index(next(h for h in rows[0] if h.startswith("First assistance")))
    women = next(r for r in rows if r[0] == "Female")
    assert women[stage] == "24"


# --- One release per table and year, one group of organisations per year ------------------------------


def _analyst(org: Organisation, name: str) -> User:
    user = User.objects.create_user(name, password="x" * 20)
    Membership.objects.create(user=user, organisation=org, role="analyst")
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "word"), [("fr", "organisation"), ("es", "organización"), ("ar", "منظمة")])
def test_an_organisation_already_contributing_is_refused_with_a_translated_message(cast, language, word) -> None:  # type: ignore[no-untyped-def]
    year = services.last_completed_year([cast.ma, cast.es])
    first = services.release_request(actor=cast.ma_analyst, table="sex_by_stage", year=year,
                                     contributors=[cast.ma, cast.es])
    response = _client(cast.ma_analyst, language).post(
        reverse("statistics:release_request"), {"table": "sex_by_stage", "year": str(year)}  # MA alone
    )
    assert response.status_code == 409
    message = _alert(response)
    assert "already takes part" not in message and word in message
    assert str(year) in message and cast.es.name not in message  # its own release: no other organisation named
    with translation.override(language):
        assert str(services.labels.label(services.labels.TABLES, "sex_by_stage")) in message
    assert list(Release.objects.all()) == [first]
    assert AuditEvent.objects.filter(action="statistics.release_request").count() == 1


@pytest.mark.django_db
def test_one_release_per_table_and_year_and_one_group_per_year(cast) -> None:  # type: ignore[no-untyped-def]
    year = services.last_completed_year([cast.ma, cast.es])
    other = Organisation.objects.create(slug="test-x", name="Test X", country="MA", kind="ngo", code_prefix="X-TEST")
    x_analyst = _analyst(other, "x-analyst-release")
    es_analyst = _analyst(cast.es, "es-analyst-subtraction")
    first = services.release_request(actor=cast.ma_analyst, table="sex_by_stage", year=year,
                                     contributors=[cast.ma, cast.es])
    refused = [  # MA requested `first`: it takes part in it
        (cast.ma_analyst, "sex_by_stage", [cast.ma]),  # {MA, ES} − {MA} = ES
        (cast.ma_analyst, "sex_by_stage", [cast.ma, other]),  # {MA, ES} − {MA, X} + X's own = ES
        (cast.ma_analyst, "nationality_by_sex", [cast.ma, cast.es, other]),  # a superset: X's table
        (cast.ma_analyst, "age_by_sex", [cast.ma]),  # another table: the same number of cases, by sex
    ]
    for actor, table, contributors in refused:
        with pytest.raises(services.ContributorTakenError) as caught:
            services.release_request(actor=actor, table=table, year=year, contributors=contributors)
        assert caught.value.existing == first and caught.value.organisation == cast.ma
    # Approved, it is in the way all the same.
    cast.es_coordinator = _coordinator(cast.es, "es-coord-groups")
    services.release_approve(actor=cast.ma_coordinator, release=first)
    services.release_approve(actor=cast.es_coordinator, release=first)
    with pytest.raises(services.ContributorTakenError):
        services.release_request(actor=cast.ma_analyst, table="sex_by_stage", year=year, contributors=[cast.ma])
    assert Release.objects.count() == 1
    # The same group, another table; another year; an organisation in no release of the year alone.
    services.release_request(actor=es_analyst, table="age_by_sex", year=year, contributors=[cast.es, cast.ma])
    services.release_request(actor=cast.ma_analyst, table="sex_by_stage", year=year - 1, contributors=[cast.ma])
    services.release_request(actor=x_analyst, table="sex_by_stage", year=year, contributors=[other])
    assert Release.objects.count() == 4
    # Y may name ES (a request binds it to nothing), but ES, which approved `first`, cannot approve it.
    y = Organisation.objects.create(slug="test-y", name="Test Y", country="MA", kind="ngo", code_prefix="Y-TEST")
    overlapping = services.release_request(
        actor=_analyst(y, "y-analyst-release"), table="nationality_by_sex", year=year, contributors=[y, cast.es]
    )
    with pytest.raises(services.ContributorTakenError) as caught:
        services.release_approve(actor=cast.es_coordinator, release=overlapping)
    assert caught.value.existing == first and caught.value.organisation == cast.es


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "word"), [("en", "per table and year"), ("fr", "par tableau"), ("es", "por tabla"), ("ar", "جدول")]
)
def test_the_exports_page_says_one_release_per_table_and_year(cast, language, word) -> None:  # type: ignore[no-untyped-def]
    html = _client(cast.ma_analyst, language).get(reverse("statistics:exports")).content.decode()
    note = re.search(r'id="release-one-per-year">(.*?)</p>', html, re.S).group(1)
    assert word in note and (language == "en" or "per table" not in note)
