"""Pure modules: age bands, suppression (primary and secondary), DP budget, k-anonymisation, HTCDS mapping,
GLOTIP/CTDC parsing of tricky cells."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from jisr.statistics.core import agebands, ctdc, disclosure, dp, glotip, htcds
from jisr.statistics.core.kanon import Hierarchy, KAnonymityError, anonymise
from jisr.statistics.core.parsing import MalformedFileError


@pytest.mark.parametrize(
    ("age", "label"),
    [
        (0, "0-11"),
        (11, "0-11"),
        (12, "12-14"),
        (14, "12-14"),
        (15, "15-17"),
        (17, "15-17"),
        (18, "18-24"),
        (24, "18-24"),
        (25, "25-34"),
        (34, "25-34"),
        (35, "35-49"),
        (49, "35-49"),
        (50, "50+"),
        (120, "50+"),
        (None, "Unknown"),
    ],
)
def test_jisr_band_boundaries(age: int | None, label: str) -> None:
    assert agebands.band_of(age) == label


@pytest.mark.parametrize(
    ("age", "label"),
    [
        (0, "0--8"),
        (8, "0--8"),
        (9, "9--17"),
        (17, "9--17"),
        (18, "18--20"),
        (20, "18--20"),
        (21, "21--23"),
        (23, "21--23"),
        (24, "24--26"),
        (26, "24--26"),
        (27, "27--29"),
        (29, "27--29"),
        (30, "30--38"),
        (38, "30--38"),
        (39, "39--47"),
        (47, "39--47"),
        (48, "48+"),
        (99, "48+"),
    ],
)
def test_ctdc_band_boundaries(age: int, label: str) -> None:
    assert agebands.band_of(age, agebands.CTDC_BANDS) == label


def test_negative_age_is_refused() -> None:
    with pytest.raises(ValueError):
        agebands.band_of(-1)


def test_primary_and_secondary_suppression_cannot_be_recomputed() -> None:
    table = disclosure.suppress([[20, 3, 40], [30, 25, 12], [15, 18, 22]], threshold=11)
    assert (0, 1) in table.primary
    assert table.cells[0][1] is None
    assert table.secondary, "a lone suppressed cell needs complements"
    assert disclosure.recoverable(table) == set()
    # every row and column (margins included) has 0 or ≥ 2 withheld members
    grid = [[*r, t] for r, t in zip(table.cells, table.row_totals, strict=True)] + [[*table.column_totals, table.total]]
    for line in [*grid, *zip(*grid, strict=True)]:
        assert sum(v is None for v in line) != 1


def test_primary_alone_would_be_recoverable() -> None:
    """Without secondary suppression the hidden 3 is the row total minus the others."""
    naive = disclosure.SuppressedTable([[20, None, 40]], [63], [20, 3, 40], 63, frozenset({(0, 1)}), frozenset())
    assert disclosure.recoverable(naive) == {(0, 1)}


def test_small_margins_are_suppressed_and_zeros_published() -> None:
    table = disclosure.suppress([[5, 0], [4, 30]], threshold=11)
    assert (table.row_totals[0] is None and table.cells[0][1] == 0) or table.cells[0][1] is None
    assert disclosure.recoverable(table) == set()


def test_random_tables_never_recoverable() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        cells = rng.integers(0, 25, size=(rng.integers(1, 5), rng.integers(1, 5))).tolist()
        table = disclosure.suppress(cells, threshold=11)
        assert disclosure.recoverable(table) == set()
        for i, row in enumerate(cells):
            for j, v in enumerate(row):
                if 0 < v < 11:
                    assert table.cells[i][j] is None


def test_budget_ledger_refuses_over_budget() -> None:
    spent = dp.charge(total=Decimal(1), spent=Decimal(0), epsilon=Decimal("0.6"))
    with pytest.raises(dp.BudgetExceededError):
        dp.charge(total=Decimal(1), spent=spent, epsilon=Decimal("0.5"))
    assert dp.charge(total=Decimal(1), spent=spent, epsilon=Decimal("0.4")) == Decimal(1)


def test_noisy_counts_use_opendp_at_the_charged_epsilon() -> None:
    table = dp.noisy_counts([100, 0, 50], Decimal("1"))
    assert len(table.counts) == 3 and all(c >= 0 for c in table.counts)
    assert table.scale == 1.0 and table.accuracy_95 > 0


def _hierarchies(n_values: int) -> Hierarchy:
    values = [str(v) for v in range(n_values)]
    return Hierarchy.from_function(values, lambda v: str(int(v) // 10))


def test_k_anonymisation_reaches_k() -> None:
    rng = np.random.default_rng(1)
    n = 5000
    cols = {"a": rng.integers(0, 60, n).astype(str), "b": rng.integers(0, 30, n).astype(str)}
    result = anonymise(cols, {"a": _hierarchies(60), "b": _hierarchies(30)}, k=11)
    keys = list(zip(result.columns["a"], result.columns["b"], strict=True))
    from collections import Counter

    assert min(Counter(keys).values()) >= 11
    assert result.suppressed <= 0.05 * n
    assert 0 <= result.precision_loss <= 1


def test_k_anonymisation_refuses_fewer_than_k() -> None:
    with pytest.raises(KAnonymityError):
        anonymise({"a": ["1"] * 5}, {"a": _hierarchies(2)}, k=11)


def test_htcds_table_matches_the_standard(shared_data: Path) -> None:
    with (shared_data / "htcds_v2_field_standards.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(htcds.FIELDS) == 83
    for row in rows:
        field = htcds.FIELDS[row["field"]]
        assert field.label == row["label"] and field.type == row["type"]
        if field.picklist:
            assert ";".join(field.picklist) == row["value_names"]


def test_case_mapping_uses_htcds_codes() -> None:
    record = htcds.CaseRecord(
        sex="Feminine",
        nationality="MA",
        age=17,
        exploitation_types=("SexualExploitation",),
        status="closed",
        closure_reason="transferred",
        trm_stage="identification",
        opened_on=dt.date(2025, 3, 1),
    )
    out = htcds.case_to_htcds(record)
    assert out["prs_Gender"] == "Feminine" and out["cas_Status"] == "ClosedReferred"
    assert out["prs_Citizenship"] == ["MA"] and out["prs_AgeBand"] == "15-17"
    ctdc_row = htcds.case_to_ctdc(record)
    assert ctdc_row["gender"] == "Female" and ctdc_row["majorityStatus"] == "Minor" and ctdc_row["ageBroad"] == "9--17"
    with pytest.raises(ValueError):
        htcds.case_to_htcds(htcds.CaseRecord("Woman", "", None, (), "open", "", "identification", dt.date(2025, 1, 1)))


def test_glotip_values() -> None:
    assert glotip.parse_value("<5") == (0, 4, True)
    assert glotip.parse_value("1,011") == (1011, 1011, False)
    assert glotip.parse_value("0") == (0, 0, False)
    for bad in ("", "five", "1.5", "-3", "1,01"):
        with pytest.raises(ValueError):
            glotip.parse_value(bad)


def test_ctdc_cells() -> None:
    assert ctdc.parse_year("2014-2018") == (2014, 2018)
    assert ctdc.parse_year("") == (None, None)
    assert ctdc.parse_set("Male;Female", ctdc.SET_COLUMNS["gender"], "gender") == "Female;Male"
    assert ctdc.parse_set("", ctdc.SET_COLUMNS["IP_PayMoney"], "IP_PayMoney") is None
    with pytest.raises(ValueError):
        ctdc.parse_set("Maybe", ctdc.SET_COLUMNS["IP_PayMoney"], "IP_PayMoney")


def test_malformed_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\r\n1,2\r\n", encoding="utf-8")
    with pytest.raises(MalformedFileError) as info:
        glotip.parse_file(path)
    assert info.value.rejections[0].line == 1


@pytest.mark.parametrize("epsilon", ["0.00004", "1E-30", "0", "-1", "11", "1E+999999999", "0.12345", "NaN"])
def test_dp_charge_refuses_epsilons_the_ledger_cannot_account_for(epsilon: str) -> None:
    from decimal import Decimal

    from jisr.statistics.core.dp import charge

    with pytest.raises(ValueError):
        charge(total=Decimal(4), spent=Decimal(0), epsilon=Decimal(epsilon))


def test_dp_charge_accepts_a_plain_epsilon() -> None:
    from decimal import Decimal

    from jisr.statistics.core.dp import charge

    assert charge(total=Decimal(4), spent=Decimal("1.5"), epsilon=Decimal("0.01")) == Decimal("1.51")


def test_glotip_lean_parser_reasons_and_lines() -> None:
    """The lean loop refuses each kind of bad row with its physical line and the reason, flags
    publisher errors, and keeps `<5` as [0, 4]."""
    good = (
        "ESP,Spain,Europe,Southern Europe,Detected trafficking victims,Total,Total,Total,Total,2019,Counts,{v},GLOTIP"
    )
    body = "\r\n".join(
        [
            good.format(v="<5"),  # line 2
            good.format(v='"1,011"').replace("ESP", "E1P"),  # 3: bad ISO3 (valid value)
            good.format(v="seventy").replace("2019", "19"),  # 4: bad year reported before the bad value
            good.format(v="3").replace("Counts", "Rates"),  # 5
            good.format(v="seventy"),  # 6
            '"ESP","Sp\r\nain",Europe',  # 7-8: quoted cell over two lines, too few columns
            good.format(v='"61,162,019"'),  # 9: mangled code, kept out of totals
            good.format(v="7").replace("Spain", "Sp\ufffdin"),  # 10: lost characters
            good.format(v="5"),  # 11
        ]
    )
    result = glotip.GlotipResult([], [], [], {})
    glotip.parse_body(body + "\r\n", result)
    reasons = {r.line: r.reason for r in result.rejections}
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "alpha-3" in reasons[3] and "not a year" in reasons[4] and "Counts" in reasons[5]
    assert "neither a count" in reasons[6] and "columns" in reasons[7]
    rows = {r[glotip.LINE]: r for r in result.rows}
    assert sorted(rows) == [2, 9, 10, 11]
    assert rows[2][glotip.LOW : glotip.CENSORED + 1] == (0, 4, True)
    assert rows[9][glotip.PLAUSIBLE] is False and "implausible" in rows[9][glotip.NOTE]
    assert rows[10][glotip.PLAUSIBLE] is True and "U+FFFD" in rows[10][glotip.NOTE]
    assert rows[11][glotip.LOW : glotip.PLAUSIBLE + 1] == (5, 5, False, True)
    assert [f.line for f in result.flags] == [9, 10]
    assert all(len(r) == len(glotip.COLUMNS) for r in result.rows)


def test_ctdc_lean_parser_columns_and_rejections() -> None:
    assert [source for _c, source in ctdc.COLUMNS[3:]] == list(ctdc.HEADER[1:])
    row = "2014-2018,Male;Female,Minor,1,,Africa,,1,,,,,No;Yes,,,"
    body = "\r\n".join([row, row.replace("Minor", "Child"), row.replace(",1,,", ",2,,", 1), "", row])
    result = ctdc.CtdcResult([], [])
    ctdc.parse_body(body + "\r\n", result)
    reasons = [(r.line, r.reason.split(" ")[0]) for r in result.rejections]
    assert reasons == [(3, "majorityStatus"), (4, "isForcedLabour")]
    assert [r[0] for r in result.rows] == [2, 6]
    parsed = dict(zip([c for c, _s in ctdc.COLUMNS], result.rows[0], strict=True))
    assert parsed["year_low"] == 2014 and parsed["year_high"] == 2018
    assert parsed["gender"] == "Female;Male" and parsed["ip_pay_money"] == "No;Yes"
    assert parsed["is_forced_labour"] is True and parsed["is_sexual_exploit"] is None  # unknown stays unknown
    assert parsed["exploitation_region"] is None and parsed["ip_gender"] is None
