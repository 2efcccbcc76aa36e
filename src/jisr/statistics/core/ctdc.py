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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jisr.statistics.core.parsing import MalformedFileError, Rejection, read_text

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


@dataclass(frozen=True, slots=True)
class CtdcRow:
    line: int
    year_low: int | None
    year_high: int | None
    values: dict[str, str | None]  # set and single columns: text or None (unknown)
    flags: dict[str, bool | None]  # True or None


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


def iter_rows(text: str, *, first_line: int = 2) -> Iterator[CtdcRow | Rejection]:
    reader = csv.reader(io.StringIO(text, newline=""))
    index = {name: i for i, name in enumerate(HEADER)}
    line = first_line - 1
    for fields in reader:
        start = line + 1
        line = first_line - 1 + reader.line_num
        if not fields:
            continue
        if len(fields) != len(HEADER):
            yield Rejection(start, f"{len(fields)} columns, expected {len(HEADER)}")
            continue
        try:
            low, high = parse_year(fields[0])
            values: dict[str, str | None] = {}
            for column, vocabulary in SET_COLUMNS.items():
                values[column] = parse_set(fields[index[column]], vocabulary, column)
            for column, vocabulary in SINGLE_COLUMNS.items():
                cell = fields[index[column]]
                if cell and cell not in vocabulary:
                    raise ValueError(f"{column} value {cell!r} is not one of {sorted(vocabulary)}")
                values[column] = cell or None
            flags: dict[str, bool | None] = {}
            for column in FLAG_COLUMNS:
                cell = fields[index[column]]
                if cell not in ("", "1"):
                    raise ValueError(f"{column} flag {cell!r} is neither 1 nor empty")
                flags[column] = True if cell == "1" else None
        except ValueError as exc:
            yield Rejection(start, str(exc))
            continue
        yield CtdcRow(start, low, high, values, flags)


def parse_file(path: Path) -> CtdcResult:
    """Parse the whole CTDC CSV. Raises MalformedFileError on a wrong header or non-UTF-8 bytes."""
    text = read_text(path)
    head, _, body = text.partition("\n")
    header = tuple(next(csv.reader([head.rstrip("\r")]), []))
    if header != HEADER:
        raise MalformedFileError([Rejection(1, f"header {list(header)} is not the CTDC header {list(HEADER)}")])
    result = CtdcResult([], [])
    for item in iter_rows(body):
        if isinstance(item, Rejection):
            result.rejections.append(item)
        else:
            result.rows.append(item)
    return result
