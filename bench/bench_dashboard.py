"""Dashboard aggregates over N generated case rows (default 1,000,000): p50/p95 of each aggregate and of
the whole dashboard (12 monthly stage counts + 5 breakdowns). Persons have estimated ages only (no
encrypted birth date), as most records do. Run: .venv/bin/python bench/bench_dashboard.py [N]"""

from __future__ import annotations

import datetime as dt
import statistics as pystats  # the standard library's, not jisr.statistics
import sys
import time
import uuid

from _django import setup


def generate(n: int) -> object:
    from django.db import transaction
    from django.utils import timezone

    from jisr.accounts.models import Organisation
    from jisr.cases.models import Case
    from jisr.crypto.models import DataKey
    from jisr.survivors.models import Person

    org = Organisation.objects.create(slug="bench", name="Bench", country="MA", kind="ngo", code_prefix="BENCH")
    today = timezone.localdate()
    sexes = ["Feminine", "Feminine", "Masculine", "NonSpecifiedUnknown"]
    nats = ["MA", "MA", "NG", "CM", "SN", "ES", "CI", "GN", ""]
    stages = ["identification", "first_assistance", "long_term_assistance", "return_inclusion", "proceedings"]
    forms = [["SexualExploitation"], ["ForcedLabour"], ["ForcedLabour", "Servitude"], [], ["ForcedBegging"]]
    step = 50_000
    for start in range(0, n, step):
        size = min(step, n - start)
        with transaction.atomic():
            keys = DataKey.objects.bulk_create(
                [DataKey(id=uuid.uuid4(), purpose="person", kek_id="bench", wrapped=b"bench") for _ in range(size)]
            )
            persons = Person.objects.bulk_create(
                [
                    Person(
                        id=uuid.uuid4(),
                        organisation=org,
                        code=f"BENCH-{start + i:07d}",
                        data_key=keys[i],
                        sex=sexes[(start + i) % 4],
                        nationality=nats[(start + i) % 9],
                        estimated_age=(start + i) % 60 + 8,
                        age_estimated_on=today,
                    )
                    for i in range(size)
                ]
            )
            cases = []
            for i, p in enumerate(persons):
                j = start + i
                opened = today - dt.timedelta(days=j % 700)
                closed = (
                    opened + dt.timedelta(days=90) if j % 3 == 0 and opened + dt.timedelta(days=90) < today else None
                )
                cases.append(
                    Case(
                        id=uuid.uuid4(),
                        organisation=org,
                        person=p,
                        number=1,
                        trm_stage=stages[j % 5],
                        opened_on=opened,
                        status="closed" if closed else "open",
                        closed_on=closed,
                        closure_reason="other" if closed else "",
                        exploitation_types=forms[j % 5],
                    )
                )
            Case.objects.bulk_create(cases)
        print(f"\rgenerated {start + size:,}", end="", file=sys.stderr)
    print(file=sys.stderr)
    return org


def main(n: int = 1_000_000, runs: int = 5) -> None:
    setup()
    from jisr.statistics import selectors as sel

    t = time.perf_counter()
    org = generate(n)
    print(f"generation of {n:,} cases: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    query = sel.CaseloadQuery.last_months(org)  # type: ignore[arg-type]
    tasks = {
        "over_time (12 months × stage)": lambda: sel.caseload_over_time(query),
        **{
            f"breakdown {d}": (lambda d=d: sel.breakdown(query, d))
            for d in ("trm_stage", "sex", "nationality", "exploitation", "age_band")
        },
    }
    print(f"| aggregate over {n:,} cases | p50 s | p95 s |")
    print("|---|---|---|")
    totals = []
    per: dict[str, list[float]] = {k: [] for k in tasks}
    for _ in range(runs):
        t_all = time.perf_counter()
        for name, fn in tasks.items():
            t = time.perf_counter()
            fn()
            per[name].append(time.perf_counter() - t)
        totals.append(time.perf_counter() - t_all)
    for name, times in [*per.items(), ("whole dashboard", totals)]:
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"| {name} | {pystats.median(times):.2f} | {p95:.2f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
