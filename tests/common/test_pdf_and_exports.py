"""PDF rendering shapes Arabic; exports open in Excel and carry no formulas."""

import io
from pathlib import Path

from openpyxl import load_workbook

from jisr.common.exports import neutralise, to_csv, to_xlsx


def test_neutralise() -> None:
    assert [neutralise(v) for v in ["=1+1", "+3", "-2", "@SUM", "ok", 5, -5, None]] == [
        "'=1+1", "'+3", "'-2", "'@SUM", "ok", 5, -5, None,
    ]


def test_csv_has_bom_and_neutralised_cells() -> None:
    data = to_csv(["الاسم", "n"], [["=cmd()", 3], ["فاطمة", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines() == ["الاسم,n", "'=cmd(),3", "فاطمة,"]


def test_xlsx_round_trip_rtl() -> None:
    data = to_xlsx({"جدول": (["الشكل", "العدد"], [["استغلال جنسي", 12], ["-1", 3]])}, rtl=True)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "جدول" and sheet.sheet_view.rightToLeft
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["الشكل", "العدد"], ["استغلال جنسي", 12], ["'-1", 3],
    ]


def test_pdf_shapes_arabic(settings) -> None:
    import pypdf

    from jisr.common.pdf import render_pdf

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [Path(__file__).parent / "templates"]}]
    pdf = render_pdf("pdf_test.html", {"text": "موافقة مستنيرة"}, language="ar")
    assert pdf.startswith(b"%PDF")
    extracted = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    # Shaped Arabic extracts back to the same logical letters (presentation forms normalised).
    import unicodedata

    assert "موافقة" in unicodedata.normalize("NFKC", extracted)
