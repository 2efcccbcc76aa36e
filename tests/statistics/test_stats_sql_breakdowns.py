"""The age bands and forms of exploitation counted in SQL agree with the Python rules, on SQLite and
PostgreSQL: leap days, the day before and of an anniversary, estimates made after the opening, encrypted
dates of birth (decrypted for those persons only), empty, repeated and unknown forms."""

from __future__ import annotations

import datetime as dt

import pytest

from jisr.cases.models import Case
from jisr.common.dates import age_on
from jisr.statistics import selectors as sel
from jisr.statistics.core.agebands import CTDC_BANDS, JISR_BANDS, UNKNOWN, band_of

pytestmark = pytest.mark.django_db

# (estimated age, estimated on, opened on)
ESTIMATES = [
    (11, dt.date(2020, 2, 29), dt.date(2021, 2, 28)),  # leap day: not yet a year later
    (11, dt.date(2020, 2, 29), dt.date(2021, 3, 1)),
    (17, dt.date(2024, 6, 15), dt.date(2025, 6, 14)),  # the day before the anniversary
    (17, dt.date(2024, 6, 15), dt.date(2025, 6, 15)),  # the anniversary: 18
    (14, dt.date(2025, 12, 31), dt.date(2026, 1, 1)),
    (24, dt.date(2026, 3, 1), dt.date(2025, 3, 2)),  # estimated after the opening: 23
    (0, dt.date(2026, 3, 1), dt.date(2025, 3, 2)),  # before birth: unknown, as age_on gives no age
    (49, dt.date(2016, 1, 1), dt.date(2025, 1, 1)),
    (None, None, dt.date(2025, 5, 5)),
]
FORMS = [["ForcedLabour", "ForcedLabour"], [], ["SexualExploitation", "Servitude"], ["Invented"], ["Servitude"]]


@pytest.fixture
def varied(cast):  # type: ignore[no-untyped-def]
    from jisr.cases.services import case_open
    from jisr.crypto.models import DataKey
    from jisr.survivors.identity import Identity
    from jisr.survivors.models import Person
    from jisr.survivors.services import person_register

    keys = DataKey.objects.bulk_create([DataKey(purpose="person", wrapped=b"x" * 60, kek_id="test") for _ in ESTIMATES])
    expected: dict[object, tuple[int | None, list[str]]] = {}
    for i, (age, on, opened) in enumerate(ESTIMATES):
        person = Person.objects.create(
            organisation=cast.ma,
            code=f"MA-SQL-{i:04d}",
            data_key=keys[i],
            estimated_age=age,
            age_estimated_on=on,
        )
        case = Case.objects.create(
            organisation=cast.ma, person=person, number=1, opened_on=opened, exploitation_types=FORMS[i % 5]
        )
        expected[case.pk] = (age_on(opened, estimated_age=age, estimated_on=on), FORMS[i % 5])
    for i, dob in enumerate([dt.date(2008, 2, 29), dt.date(1990, 1, 2)]):  # encrypted dates of birth
        person = person_register(
            actor=cast.ma_case_worker,
            organisation=cast.ma,
            identity=Identity(given_name_latin=f"Test{i}", family_name_latin="Generated", date_of_birth=dob),
        )
        case = case_open(actor=cast.ma_case_worker, person=person)
        expected[case.pk] = (age_on(case.opened_on, date_of_birth=dob), [])
    return cast, expected


def test_age_bands_in_sql_match_the_python_rule(varied) -> None:  # type: ignore[no-untyped-def]
    cast, expected = varied
    query = sel.CaseloadQuery(cast.ma.pk, dt.date(2020, 1, 1), dt.date(2100, 1, 1))
    for dimension, bands in (("age_band", JISR_BANDS), ("ctdc_age", CTDC_BANDS)):
        want = {pk: UNKNOWN if a is None or a < 0 else band_of(a, bands) for pk, (a, _f) in expected.items()}
        got = {pk: labels[0] for pk, labels in sel._labels_in_python(sel.caseload(query), dimension).items()}
        assert got == want, dimension
        counts = sel.breakdown(query, dimension)
        assert sum(counts.values()) == len(expected)
        for label, n in counts.items():
            listed = set(sel.drill_down(cast.ma_coordinator, query, dimension, label).values_list("pk", flat=True))
            assert listed == {pk for pk, b in want.items() if b == label} and len(listed) == n


def test_forms_of_exploitation_in_sql(varied) -> None:  # type: ignore[no-untyped-def]
    cast, expected = varied
    query = sel.CaseloadQuery(cast.ma.pk, dt.date(2020, 1, 1), dt.date(2100, 1, 1))
    counts = sel.breakdown(query, "exploitation")
    want: dict[str, set[object]] = {}
    for pk, (_a, forms) in expected.items():
        for form in sorted(set(forms)) or [sel.NONE_RECORDED]:
            want.setdefault(form, set()).add(pk)
    assert counts == {form: len(pks) for form, pks in want.items()}  # a repeated form counts once
    for form, pks in want.items():
        listed = set(sel.drill_down(cast.ma_coordinator, query, "exploitation", form).values_list("pk", flat=True))
        assert listed == pks, form


def test_over_time_matches_each_month_drill_down(varied) -> None:  # type: ignore[no-untyped-def]
    cast, _expected = varied
    query = sel.CaseloadQuery(cast.ma.pk, dt.date(2024, 11, 15), dt.date(2026, 2, 10))
    over = sel.caseload_over_time(query)
    for m, month in enumerate(query.months()):
        for stage, series in over["series"].items():  # type: ignore[attr-defined]
            assert series[m] == sel.drill_down(cast.ma_coordinator, month, "trm_stage", stage).count()


def test_one_pass_breakdowns_equal_single_ones(varied) -> None:  # type: ignore[no-untyped-def]
    cast, _expected = varied
    query = sel.CaseloadQuery(cast.ma.pk, dt.date(2020, 1, 1), dt.date(2100, 1, 1))
    together = sel.breakdowns(query, sel.DIMENSIONS)
    assert together == {d: sel.breakdown(query, d) for d in sel.DIMENSIONS}
    assert sum(together["sex"].values()) == sum(together["age_band"].values()) == len(_expected)
