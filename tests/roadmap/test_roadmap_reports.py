"""Exports: the PDF report carries shaped Arabic (and reads right to left); the XLSX workbook."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jisr.roadmap import reports
from jisr.roadmap.demo import seed_roadmap_demo

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"


def _text(pdf: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def demo(cast):  # type: ignore[no-untyped-def]
    return seed_roadmap_demo([cast.ma, cast.es])


def glyphs_by_letter(pdf: bytes) -> dict[str, set[tuple[str, int]]]:
    """Arabic letter → the glyphs that draw it, read from the fonts' ToUnicode maps.

    A shaping renderer (HarfBuzz) draws one letter with several glyphs — isolated, initial, medial,
    final forms — and maps each back to the same letter for copy and search. A renderer that does not
    shape draws each letter with one glyph, the isolated form."""
    import pypdf

    found: dict[str, set[tuple[str, int]]] = {}
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for gid, dest in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                    text = bytes.fromhex(dest).decode("utf-16-be")
                    if len(text) == 1 and "\u0620" <= text <= "\u064a":
                        found.setdefault(text, set()).add((str(font.get("/BaseFont")), int(gid, 16)))
    return found


def test_arabic_pdf_report_contains_shaped_arabic(cast, demo):  # type: ignore[no-untyped-def]
    pdf = reports.roadmap_pdf(cast.ma_roadmap, language="ar")
    assert pdf.startswith(b"%PDF")
    forms = glyphs_by_letter(pdf)
    joined = [letter for letter, glyphs in forms.items() if len(glyphs) >= 2]
    # ل م ت ب ي ن ع ه … all appear in initial, medial and final positions in the report.
    assert len(joined) >= 8, f"letters drawn with contextual forms: {sorted(joined)}"
    assert {"ل", "م", "ت"} <= set(joined)
    text = _text(pdf)
    for expected in ("تقرير خارطة الطريق", "الحماية والمساعدة", "ضمان التكفل المتكامل", "الإجراءات المتأخرة",
                     "بناء دينامية تحولية لمكافحة الاتجار بالبشر"):
        assert _squash(expected) in _squash(text), expected
    # Page 1 for a person to look at (not committed): test-artefacts/roadmap-report-ar-page1.png
    if shutil.which("pdftoppm"):
        ARTEFACTS.mkdir(exist_ok=True)
        (ARTEFACTS / "roadmap-report-ar.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(ARTEFACTS / "roadmap-report-ar.pdf"), str(ARTEFACTS / "roadmap-report-ar-page1")],
                       check=True)


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ("Rapport de la feuille de route", "Protection et assistance", "prise en charge intégrée")),
    ("es", ("Informe de la hoja de ruta", "Protección y asistencia", "atención integral")),
])
def test_pdf_report_in_french_and_spanish(cast, demo, language, expected):  # type: ignore[no-untyped-def]
    text = _text(reports.roadmap_pdf(cast.ma_analyst, language=language))
    for snippet in expected:
        assert _squash(snippet) in _squash(text), snippet


def test_pdf_report_html_is_rtl_in_arabic(cast, demo):  # type: ignore[no-untyped-def]
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("ar"):
        html = render_to_string("roadmap/report_pdf.html",
                                {**reports.report_context(cast.ma_roadmap), "lang": "ar", "dir": "rtl"})
    assert '<html lang="ar" dir="rtl">' in html


def test_xlsx_export(cast, demo):  # type: ignore[no-untyped-def]
    data = reports.roadmap_xlsx(cast.es_supervisor, language="ar")
    book = load_workbook(io.BytesIO(data))
    from django.utils import translation

    with translation.override("ar"):
        names = [translation.gettext(n) for n in ("Recommendations", "Actions", "Indicators", "Trainings",
                                                  "Good practices")]
    assert book.sheetnames == names and names[0] == "التوصيات"
    recs = book[names[0]]
    assert recs.sheet_view.rightToLeft
    rows = list(recs.iter_rows(values_only=True))
    assert len(rows) == 1 + 6 and rows[1][0] == "R-2025-01"
    assert any(r[9] == 0 for r in rows[1:])  # recommendations with no action are there with 0
    trainings = list(book[names[3]].iter_rows(values_only=True))
    assert sum(r[6] for r in trainings[1:]) == 25
    fr = load_workbook(io.BytesIO(reports.roadmap_xlsx(cast.es_supervisor, language="fr")))
    assert fr.sheetnames[0] == "Recommandations" and not fr.active.sheet_view.rightToLeft
