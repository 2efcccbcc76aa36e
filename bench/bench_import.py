"""GLOTIP + CTDC import rate (rows/s) beside DuckDB's read_csv of the same file in the same run.

Run: .venv/bin/python bench/bench_import.py   (needs ../shared/data and `pip install duckdb`)
Each file: our parse alone, our write alone (the parsed tuples into the table: executemany on SQLite,
COPY on PostgreSQL), our full import (hash + parse + write + batch record + audit, one transaction,
rolled back between runs), and DuckDB `read_csv` materialised into an in-memory table. Best of 5 runs
each. Set DATABASE_URL to measure on PostgreSQL. The load average is printed before and after.
"""

from __future__ import annotations

import os
import time
import uuid

from _django import DATA, setup

FILES = [
    ("glotip", "unodc_glotip_2025-04_part1_europe.csv"),
    ("glotip", "unodc_glotip_2025-04_part2_americas.csv"),
    ("glotip", "unodc_glotip_2025-04_part3_africa_asia_oceania.csv"),
    ("ctdc", "ctdc_global_victim_perpetrator_synthetic_condensed.csv"),
]


def best(fn, runs: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    setup()
    import duckdb
    from django.db import connection, transaction

    from jisr.statistics.core import ctdc, glotip
    from jisr.statistics.models import CtdcRecord, GlotipFigure, ImportBatch
    from jisr.statistics.services import _write_rows, import_statistics

    class NoBar:
        def update(self, n: int) -> None:
            pass

    print(f"database: {connection.vendor}; load average before: {os.getloadavg()}")
    print(
        "| file | rows | parse only rows/s | write only rows/s | import rows/s | DuckDB read_csv rows/s "
        "| import / DuckDB |"
    )
    print("|---|---|---|---|---|---|---|")
    for dataset, name in FILES:
        path = DATA / name
        parser = glotip.parse_file if dataset == "glotip" else ctdc.parse_file
        parsed = parser(path).rows
        rows = len(parsed)
        t_parse = best(lambda parser=parser, path=path: parser(path))
        model, columns = (
            (GlotipFigure, glotip.COLUMNS) if dataset == "glotip" else (CtdcRecord, [c for c, _s in ctdc.COLUMNS])
        )

        def write(dataset: str = dataset, model=model, columns=columns, parsed=parsed) -> None:  # type: ignore[no-untyped-def]
            with transaction.atomic():
                batch = ImportBatch.objects.create(dataset=dataset, sha256=uuid.uuid4().hex, filename="w", rows=0)
                _write_rows(model, columns, batch, parsed, NoBar())
                transaction.set_rollback(True)

        t_write = best(write)

        def full(dataset: str = dataset, path=path) -> None:  # type: ignore[no-untyped-def]
            with transaction.atomic():
                import_statistics(actor=None, dataset=dataset, paths=[path])
                transaction.set_rollback(True)  # so the next run imports again (same hash)

        t_import = best(full)
        con = duckdb.connect()
        sql = f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{path}', all_varchar=true)"  # noqa: S608 — our file
        t_duck = best(lambda con=con, sql=sql: con.execute(sql).fetchall())
        assert ImportBatch.objects.count() == 0
        print(
            f"| {name} | {rows} | {rows / t_parse:,.0f} | {rows / t_write:,.0f} | {rows / t_import:,.0f} | "
            f"{rows / t_duck:,.0f} | "
            f"{t_duck / t_import:.2f}× |"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
