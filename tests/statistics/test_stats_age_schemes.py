"""Two age schemes never give a small count by subtraction.

Before: /api/v1/statistics/caseload/ returned Jisr's bands and CTDC's in one response, suppressed together
but tied only where both schemes have a boundary (0 and 18): Jisr's 18–24 = 30, CTDC's 18–20 = 12 and
21–23 = 13 gave 5 cases aged 24. Now a response publishes one scheme (`?ages=jisr`, the default, or
`?ages=ctdc`), and both schemes are suppressed across their overlaps — every band of either is the sum of
its parts in their common refinement, whose small counts are protected though never published — so that
the two responses together, or one and the dashboard, give nothing small either."""

from __future__ import annotations

import random

import pytest
from django.urls import reverse
from stats_periods import last_quarter_day
from test_stats_releases import _client

from jisr.cases.models import Case
from jisr.statistics.core import agebands, disclosure

T = disclosure.DEFAULT_THRESHOLD
PARTS = agebands.refinement(agebands.JISR_BANDS, agebands.CTDC_BANDS)
SCHEMES = {"jisr": agebands.JISR_BANDS, "ctdc": agebands.CTDC_BANDS}


def _counts(ages: list[int | None], bands: tuple[agebands.AgeBand, ...]) -> dict[str, int]:
    labels = agebands.labels(bands)
    return {label: sum(agebands.band_of(a, bands) == label for a in ages) for label in labels}


def _attack(published: dict[str, dict[str, int | None]], total: int) -> dict[str, tuple[float, float]]:
    """What an attacker works out of every part of the refinement from the bands published by both schemes
    (None = withheld): bounds propagated over "a band is the sum of its parts", "the parts, and each
    scheme's bands, add up to the cases" and counts ≥ 0 (written here independently of the core)."""
    inf = float("inf")
    names = [f"part:{p}" for p in agebands.labels(PARTS)]
    names += [f"{s}:{b}" for s, bands in SCHEMES.items() for b in agebands.labels(bands)]
    lo = {n: 0.0 for n in names}
    hi = {n: inf for n in names}
    for scheme, cells in published.items():
        for band, v in cells.items():
            if v is not None:
                lo[f"{scheme}:{band}"] = hi[f"{scheme}:{band}"] = float(v)
    equations: list[tuple[list[str], list[str]]] = [([f"part:{p}" for p in agebands.labels(PARTS)], [])]
    for scheme, bands in SCHEMES.items():
        equations.append(([f"{scheme}:{b}" for b in agebands.labels(bands)], []))
        for band in bands:
            equations.append(([f"part:{p}" for p in agebands.parts(band, PARTS)], [f"{scheme}:{band.label}"]))
        equations.append(([f"part:{agebands.UNKNOWN}"], [f"{scheme}:{agebands.UNKNOWN}"]))
    for _ in range(300):
        moved = False
        for left, right in equations:
            # sum(left) == sum(right), or == the number of cases when right is empty

            def bounds(side: list[str]) -> tuple[float, float]:
                return sum(lo[n] for n in side), sum(hi[n] for n in side)

            r_lo, r_hi = bounds(right) if right else (float(total), float(total))
            for side, (o_lo, o_hi) in ((left, (r_lo, r_hi)), (right, bounds(left))):
                if not side:
                    continue
                s_lo, s_hi = bounds(side)
                for n in side:
                    new_hi = min(hi[n], o_hi - (s_lo - lo[n]))
                    rest_hi = s_hi - hi[n] if hi[n] != inf else sum(hi[m] for m in side if m != n)
                    new_lo = max(lo[n], o_lo - rest_hi)
                    if new_hi < hi[n] or new_lo > lo[n]:
                        lo[n], hi[n], moved = new_lo, new_hi, True
                        s_lo, s_hi = bounds(side)
        if not moved:
            break
    return {n: (lo[n], hi[n]) for n in names}


def _check(ages: list[int | None], published: dict[str, dict[str, int | None]]) -> None:
    truth = {f"part:{k}": v for k, v in _counts(ages, PARTS).items()}
    for scheme, bands in SCHEMES.items():
        truth |= {f"{scheme}:{k}": v for k, v in _counts(ages, bands).items()}
    found = _attack(published, len(ages))
    assert all(lo <= truth[n] <= hi for n, (lo, hi) in found.items())  # the attack is sound
    exact = [n for n, (lo, hi) in found.items() if lo == hi and disclosure.is_small(truth[n], T)]
    assert exact == [], exact


