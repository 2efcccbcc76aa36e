"""Dashboard aggregates over N generated case rows (default 1,000,000): p50/p95 of each aggregate and of
the whole dashboard (one-pass breakdowns, monthly stage counts, services, outcomes), and of each
breakdown alone. Persons have estimated ages only (no
encrypted birth date), as most records do. Rows are generated with raw INSERT (SQLite) or COPY
(PostgreSQL). Run: .venv/bin/python bench/bench_dashboard.py [N] [RUNS]; DATABASE_URL for PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import statistics as pystats  # the standard library's, not jisr.statistics
import sys
import time
import uuid

from _django import setup


def _writer(model: object) -> object:
    """A function writing tuples into `model`'s table: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    table = model._meta.db_table  # type: ignore[attr-defined]

    def write(columns: list[str], rows: list[tuple[object, ...]]) -> None:
        names = ", ".join(columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608

    return write


def generate(n: int) -> object:
    """N persons (estimated ages only, a fake wrapped key each) and their N cases, written as tuples with
    raw INSERT/COPY in chunks of 50,000 (no model objects)."""
    import json

    from django.db import connection, transaction
    from django.utils import timezone

    from jisr.accounts.models import Organisation
    from jisr.cases.models import Case
    from jisr.crypto.models import DataKey
    from jisr.survivors.models import Person

    org = Organisation.objects.create(slug="bench", name="Bench", country="MA", kind="ngo", code_prefix="BENCH")
    sqlite = connection.vendor == "sqlite"

    def uid() -> str:
        u = uuid.uuid4()
        return u.hex if sqlite else str(u)

    org_id = org.pk.hex if sqlite else str(org.pk)
    now = timezone.now().isoformat(sep=" ")
    today = timezone.localdate()
    sexes = ["Feminine", "Feminine", "Masculine", "NonSpecifiedUnknown"]
    nats = ["MA", "MA", "NG", "CM", "SN", "ES", "CI", "GN", ""]
    stages = ["identification", "first_assistance", "long_term_assistance", "return_inclusion", "proceedings"]
    forms = [
        json.dumps(f)
        for f in (["SexualExploitation"], ["ForcedLabour"], ["ForcedLabour", "Servitude"], [], ["ForcedBegging"])
    ]
    days = [(today - dt.timedelta(days=d)) for d in range(700)]
    write_keys, write_persons, write_cases = _writer(DataKey), _writer(Person), _writer(Case)
    today_text = today.isoformat()
    step = 50_000
    for start in range(0, n, step):
        size = min(step, n - start)
        keys, persons, cases = [], [], []
        for j in range(start, start + size):
            key, person = uid(), uid()
            keys.append((key, now, now, "person", b"bench", "bench"))
            persons.append(
                (
                    person,
                    now,
                    now,
                    org_id,
                    f"BENCH-{j:07d}",
                    key,
                    sexes[j % 4],
                    nats[j % 9],
                    "[]",
                    j % 60 + 8,
                    today_text,
                    "approximate",
                )
            )
            opened = days[j % 700]
            closed = opened + dt.timedelta(days=90) if j % 3 == 0 and opened + dt.timedelta(days=90) < today else None
            cases.append(
                (
                    uid(),
                    now,
                    now,
                    org_id,
                    person,
                    1,
                    stages[j % 5],
                    "closed" if closed else "open",
                    "unknown",
                    opened.isoformat(),
                    closed.isoformat() if closed else None,
                    "other" if closed else "",
                    forms[j % 5],
                    1,
                )
            )
        with transaction.atomic():
            write_keys(["id", "created_at", "updated_at", "purpose", "wrapped", "kek_id"], keys)
            write_persons(
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "organisation_id",
                    "code",
                    "data_key_id",
                    "sex",
                    "nationality",
                    "languages",
                    "estimated_age",
                    "age_estimated_on",
                    "age_precision",
                ],
                persons,
            )
            write_cases(
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "organisation_id",
                    "person_id",
                    "number",
                    "trm_stage",
                    "status",
                    "risk_level",
                    "opened_on",
                    "closed_on",
                    "closure_reason",
                    "exploitation_types",
                    "version",
                ],
                cases,
            )
        print(f"\rgenerated {start + size:,}", end="", file=sys.stderr)
    print(file=sys.stderr)
    if not sqlite:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return org


def main(n: int = 1_000_000, runs: int = 20) -> None:
    setup()
    from jisr.accounts.models import Organisation
    from jisr.statistics import selectors as sel

    t = time.perf_counter()
    org = Organisation.objects.filter(slug="bench", cases__isnull=False).distinct().first()
    if org is not None and org.cases.count() == n:  # a DATABASE_URL database generated by an earlier run
        print(f"reusing the {n:,} cases generated by an earlier run", file=sys.stderr)
    else:
        org = generate(n)
    print(f"generation of {n:,} cases: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    from django.db import connection

    print(f"database: {connection.vendor}; load average before: {os.getloadavg()}")
    query = sel.CaseloadQuery.last_months(org)  # type: ignore[arg-type]
    dims = ("trm_stage", "exploitation", "sex", "age_band", "nationality")
    dashboard = {  # what the dashboard view computes
        "breakdowns, one pass (stage, exploitation, sex, age band, nationality)": lambda: sel.breakdowns(query, dims),
        "over_time (12 months × stage, one pass)": lambda: sel.caseload_over_time(query),
        "services delivered": lambda: sel.services_delivered(query),
        "outcomes": lambda: sel.outcomes_by_instrument(query),
    }
    single = {f"breakdown {d} alone": (lambda d=d: sel.breakdown(query, d)) for d in dims}
    print(f"| aggregate over {n:,} cases | p50 s | p95 s |")
    print("|---|---|---|")
    totals = []
    per: dict[str, list[float]] = {k: [] for k in [*dashboard, *single]}
    for _ in range(runs):
        t_all = time.perf_counter()
        for name, fn in dashboard.items():
            t = time.perf_counter()
            fn()
            per[name].append(time.perf_counter() - t)
        totals.append(time.perf_counter() - t_all)
    for _ in range(max(3, runs // 4)):
        for name, fn in single.items():
            t = time.perf_counter()
            fn()
            per[name].append(time.perf_counter() - t)
    for name, times in [*per.items(), ("whole dashboard (the four above)", totals)]:
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"| {name} | {pystats.median(times):.2f} | {p95:.2f} |")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
