"""Parser of UNODC GLOTIP country data (Global Report on Trafficking in Persons, release of April 2025). Pure.

Columns: Iso3_code, Country, Region, Subregion, Indicator, Dimension, Category, Sex, Age, Year,
Unit of measurement, txtVALUE, Source.

`txtVALUE` is text. A count (`72`, `1,011`) becomes the interval [n, n]; a censored count `<5` becomes
[0, 4] with `censored=True` (UNODC publishes cells under 5 as `<5`: never read as 0 or 5). Anything
else rejects the row.

Publisher errors are kept with a note (`Flag`) and, when the value cannot be true, `plausible=False`
so that totals leave them out: characters already replaced by U+FFFD in the source; questionnaire cell
codes (`Q6.1_16s_2019`) in `Category`; counts that are mangled cell codes (`61,162,019`) or above
`MAX_PLAUSIBLE` (no country has reported a tenth of that).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from jisr.statistics.core.countries import to_iso2
from jisr.statistics.core.parsing import Flag, MalformedFileError, Rejection, header_rejection, read_text

HEADER = (
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "txtVALUE",
    "Source",
)
MAX_PLAUSIBLE = 1_000_000
_COUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)$")
_CENSORED = re.compile(r"^<\s*(\d+)$")
_QUESTION_CODE = re.compile(r"^Q\d+(\.\d+)*_", re.IGNORECASE)
_MANGLED_CODE = re.compile(r"^6,?1\d,?\d{2}0,?\d{3}$|^6,1\d{2},0\d{2}$")  # "6,112,019" = cell 6.1.1 of 2019
_NATIONALS = frozenset(
    {
        "nationals",
        "national",
        "ciudadanos de su pais",
        "nacionales",
        "nationaux",
        "personnes de nationalite",
        "own nationals",
        "citizens",
    }
)


# One parsed row as a plain tuple, in the order of `COLUMNS` (the database columns of GlotipFigure, minus
# the batch): no per-row object beyond the tuple, so a 24,000-row file parses in a fraction of a second.
COLUMNS = (
    "line",
    "iso3",
    "country",
    "region",
    "subregion",
    "indicator",
    "dimension",
    "category",
    "sex",
    "age",
    "year",
    "value_low",
    "value_high",
    "censored",
    "plausible",
    "quality_note",
    "citizenship",
)
GlotipRow = tuple[int, str, str, str, str, str, str, str, str, str, int, int, int, bool, bool, str, str]
# Indexes into a GlotipRow (for readers of the tuples).
LINE, ISO3, CATEGORY, YEAR, LOW, HIGH, CENSORED, PLAUSIBLE, NOTE, CITIZENSHIP = 0, 1, 7, 10, 11, 12, 13, 14, 15, 16
TEXT_LIMIT = 200  # category and quality_note columns


@dataclass
class GlotipResult:
    rows: list[GlotipRow]
    rejections: list[Rejection]
    flags: list[Flag]
    unmapped_citizenships: dict[str, int]


def parse_value(text: str) -> tuple[int, int, bool]:
    """`(low, high, censored)` of a GLOTIP `txtVALUE`. Raises ValueError for anything else.

    >>> parse_value("1,011"), parse_value("<5")
    ((1011, 1011, False), (0, 4, True))
    """
    text = text.strip()
    if _COUNT.match(text):
        n = int(text.replace(",", ""))
        return n, n, False
    m = _CENSORED.match(text)
    if m and int(m.group(1)) > 0:
        return 0, int(m.group(1)) - 1, True
    raise ValueError(f"value {text!r} is neither a count nor a censored '<n'")


def _citizenship(category: str, country: str) -> str:
    from jisr.statistics.core.countries import normalise

    if normalise(category) in _NATIONALS or normalise(category).startswith("ciudadanos de su pa"):
        return to_iso2(country) or ""
    return to_iso2(category) or ""


def _row_rejection(fields: list[str], value_error: str | None) -> str:
    """Why a row is rejected (the slow path, only for rows the fast checks refused)."""
    if len(fields) != len(HEADER):
        return f"{len(fields)} columns, expected {len(HEADER)}"
    iso3, year_text, unit, value = fields[0], fields[9], fields[10], fields[11]
    if len(iso3) != 3 or not iso3.isalpha():
        return f"Iso3_code {iso3!r} is not an ISO 3166 alpha-3 code"
    if not (year_text.isdigit() and 1990 <= int(year_text) <= 2100):
        return f"Year {year_text!r} is not a year"
    if unit != "Counts":
        return f"unit {unit!r} is not 'Counts'"
    return value_error or f"value {value!r} rejected"


def _value(text: str) -> tuple[int, int, bool, bool]:
    """`(low, high, censored, implausible)` of a txtVALUE; ValueError when it is not a value."""
    low, high, censored = parse_value(text)
    implausible = high > MAX_PLAUSIBLE or (not censored and bool(_MANGLED_CODE.match(text.strip())))
    return low, high, censored, implausible


def _lines_with(text: str, needle: str, first_line: int) -> frozenset[int]:
    """Physical line numbers (the text's first line is `first_line`) on which `needle` occurs."""
    found: set[int] = set()
    position = text.find(needle)
    line, counted = first_line, 0
    while position >= 0:
        line += text.count("\n", counted, position)
        counted = position
        found.add(line)
        position = text.find(needle, position + 1)
    return frozenset(found)


def parse_body(text: str, result: GlotipResult, *, first_line: int = 2) -> None:
    """Parse a GLOTIP file body (after the header) into `result`: rows as tuples (see COLUMNS),
    rejections with line numbers, flags, unmapped citizenship names.

    One lean loop: the csv module, dictionaries that remember every distinct value, year, code and
    citizenship already checked (a release repeats them thousands of times), no object per row but the
    tuple. The checks are the same as `_row_rejection` (which explains a refusal).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, rejections, flags, unmapped = result.rows, result.rejections, result.flags, result.unmapped_citizenships
    append = rows.append
    values: dict[str, tuple[int, int, bool, bool]] = {}
    years: dict[str, int] = {}
    codes: dict[str, str] = {}
    citizenships: dict[tuple[str, str], str] = {}
    lost_lines = _lines_with(text, "\ufffd", first_line)  # physical lines holding U+FFFD (usually none)
    n_columns = len(HEADER)
    offset = first_line - 1
    line = offset
    for fields in reader:
        start = line + 1
        line = offset + reader.line_num  # a quoted cell may span lines
        if not fields:
            continue
        if len(fields) != n_columns:
            rejections.append(Rejection(start, _row_rejection(fields, None)))
            continue
        iso3, country, region, subregion, indicator, dimension, category, sex, age, year_text, unit, value, _ = fields
        code = codes.get(iso3)
        year = years.get(year_text)
        parsed = values.get(value)
        if code is None and len(iso3) == 3 and iso3.isalpha():
            code = codes[iso3] = iso3.upper()
        if year is None and year_text.isdigit() and 1990 <= int(year_text) <= 2100:
            year = years[year_text] = int(year_text)
        if parsed is None:
            try:
                parsed = values[value] = _value(value)
            except ValueError as exc:
                rejections.append(Rejection(start, _row_rejection(fields, str(exc))))
                continue
        if code is None or year is None or unit != "Counts":
            rejections.append(Rejection(start, _row_rejection(fields, None)))
            continue
        low, high, censored, implausible = parsed
        note = ""
        plausible = True
        lost = bool(lost_lines) and any(n in lost_lines for n in range(start, line + 1))
        if lost or implausible or category[:1] in "Qq":
            notes = []
            if lost:
                notes.append("characters lost in the source (U+FFFD)")
            if _QUESTION_CODE.match(category):
                notes.append("questionnaire cell code in Category")
                plausible = False
            if implausible:
                notes.append(f"implausible value {value.strip()}")
                plausible = False
            note = "; ".join(notes)[:TEXT_LIMIT]
            if note:
                flags.append(Flag(start, note))
        iso2 = ""
        if dimension == "by citizenship" and plausible:
            key = (category, country)
            mapped = citizenships.get(key)
            if mapped is None:
                mapped = citizenships[key] = _citizenship(category, country)
            iso2 = mapped
            if not iso2:
                unmapped[category] = unmapped.get(category, 0) + 1
        append(
            (
                start,
                code,
                country,
                region,
                subregion,
                indicator,
                dimension,
                category[:TEXT_LIMIT],
                sex,
                age,
                year,
                low,
                high,
                censored,
                plausible,
                note,
                iso2,
            )
        )


def parse_file(path: Path) -> GlotipResult:
    """Parse a whole GLOTIP CSV. Raises MalformedFileError when the header is wrong or the file is not
    UTF-8; row problems are returned as rejections (the caller decides all-or-nothing)."""
    text = read_text(path)
    head, _, body = text.partition("\n")
    header = tuple(next(csv.reader([head.rstrip("\r")]), []))
    if header != HEADER:
        raise MalformedFileError([header_rejection(head.rstrip("\r"), HEADER, "GLOTIP")])
    result = GlotipResult([], [], [], {})
    parse_body(body, result)
    return result
