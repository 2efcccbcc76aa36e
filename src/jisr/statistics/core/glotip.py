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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jisr.statistics.core.countries import to_iso2
from jisr.statistics.core.parsing import Flag, MalformedFileError, Rejection, read_text

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


@dataclass(frozen=True, slots=True)
class GlotipRow:
    line: int
    iso3: str
    country: str
    region: str
    subregion: str
    indicator: str
    dimension: str
    category: str
    sex: str
    age: str
    year: int
    low: int
    high: int
    censored: bool
    plausible: bool
    note: str
    citizenship_iso2: str  # for "by citizenship" rows; "" when it could not be mapped


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


def iter_rows(text: str, *, first_line: int = 2) -> Iterator[GlotipRow | Rejection]:
    """Rows of a GLOTIP file body (after the header), as GlotipRow or Rejection."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = first_line - 1
    for fields in reader:
        line += 1
        start = line
        line = first_line - 1 + reader.line_num  # a quoted cell may span lines
        if not fields:
            continue
        if len(fields) != len(HEADER):
            yield Rejection(start, f"{len(fields)} columns, expected {len(HEADER)}")
            continue
        iso3, country, region, subregion, indicator, dimension, category, sex, age, year_text, unit, value, _ = fields
        if len(iso3) != 3 or not iso3.isalpha():
            yield Rejection(start, f"Iso3_code {iso3!r} is not an ISO 3166 alpha-3 code")
            continue
        if not (year_text.isdigit() and 1990 <= int(year_text) <= 2100):
            yield Rejection(start, f"Year {year_text!r} is not a year")
            continue
        if unit != "Counts":
            yield Rejection(start, f"unit {unit!r} is not 'Counts'")
            continue
        try:
            low, high, censored = parse_value(value)
        except ValueError as exc:
            yield Rejection(start, str(exc))
            continue
        notes = []
        plausible = True
        if any("\ufffd" in f for f in fields):
            notes.append("characters lost in the source (U+FFFD)")
        if _QUESTION_CODE.match(category):
            notes.append("questionnaire cell code in Category")
            plausible = False
        if high > MAX_PLAUSIBLE or (not censored and _MANGLED_CODE.match(value.strip())):
            notes.append(f"implausible value {value.strip()}")
            plausible = False
        iso2 = _citizenship(category, country) if dimension == "by citizenship" and plausible else ""
        yield GlotipRow(
            start,
            iso3.upper(),
            country,
            region,
            subregion,
            indicator,
            dimension,
            category,
            sex,
            age,
            int(year_text),
            low,
            high,
            censored,
            plausible,
            "; ".join(notes),
            iso2,
        )


def parse_file(path: Path) -> GlotipResult:
    """Parse a whole GLOTIP CSV. Raises MalformedFileError when the header is wrong or the file is not
    UTF-8; row problems are returned as rejections (the caller decides all-or-nothing)."""
    text = read_text(path)
    head, _, body = text.partition("\n")
    header = tuple(next(csv.reader([head.rstrip("\r")]), []))
    if header != HEADER:
        raise MalformedFileError([Rejection(1, f"header {list(header)} is not the GLOTIP header {list(HEADER)}")])
    result = GlotipResult([], [], [], {})
    for item in iter_rows(body):
        if isinstance(item, Rejection):
            result.rejections.append(item)
            continue
        result.rows.append(item)
        if item.note:
            result.flags.append(Flag(item.line, item.note))
        if item.dimension == "by citizenship" and item.plausible and not item.citizenship_iso2:
            result.unmapped_citizenships[item.category] = result.unmapped_citizenships.get(item.category, 0) + 1
    return result
