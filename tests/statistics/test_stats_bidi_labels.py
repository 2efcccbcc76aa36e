"""Age bands on right-to-left pages: "50+" reads "50+", not "+50" (nor CTDC's "30--38" "38--30"). On an
Arabic page the bidirectional algorithm puts a trailing "+" (and a doubled "--") on the other side of the
figures; the statistics table isolates such labels left to right (<bdi dir="ltr">), the donor report's
PDF and the charts' canvas text between LRI and PDI."""

from __future__ import annotations

import io
import json
import re

import pypdf
import pytest
from django.urls import reverse
from stats_periods import last_quarter_day, last_quarter_query
from test_stats_releases import _cases, _client

from jisr.statistics import labels, services

LRI, PDI = "\u2066", "\u2069"


@pytest.mark.parametrize(
    ("label", "figures"),
    [("50+", True), ("0-11", True), ("30--38", True), ("48+", True), ("Unknown", False), ("غير معروف", False)],
)
def test_labels_of_figures_are_isolated(label: str, figures: bool) -> None:
    assert labels.is_figures(label) is figures
    assert labels.isolated(label) == (f"{LRI}{label}{PDI}" if figures else label)


@pytest.fixture
def caseload(cast):  # type: ignore[no-untyped-def]
    day = last_quarter_day(cast.ma)
    _cases(cast.ma, day.year, [("Feminine", "identification")] * 30, "MA-BIDI", on=day)
    return cast


def test_the_arabic_dashboard_isolates_age_bands(caseload) -> None:  # type: ignore[no-untyped-def]
    page = _client(caseload.ma_analyst, "ar").get(reverse("statistics:dashboard")).content.decode()
    assert '<td><bdi dir="ltr">50+</bdi></td>' in page and "<td>50+</td>" not in page
    chart = re.search(r'<script id="chart-age_band" type="application/json">(.*?)</script>', page, re.S)
    assert chart and f"{LRI}50+{PDI}" in json.loads(chart.group(1))["labels"]
    assert '<td><bdi dir="ltr">' not in page.split("chart-sex")[1].split("</table>")[0]  # words stay as they are


def _visual_text(pdf: bytes) -> str:
    """The PDF's text in the order the glyphs are laid out (what the reader sees)."""
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_arabic_donor_report_reads_50_plus(caseload) -> None:  # type: ignore[no-untyped-def]
    pdf = services.donor_report(
        actor=caseload.ma_coordinator, organisation=caseload.ma, query=last_quarter_query(caseload.ma), language="ar"
    )
    text = _visual_text(pdf)
    assert "50+" in text and "+50" not in text
    assert "18-24" in text and "24-18" not in text
