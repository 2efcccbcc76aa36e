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
os.environ.setdefault("JISR_REQUIRE_MFA", "false")


def p50(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    import _django

    _django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jisr.accounts.models import User
    from jisr.cases.models import Case
    from jisr.survivors.indexing import hash_terms, identity_index_terms, search_terms
    from jisr.survivors.models import IndexKind, Person, PersonIndex
    from jisr.survivors.selectors import person_search
    from jisr.survivors.services import person_identity

    settings.ALLOWED_HOSTS = ["*"]
    print(f"vendor={connection.vendor} load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    user = User.objects.get(username=json.loads((HERE / "users.json").read_text())["users"][-1])
    client = Client()
    client.force_login(user)
    case = Case.objects.filter(assigned_to=user, status="open").order_by("opened_on").first()
    assert case is not None
    name = "Fatima Benali"
    endpoints = [
        ("dashboard", "get", "/", None),
        ("case list (/persons/)", "get", "/persons/?page=7", None),
        ("search by name", "post", "/persons/", {"name": name, "csrfmiddlewaretoken": "-"}),
        ("case page", "get", f"/cases/{case.pk}/", None),
        ("add note", "post", f"/cases/{case.pk}/notes/", {"body": "Generated note."}),
        ("care page", "get", f"/cases/{case.pk}/care/?tab=followups", None),
        ("schedule follow-up", "post", f"/cases/{case.pk}/care/follow-ups/",
         {"kind": "call", "due_on": "2030-01-01", "notes": "Generated."}),
    ]
    print("| endpoint | in-process p50 ms | queries | SQL ms (one request) | main query raw p50 ms | main query |")
    print("|---|---|---|---|---|---|")
    for label, method, url, data in endpoints:
        times = []
        for _ in range(12 if method == "get" else 6):
            t = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                r = getattr(client, method)(url, data) if data else getattr(client, method)(url)
            times.append(time.perf_counter() - t)
            assert r.status_code in (200, 303), (label, r.status_code)
        queries = [q for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "BEGIN"))]
        main_q = max((q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")),
                     key=lambda q: float(q["time"]))
        raw = []
        with connection.cursor() as cur:
            for _ in range(30):
                t = time.perf_counter()
                cur.execute(main_q["sql"])  # the SQL as Django sent it, parameters inlined by the backend
                cur.fetchall()
                raw.append(time.perf_counter() - t)
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        short = " ".join(main_q["sql"].split())[:160].replace("|", "/")
        print(f"| {label} | {p50(times):.1f} | {len(queries)} | {sql_ms:.1f} | {p50(raw):.2f} | `{short}…` |")

    # --- blind index vs plaintext -------------------------------------------------------------------
    with connection.cursor() as cur:
        tables = connection.introspection.table_names(cur)
    if "bench_plain_name" not in tables:
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("CREATE TABLE bench_plain_name (id integer PRIMARY KEY, person_id char(36) NOT NULL, "
                        "kind varchar(16) NOT NULL, term varchar(400) NOT NULL)")
            rows, i = [], 0
            for person in Person.objects.select_related("data_key").iterator(chunk_size=2000):
                for kind, term in identity_index_terms(person_identity(person)):
                    i += 1
                    rows.append((i, person.pk.hex if connection.vendor == "sqlite" else str(person.pk), kind, term))
            cur.executemany("INSERT INTO bench_plain_name VALUES (%s, %s, %s, %s)", rows)
            cur.execute("CREATE INDEX bench_plain_name_lookup ON bench_plain_name (kind, term)")
            cur.execute("ANALYZE")
        print(f"plaintext table: {i:,} rows (decrypted from {Person.objects.count():,} persons) "
              f"in {time.perf_counter() - t:.1f}s")
    exact = {(k, t) for k, t in search_terms(name) if k == IndexKind.NAME}
    [(kind, term)] = exact
    blind, plain = [], []
    with connection.cursor() as cur:
        for _ in range(200):
            t = time.perf_counter()
            [(k, v)] = hash_terms(exact)
            ids = list(PersonIndex.objects.filter(kind=k, value=v).values_list("person_id", flat=True))
            blind.append(time.perf_counter() - t)
            t = time.perf_counter()
            cur.execute("SELECT person_id FROM bench_plain_name WHERE kind = %s AND term = %s", [kind, term])
            plain_ids = cur.fetchall()
            plain.append(time.perf_counter() - t)
    t_search = []

    for _ in range(20):
        t = time.perf_counter()
        hits = person_search(user, name)
        t_search.append(time.perf_counter() - t)
    print(f"\nexact full-name lookup: blind index (HMAC + indexed SELECT) p50 {p50(blind):.3f} ms, "
          f"{len(ids)} rows (collisions included) | plaintext indexed SELECT p50 {p50(plain):.3f} ms, "
          f"{len(plain_ids)} rows | ratio {p50(blind) / p50(plain):.2f}×")
    print(f"person_search (lookup + scope + decrypt to confirm + audit) p50 {p50(t_search):.1f} ms, {len(hits)} hits")


if __name__ == "__main__":
    main()