def _suppressed(ages: list[int | None]) -> dict[str, dict[str, int | None]]:
    """Both schemes as the products release them (through the selectors' own linking)."""
    from jisr.statistics.selectors import suppress_counted

    counted = {
        "trm_stage": {"identification": len(ages)},
        "age_band": _counts(ages, agebands.JISR_BANDS),
        "ctdc_age": _counts(ages, agebands.CTDC_BANDS),
        "age_parts": _counts(ages, PARTS),
    }
    released = suppress_counted(counted, ["age_band", "ctdc_age"], T)
    return {
        scheme: {code: v for (code, _l), v in zip(released[d].keys, released[d].series.values, strict=True)}
        for scheme, d in (("jisr", "age_band"), ("ctdc", "ctdc_age"))
    }


def test_the_reported_subtraction_gives_nothing() -> None:
    ages: list[int | None] = [19] * 12 + [22] * 13 + [24] * 5 + [26] * 20 + [40] * 30 + [16] * 15
    published = _suppressed(ages)
    assert published["jisr"]["18-24"] is None or None in (published["ctdc"]["18--20"], published["ctdc"]["21--23"])
    _check(ages, published)


@pytest.mark.parametrize("seed", range(3))
def test_random_caseloads_give_no_small_part_of_either_scheme(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        n = rng.randint(0, 120)
        ages = [rng.choice([None, rng.randint(0, 70), rng.randint(15, 30)]) for _ in range(n)]
        _check(ages, _suppressed(ages))


# --- The API ---------------------------------------------------------------------------------------


@pytest.fixture
def reported(cast):  # type: ignore[no-untyped-def]
    """The reported caseload: 12 cases aged 19, 13 aged 22, 5 aged 24, and others (generated, no names)."""
    from jisr.crypto.models import DataKey
    from jisr.survivors.models import Person

    day = last_quarter_day(cast.ma)
    ages = [19] * 12 + [22] * 13 + [24] * 5 + [26] * 20 + [40] * 30 + [16] * 15
    keys = DataKey.objects.bulk_create([DataKey(purpose="person", wrapped=b"x" * 60, kek_id="test") for _ in ages])
    persons = Person.objects.bulk_create(
        [
            Person(organisation=cast.ma, code=f"MA-AGE-{i:04d}", data_key=keys[i], sex="Feminine", nationality="MA",
                   estimated_age=age, age_estimated_on=day)
            for i, age in enumerate(ages)
        ]
    )
    Case.objects.bulk_create(
        [Case(organisation=cast.ma, person=p, number=1, trm_stage="identification", opened_on=day,
              exploitation_types=["ForcedLabour"]) for p in persons]  # aged exactly as estimated
    )
    cast.ages = ages
    return cast


def _api(client, **params: str):  # type: ignore[no-untyped-def]
    return client.get(reverse("statistics-api:caseload"), params)


@pytest.mark.django_db
def test_a_response_publishes_one_age_scheme_and_both_together_give_nothing_small(reported) -> None:  # type: ignore[no-untyped-def]
    client = _client(reported.ma_analyst)
    default, ctdc = _api(client).json(), _api(client, ages="ctdc").json()
    assert default["age_scheme"] == "jisr" and "age_band" in default["dimensions"]
    assert "ctdc_age" not in default["dimensions"]
    assert ctdc["age_scheme"] == "ctdc" and "ctdc_age" in ctdc["dimensions"] and "age_band" not in ctdc["dimensions"]
    assert _api(client, ages="jisr").json() == default
    published = {
        "jisr": {c["code"]: c["count"] for c in default["dimensions"]["age_band"]["cells"]},
        "ctdc": {c["code"]: c["count"] for c in ctdc["dimensions"]["ctdc_age"]["cells"]},
    }
    _check(reported.ages, published)
    # the dashboard's bands are the same as the API's
    sections = client.get(reverse("statistics:dashboard")).context["sections"]
    rows = next(rows for dim, _title, rows, _cases, _chart in sections if dim == "age_band")
    assert {code: n for code, _label, n in rows} == published["jisr"]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "message"), [("en", "Choose the age scheme"), ("fr", "Choisissez le découpage")])
def test_another_age_scheme_is_refused(reported, language: str, message: str) -> None:  # type: ignore[no-untyped-def]
    response = _api(_client(reported.ma_analyst, language), ages="both")
    assert response.status_code == 400 and message in response.json()["ages"][0]
