"""Parser of the CTDC Global Victim–Perpetrator Synthetic Dataset (condensed, Dec 2022). Pure.

Source: Counter-Trafficking Data Collaborative (CTDC). Synthetic records generated with differential
privacy from real case records; many rows are exact duplicates (that is the synthesis, not an error).

Rules (data README; CTDC codebook): an empty cell means unknown and stays None; `yearRegister` is a year
or a range (`2014-2018`) kept as (low, high); cells such as `Female;Male` or `No;Yes` are sets, kept as
sorted `;`-joined text of known tokens; flags are `1` (True) or empty (None: not set / unknown). A token
outside a column's vocabulary rejects the row with its line number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jisr.statistics.core.parsing import MalformedFileError, Rejection, header_rejection, read_text

REGIONS = frozenset({"Africa", "Americas/Oceania", "Asia", "Europe"})
SET_COLUMNS: dict[str, frozenset[str]] = {
    "gender": frozenset({"Female", "Male"}),
    "IP_Gender": frozenset({"Female", "Male"}),
    "IP_ageBroad": frozenset({"0--29", "30--38", "39--47", "48+"}),
    "IP_citizen_UNRegion": REGIONS,
    "IP_Relation": frozenset({"FamilyIntimatePartner", "FriendAcquaintance", "StrangerUnknownOther"}),
    "IP_PayMoney": frozenset({"No", "Yes"}),
}
SINGLE_COLUMNS: dict[str, frozenset[str]] = {
    "majorityStatus": frozenset({"Adult", "Minor"}),
    "UN_COO_Region": REGIONS,
    "UN_COE_Region": REGIONS,
}
FLAG_COLUMNS = (
    "isForcedLabour",
    "isSexualExploit",
    "IP_Exploiter",
    "IP_RecruiterBroker",
    "IP_TransactionProcess",
    "IP_ControlAbuseKidnap",
)
HEADER = (
    "yearRegister",
    "gender",
    "majorityStatus",
    "isForcedLabour",
    "isSexualExploit",
    "UN_COO_Region",
    "UN_COE_Region",
    "IP_Exploiter",
    "IP_Gender",
    "IP_ageBroad",
    "IP_citizen_UNRegion",
    "IP_Relation",
    "IP_PayMoney",
    "IP_RecruiterBroker",
    "IP_TransactionProcess",
    "IP_ControlAbuseKidnap",
)
_YEAR = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


# The database columns of CtdcRecord (minus the batch), in the order of a parsed row's tuple, with the
# CSV column each one comes from (None: computed).
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("line", None),
    ("year_low", None),
    ("year_high", None),
    ("gender", "gender"),
    ("majority_status", "majorityStatus"),
    ("is_forced_labour", "isForcedLabour"),
    ("is_sexual_exploit", "isSexualExploit"),
    ("origin_region", "UN_COO_Region"),
    ("exploitation_region", "UN_COE_Region"),
    ("ip_exploiter", "IP_Exploiter"),
    ("ip_gender", "IP_Gender"),
    ("ip_age", "IP_ageBroad"),
    ("ip_citizen_region", "IP_citizen_UNRegion"),
    ("ip_relation", "IP_Relation"),
    ("ip_pay_money", "IP_PayMoney"),
    ("ip_recruiter_broker", "IP_RecruiterBroker"),
    ("ip_transaction_process", "IP_TransactionProcess"),
    ("ip_control_abuse_kidnap", "IP_ControlAbuseKidnap"),
)
# A parsed row: line, year_low, year_high, then one value per CSV column after yearRegister (text, bool or
# None = unknown), in the order of COLUMNS — which is the order of HEADER.
CtdcRow = tuple[object, ...]


@dataclass
class CtdcResult:
    rows: list[CtdcRow]
    rejections: list[Rejection]


def parse_year(text: str) -> tuple[int | None, int | None]:
    """`(low, high)` of `yearRegister`: '' → (None, None); '2019' → (2019, 2019); '2014-2018' → (2014, 2018)."""
    if not text:
        return None, None
    m = _YEAR.match(text)
    if not m:
        raise ValueError(f"yearRegister {text!r} is not a year or a range")
    low = int(m.group(1))
    high = int(m.group(2) or low)
    if high < low:
        raise ValueError(f"yearRegister {text!r} ends before it starts")
    return low, high


def parse_set(text: str, vocabulary: frozenset[str], column: str) -> str | None:
    """Sorted `;`-joined tokens of a set cell; None when empty (unknown). ValueError on an unknown token."""
    if not text:
        return None
    tokens = sorted({t.strip() for t in text.split(";") if t.strip()})
    for token in tokens:
        if token not in vocabulary:
            raise ValueError(f"{column} value {token!r} is not one of {sorted(vocabulary)}")
    return ";".join(tokens) or None


def _cell_parser(column: str) -> Callable[[str], object]:
    """The parser of one CSV column's cell (raises ValueError with the reason)."""
    if column in SET_COLUMNS:
        vocabulary = SET_COLUMNS[column]
        return lambda cell: parse_set(cell, vocabulary, column)
    if column in SINGLE_COLUMNS:
        single = SINGLE_COLUMNS[column]

        def parse_single(cell: str) -> str | None:
            if cell and cell not in single:
                raise ValueError(f"{column} value {cell!r} is not one of {sorted(single)}")
            return cell or None

        return parse_single

    def parse_flag(cell: str) -> bool | None:
        if cell not in ("", "1"):
            raise ValueError(f"{column} flag {cell!r} is neither 1 nor empty")
        return True if cell == "1" else None

    return parse_flag


_MISSING = object()


def parse_body(text: str, result: CtdcResult, *, first_line: int = 2) -> None:
    """Parse a CTDC file body (after the header) into `result`: tuples (see COLUMNS) and rejections.

    One lean loop: every column keeps a dictionary cell text → parsed value, so each distinct cell is
    checked once (the file has a few dozen distinct cells per column); a row is a tuple of lookups.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    columns = HEADER[1:]
    parsers = [_cell_parser(c) for c in columns]
    caches: list[dict[str, object]] = [{} for _ in columns]
    years: dict[str, tuple[int | None, int | None]] = {}
    lookups = list(zip(range(1, len(HEADER)), caches, parsers, strict=True))
    rows, rejections = result.rows, result.rejections
    append = rows.append
    n_columns = len(HEADER)
    offset = first_line - 1
    line = offset
    missing = _MISSING
    for fields in reader:
        start = line + 1
        line = offset + reader.line_num
        if not fields:
            continue
        if len(fields) != n_columns:
            rejections.append(Rejection(start, f"{len(fields)} columns, expected {n_columns}"))
            continue
        try:
            year = years.get(fields[0])
            if year is None:
                year = years[fields[0]] = parse_year(fields[0])
            values: list[object] = [start, *year]
            for i, cache, parse in lookups:
                cell = fields[i]
                value = cache.get(cell, missing)
                if value is missing:
                    value = cache[cell] = parse(cell)
                values.append(value)
        except ValueError as exc:
            rejections.append(Rejection(start, str(exc)))
            continue
        append(tuple(values))


def parse_file(path: Path) -> CtdcResult:
    """Parse the whole CTDC CSV. Raises MalformedFileError on a wrong header or non-UTF-8 bytes."""
    text = read_text(path)
    head, _, body = text.partition("\n")
    header = tuple(next(csv.reader([head.rstrip("\r")]), []))
    if header != HEADER:
        raise MalformedFileError([header_rejection(head.rstrip("\r"), HEADER, "CTDC")])
    result = CtdcResult([], [])
    parse_body(body, result)
    return result
