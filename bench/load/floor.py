"""How low can an endpoint of the daily mix go on this stack? The floor under the goal "endpoint p50 ≤ 2×
its main query's raw SQL + 5 ms" (issue 8), measured in process on the load database, one request at a
time (Django test client, the generated case worker `rawsql.py` uses):

- **bare**: an authenticated view that returns a fixed `HttpResponse`: the whole middleware stack, the
  session and the user read (2 queries), nothing else.
- **layout**: the same view rendering Jisr's page layout (`web/base.html`) with an empty content block:
  navigation, language switcher, messages, the context processors.
- **bare + audit**, **layout + audit**: the same plus one audit event of a read (`case.view` of the
  case): what every read of survivor data costs (BEGIN, the chain head's row lock, INSERT, UPDATE, COMMIT).
- on PostgreSQL, one UPDATE and COMMIT of a one-row table with `synchronous_commit` on (Jisr's setting:
  the commit waits for the write-ahead log to reach the disk) and off: the durable commit every audit
  event ends with.
- for each endpoint: every query it sends, re-run raw through the cursor one after the other (p50 of 30
  of the sum), without the session and user queries already counted in **bare**.

The floor of an endpoint is layout + audit + its other queries raw (bare + audit for a write, which
answers with a redirect; its write statements are not re-run, so a write's floor is low): what the page
would cost if building its queries, running the view and drawing its own template cost nothing. An
endpoint whose floor is above its goal cannot meet the goal without sending fewer queries or skipping the
audit of the read.

    JISR_DATA_DIR=/tmp/jisr-load-pg DATABASE_URL=postgres://postgres@127.0.0.1:5432/jisr_loadbench \
        .venv/bin/python bench/load/floor.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("JISR_REQUIRE_MFA", "false")
os.environ.setdefault(
    "JISR_EXPECTED_POPULATION", str(json.loads((HERE / "users.json").read_text())["expected_population"])
)

ROUNDS = 30


def p50_ms(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    for _ in range(3):
        fn()
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000


def main() -> None:
    import _django
    from rawsql import daily_mix

    _django.setup()
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.db import connection
    from django.http import HttpResponse
    from django.template import engines
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches, path

    from jisr.accounts.models import User
    from jisr.audit.services import audit_record
    from jisr.cases.models import Case
    from jisr.config import urls as jisr_urls

    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.get(username=json.loads((HERE / "users.json").read_text())["users"][-1])
    case = Case.objects.filter(assigned_to=user, status="open").order_by("opened_on").first()
    assert case is not None
    empty = engines["django"].from_string('{% extends "web/base.html" %}{% block content %}{% endblock %}')

    @login_required
    def bare(request):  # type: ignore[no-untyped-def]
        return HttpResponse("ok")

    @login_required
    def bare_audit(request):  # type: ignore[no-untyped-def]
        audit_record(actor=request.user, action="case.view", target=case)
        return HttpResponse("ok")

    @login_required
    def layout(request):  # type: ignore[no-untyped-def]
        return HttpResponse(empty.render({}, request))

    @login_required
    def layout_audit(request):  # type: ignore[no-untyped-def]
        audit_record(actor=request.user, action="case.view", target=case)
        return HttpResponse(empty.render({}, request))

    floor_urls = types.ModuleType("bench_floor_urls")
    floor_urls.urlpatterns = [  # type: ignore[attr-defined]
        path("bench-floor/bare/", bare),
        path("bench-floor/bare-audit/", bare_audit),
        path("bench-floor/layout/", layout),
        path("bench-floor/layout-audit/", layout_audit),
        *jisr_urls.urlpatterns,
    ]
    sys.modules["bench_floor_urls"] = floor_urls
    settings.ROOT_URLCONF = "bench_floor_urls"
    clear_url_caches()

    client = Client()
    client.force_login(user)
    print(f"vendor={connection.vendor} load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    base = {
        label: p50_ms(lambda u=url: client.get(u))
        for label, url in (
            ("bare", "/bench-floor/bare/"),
            ("bare + audit", "/bench-floor/bare-audit/"),
            ("layout", "/bench-floor/layout/"),
            ("layout + audit", "/bench-floor/layout-audit/"),
        )
    }
    print("| floor part | p50 ms |\n|---|---|")
    for label, ms in base.items():
        print(f"| {label} | {ms:.2f} |")
    if connection.vendor == "postgresql":
        # What the audit event's COMMIT costs by itself: one UPDATE of a one-row logged table and its
        # COMMIT, with the WAL flushed to disk before COMMIT returns (synchronous_commit on, the default
        # and Jisr's setting) and without (off: a crash may lose the last commits, never corrupt them).
        import psycopg
        from django.db import connection as conn

        params = conn.get_connection_params()
        with psycopg.connect(
            **{k: v for k, v in params.items() if k in ("host", "port", "user", "dbname", "password")}
        ) as probe:
            probe.execute("CREATE TABLE IF NOT EXISTS bench_commit_probe (id int PRIMARY KEY, v int)")
            probe.execute("INSERT INTO bench_commit_probe VALUES (1, 0) ON CONFLICT DO NOTHING")
            probe.commit()
            for mode in ("on", "off"):
                probe.execute(f"SET synchronous_commit = {mode}")
                probe.commit()

                def one(probe=probe) -> None:  # type: ignore[no-untyped-def]
                    probe.execute("UPDATE bench_commit_probe SET v = v + 1 WHERE id = 1")
                    probe.commit()

                print(f"| UPDATE + COMMIT, synchronous_commit {mode} | {p50_ms(one, rounds=200):.2f} |")
            probe.execute("DROP TABLE bench_commit_probe")
            probe.commit()

    endpoints = daily_mix(case.pk, "Fatima Benali")
    print(
        "\n| endpoint | in-process p50 ms | queries | main query raw p50 ms | goal ms (2× + 5) "
        "| its other queries raw ms | floor ms (layout, or bare for a redirect, + audit + other queries) "
        "| floor ≤ goal? |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, method, url, data, marker in endpoints:
        send = getattr(client, method)

        def request(send=send, url=url, data=data):  # type: ignore[no-untyped-def]
            return send(url, data) if data else send(url)

        page = p50_ms(request, rounds=12 if method == "get" else 6)
        with CaptureQueriesContext(connection) as ctx:
            status = request().status_code
        sqls = [q["sql"] for q in ctx.captured_queries]
        selects = [s for s in sqls if s.lstrip().upper().startswith("SELECT")]
        main_sql = next((s for s in selects if marker in s), selects[0])
        # Already in "layout + audit": the session and user reads, and the audit event's five statements
        # (one audit event per request; a write endpoint's second event is its own).
        audit_left = 5
        others = []
        for s in sqls:
            if 'FROM "django_session"' in s or 'FROM "accounts_user" WHERE "accounts_user"."id" =' in s:
                continue
            if audit_left and (
                s in ("BEGIN", "COMMIT")
                or "audit_auditchainhead" in s
                or s.startswith('INSERT INTO "audit_auditevent"')
            ):
                audit_left -= 1
                continue
            others.append(s)

        def run(statements: list[str]) -> None:
            with connection.cursor() as cur:
                for s in statements:
                    if s in ("BEGIN", "COMMIT") or s.startswith(("SAVEPOINT", "RELEASE")):
                        continue
                    if not s.lstrip().upper().startswith("SELECT"):
                        continue  # writes are not repeated against the load database
                    cur.execute(s)
                    cur.fetchall()

        main_raw = p50_ms(lambda m=main_sql: run([m]))
        others_raw = p50_ms(lambda o=others: run(o))
        writes = sum(1 for s in others if not s.lstrip().upper().startswith(("SELECT", "BEGIN", "COMMIT")))
        goal = 2 * main_raw + 5
        # A write answers with a redirect (303): no page drawn, so its floor starts from "bare + audit".
        floor = base["bare + audit" if status == 303 else "layout + audit"] + others_raw
        note = f" (+{writes} writes not re-run)" if writes else ""
        print(
            f"| {label} | {page:.1f} | {len(sqls)} | {main_raw:.2f} | {goal:.1f} | {others_raw:.2f}{note} "
            f"| {floor:.1f} | {'yes' if floor <= goal else 'no'} |"
        )


if __name__ == "__main__":
    main()
