"""Beside the load run, on the same database: each endpoint of the daily mix rendered in-process (Django
test client, one generated case worker), with its query count, the time of its SQL, and its main
(slowest) query re-run as raw SQL through the cursor (p50 of 30); then exact-match search by name
through the blind index beside a plaintext indexed lookup on an equivalent table.

    JISR_DATA_DIR=/tmp/jisr-load-sqlite .venv/bin/python bench/load/rawsql.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("JISR_REQUIRE_MFA", "false")
# The blind-index size the data set was generated with (generate.py writes it).
os.environ.setdefault(
    "JISR_EXPECTED_POPULATION", str(json.loads((HERE / "users.json").read_text())["expected_population"])
)


def p50(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def daily_mix(case_pk: object, name: str) -> list[tuple[str, str, str, dict[str, str] | None, str]]:
    """The requests of the locust mix, for one case of the user and a name to search:
    (label, method, url, data, marker of the endpoint's main query: the slowest SELECT containing it).
    Also used by floor.py."""
    return [
        ("dashboard", "get", "/", None, 'FROM "cases_case"'),
        ("case list (/persons/)", "get", "/persons/?page=7", None, 'FROM "survivors_person"'),
        # The candidates in her scope (the blind-index lookup itself is measured below).
        ("search by name", "post", "/persons/", {"name": name}, 'FROM "survivors_person"'),
        ("case page", "get", f"/cases/{case_pk}/", None, 'FROM "audit_auditevent"'),
        ("add note", "post", f"/cases/{case_pk}/notes/", {"body": "Generated note."}, 'FROM "cases_case"'),
        ("care page", "get", f"/cases/{case_pk}/care/?tab=followups", None, 'FROM "care_followup"'),
        (
            "schedule follow-up",
            "post",
            f"/cases/{case_pk}/care/follow-ups/",
            {"kind": "call", "due_on": "2030-01-01", "notes": "Generated."},
            'FROM "cases_case"',
        ),
    ]


def main() -> None:
    import _django

    _django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jisr.accounts.models import User
    from jisr.cases.models import Case
    from jisr.crypto.blind_index import blind_index, derive_index_key
    from jisr.crypto.services import blind_index_root
    from jisr.survivors.indexing import identity_index_terms, index_bits, search_terms
    from jisr.survivors.models import IndexKind, Person, PersonIndex
    from jisr.survivors.selectors import person_search

    settings.ALLOWED_HOSTS = ["*"]
    print(f"vendor={connection.vendor} load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    user = User.objects.get(username=json.loads((HERE / "users.json").read_text())["users"][-1])
    client = Client()
    client.force_login(user)
    case = Case.objects.filter(assigned_to=user, status="open").order_by("opened_on").first()
    assert case is not None
    name = "Fatima Benali"
    endpoints = daily_mix(case.pk, name)
    print("| endpoint | in-process p50 ms | queries | SQL ms (one request) | main query raw p50 ms | main query |")
    print("|---|---|---|---|---|---|")
    for label, method, url, data, marker in endpoints:
        times = []
        for _ in range(12 if method == "get" else 6):
            t = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                r = getattr(client, method)(url, data) if data else getattr(client, method)(url)
            times.append(time.perf_counter() - t)
            assert r.status_code in (200, 303), (label, r.status_code)
        queries = [q for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN"))]
        selects = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
        main_q = max((q for q in selects if marker in q["sql"]), key=lambda q: float(q["time"]), default=None)
        main_q = main_q or max(selects, key=lambda q: float(q["time"]))
        raw = []
        with connection.cursor() as cur:
            for _ in range(30):
                t = time.perf_counter()
                cur.execute(main_q["sql"])  # the SQL as Django sent it, parameters inlined by the backend
                cur.fetchall()
                raw.append(time.perf_counter() - t)
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        short = " ".join(main_q["sql"].split())[:200].replace("|", "/")
        print(f"| {label} | {p50(times):.1f} | {len(queries)} | {sql_ms:.1f} | {p50(raw):.2f} | `{short}…` |")
        print(f"<!-- {label} full main query: {' '.join(main_q['sql'].split())} -->")

    # --- blind index vs plaintext -------------------------------------------------------------------
    with connection.cursor() as cur:
        tables = connection.introspection.table_names(cur)
    if "bench_plain_name" not in tables:
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(
                "CREATE TABLE bench_plain_name (id integer PRIMARY KEY, person_id char(36) NOT NULL, "
                "kind varchar(16) NOT NULL, term varchar(400) NOT NULL)"
            )
            # The same number of persons with names drawn from the same lists (decrypting 100,000 people
            # only to copy their names would take longer than the run): same kinds, same term distribution.
            import random
            import uuid

            from generate import FAMILY, GIVEN

            from jisr.survivors.identity import Identity

            rng = random.Random(7)
            rows, i = [], 0
            for _ in range(Person.objects.count()):
                (g_ar, g_lat), (f_ar, f_lat) = rng.choice(GIVEN), rng.choice(FAMILY)
                pid = uuid.uuid4().hex
                identity = Identity(given_name=g_ar, family_name=f_ar, given_name_latin=g_lat, family_name_latin=f_lat)
                for kind, term in identity_index_terms(identity):
                    i += 1
                    rows.append((i, pid, kind, term))
            cur.executemany("INSERT INTO bench_plain_name VALUES (%s, %s, %s, %s)", rows)
            cur.execute("CREATE INDEX bench_plain_name_lookup ON bench_plain_name (kind, term)")
            cur.execute("ANALYZE")
        print(
            f"plaintext table: {i:,} rows for {Person.objects.count():,} generated persons "
            f"in {time.perf_counter() - t:.1f}s"
        )
    exact = {(k, t) for k, t in search_terms(name) if k == IndexKind.NAME}
    [(kind, term)] = exact
    samples: dict[str, list[float]] = {k: [] for k in ("root", "hmac", "orm", "raw", "plain")}
    root = blind_index_root()
    key = derive_index_key(root, f"person.{kind}")
    bits = index_bits(kind, settings.JISR_EXPECTED_POPULATION)
    with connection.cursor() as cur:
        for _ in range(300):
            t = time.perf_counter()
            blind_index_root()  # what hash_terms does on every call: SELECT the root row, unwrap it
            samples["root"].append(time.perf_counter() - t)
            t = time.perf_counter()
            value = blind_index(key, term, bits)
            samples["hmac"].append(time.perf_counter() - t)
            t = time.perf_counter()
            ids = list(PersonIndex.objects.filter(kind=kind, value=value).values_list("person_id", flat=True))
            samples["orm"].append(time.perf_counter() - t)
            t = time.perf_counter()
            cur.execute("SELECT person_id FROM survivors_personindex WHERE kind = %s AND value = %s", [kind, value])
            cur.fetchall()
            samples["raw"].append(time.perf_counter() - t)
            t = time.perf_counter()
            cur.execute("SELECT person_id FROM bench_plain_name WHERE kind = %s AND term = %s", [kind, term])
            plain_ids = cur.fetchall()
            samples["plain"].append(time.perf_counter() - t)
    m = {k: p50(v) for k, v in samples.items()}
    print(
        f"\nexact full-name lookup, p50 of 300 (ms): root key fetch+unwrap {m['root']:.3f} | HMAC {m['hmac']:.3f} | "
        f"blind index SELECT through the ORM {m['orm']:.3f} | same SELECT raw {m['raw']:.3f} | "
        f"plaintext indexed SELECT raw {m['plain']:.3f}; rows: blind {len(ids)} (collisions included), "
        f"plain {len(plain_ids)}"
    )
    like = (m["hmac"] + m["raw"]) / m["plain"]
    print(
        f"ratio like for like (HMAC + raw SELECT vs raw plaintext SELECT): {like:.2f}x; "
        f"as person_search does it (root fetch + HMAC + ORM) vs raw plaintext: "
        f"{(m['root'] + m['hmac'] + m['orm']) / m['plain']:.2f}x"
    )
    t_search = []
    for _ in range(20):
        t = time.perf_counter()
        hits = person_search(user, name)
        t_search.append(time.perf_counter() - t)
    print(f"person_search (lookup + scope + decrypt to confirm + audit) p50 {p50(t_search):.1f} ms, {len(hits)} hits")


if __name__ == "__main__":
    main()
