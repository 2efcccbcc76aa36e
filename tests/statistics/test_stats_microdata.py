"""A microdata file gives away nothing the tables withhold.

Before: k = 2 was accepted (only k < 2 refused); the same quarter could be released again with another k;
the rows came in the same order in both files, so they could be lined up; and the forms of exploitation
and the case status were published as they are, outside the k-anonymity, so the one case of forced
marriage stood in the file exactly while the tables withheld it. Now k is at least the tables' threshold,
one file is released per period (the first, recorded and audited), the rows are in a cryptographically
random order, and every column is a quasi-identifier generalised or suppressed so that k holds over the
whole row."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from django.urls import reverse
from stats_periods import last_quarter_day, last_quarter_query
from test_stats_releases import _alert, _client

from jisr.audit.models import AuditEvent
from jisr.cases.models import Case
from jisr.statistics import services
from jisr.statistics.models import MicrodataRelease

pytestmark = pytest.mark.django_db

K = services.suppression_threshold()


@pytest.fixture
def caseload(cast):  # type: ignore[no-untyped-def]
    """60 cases of the last quarter (generated, no names): women and men, open and closed, sexual
    exploitation or forced labour — and one case of forced marriage."""
    from jisr.crypto.models import DataKey
    from jisr.survivors.models import Person

    day = last_quarter_day(cast.ma)
    n = 60
    keys = DataKey.objects.bulk_create([DataKey(purpose="person", wrapped=b"x" * 60, kek_id="test") for _ in range(n)])
    persons = Person.objects.bulk_create(
        [
            Person(organisation=cast.ma, code=f"MA-MICRO-{i:04d}", data_key=keys[i],
                   sex="Masculine" if i % 5 == 0 else "Feminine", nationality="NG" if i % 4 == 0 else "MA",
                   estimated_age=[17, 23, 31][i % 3], age_estimated_on=day)
            for i in range(n)
        ]
    )
    forms = [["ForcedMarriage"] if i == 7 else ["SexualExploitation"] if i % 2 else ["ForcedLabour"] for i in range(n)]
    Case.objects.bulk_create(
        [
            Case(organisation=cast.ma, person=p, number=1, trm_stage="first_assistance",
                 opened_on=day - dt.timedelta(days=i), exploitation_types=forms[i],
                 status="closed" if i % 3 == 0 else "open", closed_on=day if i % 3 == 0 else None,
                 closure_reason="transferred" if i % 3 == 0 else "")
            for i, p in enumerate(persons)
        ]
    )
    return cast


def _export(client, k: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("statistics:export_microdata"), {"k": k})


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("k", ["2", "5", str(K - 1), "٥"])
def test_k_below_the_threshold_is_refused(caseload, k: str) -> None:  # type: ignore[no-untyped-def]
    response = _export(_client(caseload.ma_analyst), k)
    assert response.status_code == 400 and f"at least {K}" in _alert(response)
    assert not MicrodataRelease.objects.exists() and not AuditEvent.objects.filter(action="statistics.microdata_export")
    with pytest.raises(ValueError):
        services.export_microdata(
            actor=caseload.ma_analyst, organisation=caseload.ma, query=last_quarter_query(caseload.ma), k=2
        )


def test_one_file_per_period(caseload) -> None:  # type: ignore[no-untyped-def]
    client = _client(caseload.ma_analyst)
    assert _export(client, str(K)).status_code == 200
    for k in (str(K), str(K + 1)):
        response = _export(_client(caseload.ma_analyst, "fr"), k)
        assert response.status_code == 409 and "déjà été publié pour cette période" in _alert(response)
    assert MicrodataRelease.objects.count() == 1
    assert AuditEvent.objects.filter(action="statistics.microdata_export").count() == 1


def test_every_column_is_k_anonymous_and_the_single_forced_marriage_is_not_there(caseload) -> None:  # type: ignore[no-untyped-def]
    data = _export(_client(caseload.ma_analyst), str(K)).content
    rows = _rows(data)
    assert rows[0] == ["prs_Gender", "prs_AgeBand", "prs_Citizenship", "year", "vic_TypeOfExploitation", "cas_Status"]
    classes = Counter(tuple(row) for row in rows[1:])
    assert classes and min(classes.values()) >= K  # over the whole row, forms and status included
    assert "ForcedMarriage" not in data.decode("utf-8-sig")
    assert services.pycanon_k([dict(zip(rows[0], r, strict=True)) for r in rows[1:]], services.MICRODATA_QIS) >= K


def test_rows_are_in_a_cryptographically_random_order(caseload, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shuffled: list[list[dict[str, str]]] = []

    class Recording:
        """secrets.SystemRandom as the export uses it: records the rows it is given and reverses them."""

        def shuffle(self, rows: list[dict[str, str]]) -> None:
            shuffled.append([dict(r) for r in rows])
            rows.reverse()

    monkeypatch.setattr(services.secrets, "SystemRandom", Recording)
    rows = _rows(_export(_client(caseload.ma_analyst), str(K)).content)
    assert len(shuffled) == 1 and len(shuffled[0]) == len(rows) - 1
    assert rows[1:] == [[r[h] for h in rows[0]] for r in reversed(shuffled[0])]
