"""Spreadsheet exports that open correctly in Excel and cannot carry formulas.

- CSV in UTF-8 *with BOM* (Excel otherwise reads Arabic as mojibake), CRLF line ends.
- XLSX through openpyxl; right-to-left sheet view for Arabic.
- Cells starting with `=`, `+`, `-`, `@`, tab or carriage return are neutralised with a leading
  apostrophe (OWASP "CSV injection"); numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """`value` unchanged unless it is text a spreadsheet would run as a formula; then prefixed with '."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV bytes: UTF-8 with BOM, comma-separated, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]], *, rtl: bool = False) -> bytes:
    """XLSX bytes with one sheet per entry `{title: (header, rows)}`; bold header, neutralised cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        sheet.sheet_view.rightToLeft = rtl
        sheet.append([neutralise(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
