"""Importers on the real public files: censored values, sets, unknowns, idempotence, all-or-nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jisr.audit.models import AuditEvent
from jisr.statistics.models import CtdcRecord, GlotipFigure, ImportBatch
from jisr.statistics.services import ImportRejectedError, import_statistics

pytestmark = pytest.mark.django_db


def test_glotip_extract_imports_with_censored_intervals(shared_data: Path) -> None:
    path = shared_data / "unodc_glotip_spain_morocco.csv"
    report = import_statistics(actor=None, dataset="glotip", paths=[path])
    assert report.imported == {path.name: 1150}
    assert GlotipFigure.objects.count() == 1150
    assert GlotipFigure.objects.filter(iso3="ESP").count() == 917
    assert GlotipFigure.objects.filter(iso3="MAR").count() == 233
    censored = GlotipFigure.objects.filter(censored=True)
    assert censored.count() == 473
    assert set(censored.values_list("value_low", "value_high").distinct()) == {(0, 4)}
    first = GlotipFigure.objects.get(line=2)  # ESP, forced labour, 2008: 72
    assert (first.iso3, first.category, first.year, first.value_low, first.value_high) == (
        "ESP",
        "Forced labour",
        2008,
        72,
        72,
    )
    assert (
        GlotipFigure.objects.filter(dimension="by citizenship", category="MARRUECOS").exclude(citizenship="MA").count()
        == 0
    )
    assert AuditEvent.objects.filter(action="statistics.import").count() == 1


def test_reimport_changes_nothing(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "unodc_glotip_spain_morocco.csv"
    import_statistics(actor=None, dataset="glotip", paths=[path])
    copy = tmp_path / "renamed.csv"
    shutil.copy(path, copy)
    report = import_statistics(actor=None, dataset="glotip", paths=[path, copy])
    assert report.imported == {} and len(report.skipped) == 2
    assert GlotipFigure.objects.count() == 1150 and ImportBatch.objects.count() == 1


def test_malformed_file_writes_nothing_and_reports_lines(shared_data: Path, tmp_path: Path) -> None:
    lines = (shared_data / "unodc_glotip_spain_morocco.csv").read_text(encoding="utf-8").splitlines()
    lines[4] = (
        lines[4].replace(",72,", ",seventy,") if ",72," in lines[4] else lines[4].rsplit(",", 2)[0] + ",many,GLOTIP"
    )
    lines[9] = "ESP,Spain,Europe"
    bad = tmp_path / "bad.csv"
    bad.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    good = shared_data / "unodc_glotip_spain_morocco.csv"
    with pytest.raises(ImportRejectedError) as info:
        import_statistics(actor=None, dataset="glotip", paths=[good, bad])
    rejected = info.value.rejections["bad.csv"]
    assert [r.line for r in rejected] == [5, 10]
    assert "neither a count" in rejected[0].reason and "columns" in rejected[1].reason
    assert GlotipFigure.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_command_reports_rejections(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("not,a,ctdc,file\r\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_statistics", "ctdc", str(bad), "--no-progress")
    assert "line 1" in capsys.readouterr().err
    assert CtdcRecord.objects.count() == 0


def test_ctdc_imports_sets_ranges_and_unknowns(shared_data: Path) -> None:
    path = shared_data / "ctdc_global_victim_perpetrator_synthetic_condensed.csv"
    call_command("import_statistics", "ctdc", str(path), "--no-progress")
    assert CtdcRecord.objects.count() == 21195
    assert CtdcRecord.objects.filter(year_low=2014, year_high=2018).count() == 6274
    assert CtdcRecord.objects.filter(year_low__isnull=True).count() == 3655
    assert CtdcRecord.objects.filter(ip_gender="Female;Male").count() == 2452
    assert CtdcRecord.objects.filter(ip_pay_money="No;Yes").count() == 944
    assert CtdcRecord.objects.filter(gender__isnull=True).count() == 3611  # unknown stays unknown
    assert CtdcRecord.objects.filter(is_sexual_exploit=True).count() == 2775
    assert CtdcRecord.objects.filter(is_sexual_exploit__isnull=True).count() == 18420


def test_full_glotip_files_flag_publisher_errors(shared_data: Path) -> None:
    """The three full files (58,743 rows): publisher errors kept with a note, out of totals."""
    paths = sorted(shared_data.glob("unodc_glotip_2025-04_part*.csv"))
    assert len(paths) == 3
    report = import_statistics(actor=None, dataset="glotip", paths=paths)
    assert sum(report.imported.values()) == 23692 + 10915 + 24136
    implausible = GlotipFigure.objects.filter(plausible=False)
    assert implausible.filter(category__startswith="Q6.1_").exists()
    assert not implausible.filter(value_high__lt=1000, category__regex=r"^[A-Za-z ]+$", quality_note="").exists()
    andorra = GlotipFigure.objects.get(batch__filename__contains="europe", line=389)
    assert andorra.plausible is False and "6,112,019" in andorra.quality_note
    assert GlotipFigure.objects.filter(quality_note__contains="U+FFFD").count() >= 3


def _workbook(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Iso3_code", "Country"])
    book.save(path)
    return path


@pytest.mark.parametrize("dataset", ["glotip", "ctdc"])
def test_an_excel_file_is_refused_with_what_to_do(
    dataset: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new user downloaded the UNODC workbook (.xlsx) and gave it as it is: the command says it is an
    Excel file and to save it as CSV UTF-8 — not that line 1 is not UTF-8."""
    path = _workbook(tmp_path / "data_glotip.xlsx")
    with pytest.raises(CommandError):
        call_command("import_statistics", dataset, str(path), "--no-progress")
    err = capsys.readouterr().err
    assert "this looks like an Excel file" in err and "save it as CSV UTF-8" in err and "not UTF-8" not in err
    assert ImportBatch.objects.count() == 0


def test_a_zip_archive_and_an_old_xls_are_refused_with_what_to_do(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "ctdc.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ctdc.csv", "yearRegister,gender\r\n")
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(ImportRejectedError) as info:
        import_statistics(actor=None, dataset="ctdc", paths=[archive])
    [reason] = [r.reason for r in info.value.rejections["ctdc.zip"]]
    assert "ZIP archive" in reason and "extract the CSV" in reason
    with pytest.raises(ImportRejectedError) as info:
        import_statistics(actor=None, dataset="glotip", paths=[xls])
    [reason] = [r.reason for r in info.value.rejections["old.xls"]]
    assert "this looks like an Excel file" in reason and "save it as CSV UTF-8" in reason


def test_a_csv_saved_with_semicolons_is_explained(shared_data: Path, tmp_path: Path) -> None:
    """A spreadsheet set to French or Spanish saves "CSV" with semicolons."""
    lines = (shared_data / "unodc_glotip_spain_morocco.csv").read_text(encoding="utf-8").splitlines()[:3]
    semicolons = tmp_path / "glotip.csv"
    semicolons.write_text("\r\n".join(line.replace(",", ";") for line in lines) + "\r\n", encoding="utf-8")
    with pytest.raises(ImportRejectedError) as info:
        import_statistics(actor=None, dataset="glotip", paths=[semicolons])
    [reason] = [r.reason for r in info.value.rejections["glotip.csv"]]
    assert "separated by semicolons" in reason and "CSV UTF-8" in reason
