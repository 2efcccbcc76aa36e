"""k-anonymisation of a generated 1,000,000-row table with 8 quasi-identifiers at k = 11, and pycanon's
check of the result. Run: .venv/bin/python bench/bench_kanon.py [rows]"""

from __future__ import annotations

import sys
import time

import numpy as np

sys.path.insert(0, "src")
from jisr.statistics.core.agebands import CTDC_BANDS, band_of
from jisr.statistics.core.kanon import Hierarchy, anonymise


def main(n: int = 1_000_000) -> None:
    rng = np.random.default_rng(2025)
    ages = [str(a) for a in range(0, 90)]
    names = [f"C{i:02d}" for i in range(60)]
    regions = {c: ["Africa", "Europe", "Asia", "Americas"][i % 4] for i, c in enumerate(names)}
    cols: dict[str, np.ndarray] = {
        "age": rng.integers(0, 90, n).astype(str),
        "sex": rng.choice(
            ["Feminine", "Masculine", "TransgenderFeminine", "NonSpecifiedUnknown"], n, p=[0.6, 0.35, 0.02, 0.03]
        ),
        "citizenship": rng.choice(list(regions), n),
        "year": rng.integers(2005, 2025, n).astype(str),
        "month": rng.integers(1, 13, n).astype(str),
        "province": rng.integers(0, 40, n).astype(str),
        "exploitation": rng.choice(["SexualExploitation", "ForcedLabour", "Servitude", "ForcedBegging", "Other"], n),
        "stage": rng.choice(
            ["identification", "first_assistance", "long_term_assistance", "return_inclusion", "proceedings"], n
        ),
    }
    H = {
        "age": Hierarchy.from_function(
            ages, lambda a: band_of(int(a), CTDC_BANDS), lambda a: "minor" if int(a) < 18 else "adult"
        ),
        "sex": Hierarchy.from_function(
            ["Feminine", "Masculine", "TransgenderFeminine", "NonSpecifiedUnknown"],
            lambda s: s if s in ("Feminine", "Masculine") else "Other/unknown",
        ),
        "citizenship": Hierarchy.from_function(list(regions), lambda c: regions[c]),
        "year": Hierarchy.from_function([str(y) for y in range(2005, 2025)], lambda y: str(int(y) // 5 * 5) + "s"),
        "month": Hierarchy.from_function([str(m) for m in range(1, 13)], lambda m: f"Q{(int(m) - 1) // 3 + 1}"),
        "province": Hierarchy.from_function([str(p) for p in range(40)], lambda p: f"R{int(p) // 8}"),
        "exploitation": Hierarchy.from_function(
            ["SexualExploitation", "ForcedLabour", "Servitude", "ForcedBegging", "Other"],
            lambda e: "Sexual" if e == "SexualExploitation" else "Labour/other",
        ),
        "stage": Hierarchy.from_function(
            ["identification", "first_assistance", "long_term_assistance", "return_inclusion", "proceedings"],
            lambda s: "early" if s in ("identification", "first_assistance") else "later",
        ),
    }
    t = time.perf_counter()
    result = anonymise(cols, H, k=11, max_suppression=0.05)
    t_anon = time.perf_counter() - t
    import pandas as pd
    from pycanon import anonymity

    frame = pd.DataFrame(result.columns)
    t = time.perf_counter()
    k = anonymity.k_anonymity(frame, list(result.columns))
    t_check = time.perf_counter() - t
    print(
        f"rows={n} QIs=8 k=11 time={t_anon:.1f}s levels={result.levels} suppressed={result.suppressed} "
        f"({result.suppression_share:.2%}) precision_loss={result.precision_loss:.3f} steps={result.steps} "
        f"pycanon_k={k} pycanon_time={t_check:.1f}s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
