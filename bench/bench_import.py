"""GLOTIP + CTDC import rate (rows/s) beside DuckDB's read_csv of the same file in the same run.

Run: .venv/bin/python bench/bench_import.py   (needs ../shared/data and `pip install duckdb`)
Each file: our parse alone, our full import (parse + bulk_create into SQLite, one transaction), and
DuckDB `read_csv` materialised into an in-memory table. Best of 3 runs each.
"""

from __future__ import annotations

import time

from _django import DATA, setup

FILES = [
    ("glotip", "unodc_glotip_2025-04_part1_europe.csv"),
    ("glotip", "unodc_glotip_2025-04_part2_americas.csv"),
    ("glotip", "unodc_glotip_2025-04_part3_africa_asia_oceania.csv"),
    ("ctdc", "ctdc_global_victim_perpetrator_synthetic_condensed.csv"),
]


def best(fn, runs: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    setup()
    import duckdb
    from django.db import transaction

    from jisr.statistics.core import ctdc, glotip
    from jisr.statistics.models import ImportBatch
    from jisr.statistics.services import import_statistics

    print("| file | rows | parse only rows/s | import rows/s | DuckDB read_csv rows/s | import / DuckDB |")
    print("|---|---|---|---|---|---|")
    for dataset, name in FILES:
        path = DATA / name
        parser = glotip.parse_file if dataset == "glotip" else ctdc.parse_file
        rows = len(parser(path).rows)
        t_parse = best(lambda parser=parser, path=path: parser(path))

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
            f"| {name} | {rows} | {rows / t_parse:,.0f} | {rows / t_import:,.0f} | {rows / t_duck:,.0f} | "
            f"{t_duck / t_import:.2f}× |"
        )


if __name__ == "__main__":
    main()
