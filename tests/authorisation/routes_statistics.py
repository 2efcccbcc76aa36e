"""Statistics routes in the authorisation matrix: coordinator and analyst of the Moroccan organisation;
drill-down lists (records about cases) for the coordinator only; files that leave (microdata, DP tables,
shared releases) for the analyst only. Everyone else: 404 (nothing learnt); anonymous: login."""

from matrix import Route, expect

STATS = ("ma_coordinator", "ma_analyst")
API_ANON = 403


def _release(world):  # type: ignore[no-untyped-def]
    from jisr.statistics.services import release_request

    return release_request(actor=world.ma_analyst, table="sex_by_stage", year=2025, contributors=[world.ma])


ROUTES = {
    "statistics:dashboard": Route(get=expect(STATS)),
    "statistics:drilldown": Route(get=expect(("ma_coordinator",))),
    "statistics:context": Route(get=expect(STATS)),
    "statistics:exports": Route(get=expect(STATS)),
    "statistics:export_aggregate": Route(get=expect(STATS), kwargs=lambda w: {"table": "sex_by_stage", "fmt": "csv"}),
    # one case in the world: k = 11 cannot be met, so the analyst is refused (409) and nothing is written
    "statistics:export_microdata": Route(post=expect(("ma_analyst",), ok=409), data=lambda w: {"k": "11"}),
    "statistics:dp_release": Route(post=expect(("ma_analyst",)), data=lambda w: {"dimension": "sex", "epsilon": "0.5"}),
    "statistics:donor_report": Route(get=expect(STATS)),
    "statistics:release_request": Route(
        post=expect(("ma_analyst",), ok=200), data=lambda w: {"table": "sex_by_stage", "year": "2025"}
    ),
    "statistics:release_approve": Route(post=expect(("ma_coordinator",)), kwargs=lambda w: {"pk": _release(w).pk}),
    # the requesting organisation's analyst withdraws, a contributor's coordinator (here the same) declines
    "statistics:release_withdraw": Route(
        post=expect(("ma_coordinator", "ma_analyst")), kwargs=lambda w: {"pk": _release(w).pk}
    ),
    # pending until every contributor approved: 409 for its members, 404 for everyone else
    "statistics:release_download": Route(get=expect(STATS, ok=409), kwargs=lambda w: {"pk": _release(w).pk}),
    "statistics-api:caseload": Route(get=expect(("ma_analyst",), anonymous=API_ANON)),
    "statistics-api:context": Route(get=expect(("ma_analyst",), anonymous=API_ANON)),
}
