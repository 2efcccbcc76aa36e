"""Screens: render in Arabic (rtl) and French; no inline script or style; Eastern Arabic digits in forms;
evidence files checked, stored privately and served only to roadmap readers; the "done when" tour."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jisr.audit.models import AuditEvent
from jisr.roadmap.demo import seed_roadmap_demo
from jisr.roadmap.files import MAX_UPLOAD_BYTES, UploadRejected, check_upload
from jisr.roadmap.models import (
    Action,
    Event,
    IndicatorMeasurement,
    ProgressUpdate,
    Recommendation,
    StoredFile,
    TrainingAttendance,
)

PDF = b"%PDF-1.4\n% generated for a test\n"
EXTERNAL_RESOURCE = re.compile(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)", re.I)


@pytest.fixture
def demo(cast):  # type: ignore[no-untyped-def]
    return seed_roadmap_demo([cast.ma, cast.es])


def _pages(demo):  # type: ignore[no-untyped-def]
    rec = Recommendation.objects.order_by("reference").first()
    action = Action.objects.order_by("title").first()
    return [
        reverse("roadmap:dashboard"), reverse("roadmap:event_list"),
        reverse("roadmap:event_detail", kwargs={"event_id": demo.pk}),
        reverse("roadmap:recommendation_list"), reverse("roadmap:recommendation_list") + "?not_addressed=1",
        reverse("roadmap:recommendation_detail", kwargs={"recommendation_id": rec.pk}),
        reverse("roadmap:action_list"), reverse("roadmap:action_detail", kwargs={"action_id": action.pk}),
        reverse("roadmap:training_list"), reverse("roadmap:practice_list") + "?q=migrants",
        reverse("roadmap:area_list"), reverse("roadmap:recommendation_create"), reverse("roadmap:action_create"),
        reverse("roadmap:event_create"), reverse("roadmap:training_create"), reverse("roadmap:practice_create"),
        reverse("roadmap:event_edit", kwargs={"event_id": demo.pk}),
        reverse("roadmap:action_edit", kwargs={"action_id": action.pk}),
        reverse("roadmap:recommendation_edit", kwargs={"recommendation_id": rec.pk}),
    ]


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_pages_render_in_arabic_and_french(cast, demo, client_as, language, direction):  # type: ignore[no-untyped-def]
    client = client_as(cast.ma_roadmap, language)
    for url in _pages(demo):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in html, url
        assert not INLINE_SCRIPT.search(html.replace('type="application/json"', 'src="json"')), url
        assert " style=" not in html, url
        # Every script, style sheet, image and link target is served by Jisr itself (relative URL):
        # no content-delivery network, no third party.
        assert not EXTERNAL_RESOURCE.search(html), url
    dashboard = client.get(reverse("roadmap:dashboard")).content.decode()
    expected = {"ar": ("خارطة طريق الشراكة", "لم تُعالَج بعد"), "fr": ("Feuille de route du partenariat",
                                                                   "Pas encore traitées")}[language]
    for text in expected:
        assert text in dashboard
    assert 'id="roadmap-chart-data" type="application/json"' in dashboard
    assert "vendor/chartjs/chart.umd.min.js" in dashboard and "roadmap/dashboard.js" in dashboard


def test_readers_see_no_forms_and_get_403_on_them(cast, demo, client_as):  # type: ignore[no-untyped-def]
    client = client_as(cast.ma_case_worker)
    html = client.get(reverse("roadmap:dashboard")).content.decode()
    assert reverse("roadmap:export_xlsx") in html
    action = Action.objects.first()
    detail = client.get(reverse("roadmap:action_detail", kwargs={"action_id": action.pk})).content.decode()
    assert reverse("roadmap:action_status", kwargs={"action_id": action.pk}) not in detail
    assert client.get(reverse("roadmap:action_create")).status_code == 403


def test_dashboard_script_loads_nothing_remote() -> None:
    import jisr.roadmap

    script = (Path(jisr.roadmap.__file__).parent / "static" / "roadmap" / "dashboard.js").read_text(encoding="utf-8")
    assert "http" not in script and "eval(" not in script


def test_check_upload() -> None:
    assert check_upload("C:\\minutes\\cr.PDF", 10, PDF).content_type == "application/pdf"
    assert check_upload("photo.jpeg", 10, b"\xff\xd8\xff\xe0").extension == ".jpeg"
    for name, size, head in [("cr.pdf", 0, PDF), ("cr.pdf", MAX_UPLOAD_BYTES + 1, PDF),
                             ("page.html", 10, b"<html>"), ("cr.pdf", 10, b"<script>"), ("x.svg", 10, b"<svg"),
                             ("noext", 10, PDF)]:
        with pytest.raises(UploadRejected):
            check_upload(name, size, head)


def test_evidence_is_private_checked_and_served_only_to_readers(cast, demo, client_as, data_dir):  # type: ignore[no-untyped-def]
    action = Action.objects.order_by("title").first()
    url = reverse("roadmap:action_progress", kwargs={"action_id": action.pk})
    writer = client_as(cast.ma_roadmap)
    fake = SimpleUploadedFile("cr.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")
    assert writer.post(url, {"note": "CR", "file": fake}).status_code == 303
    assert not StoredFile.objects.exists() and not ProgressUpdate.objects.filter(note="CR").exists()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_UPLOAD_BYTES, content_type="application/pdf")
    writer.post(url, {"note": "CR", "file": big})
    assert not StoredFile.objects.exists()

    ok = SimpleUploadedFile("compte rendu.pdf", PDF, content_type="text/html")  # declared type is ignored
    assert writer.post(url, {"note": "CR", "file": ok, "link": "https://example.org/cr"}).status_code == 303
    stored = StoredFile.objects.get()
    path = Path(stored.file.path)
    assert path.is_file() and path.is_relative_to(data_dir / "media") and path.name == f"{stored.pk}.pdf"
    assert stored.content_type == "application/pdf" and stored.size == len(PDF)
    with pytest.raises(NotImplementedError):
        stored.file.url  # noqa: B018 — no public URL exists

    download = reverse("roadmap:file_download", kwargs={"file_id": stored.pk})
    response = client_as(cast.es_case_worker).get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_as(cast.outsider).get(download).status_code == 404
    assert client_as(cast.ma_roadmap).get(download.replace(str(stored.pk), str(action.pk))).status_code == 404


def test_done_when_tour(cast, demo, client_as, areas):  # type: ignore[no-untyped-def]
    """On the demo, a roadmap member in French records three recommendations from the Rabat event in two
    strategic areas, links two actions with indicators, posts a progress update, and downloads the
    Arabic PDF report of the roadmap — typing dates and numbers with Eastern Arabic digits."""
    client = client_as(cast.ma_roadmap, "fr")
    rabat = Event.objects.order_by("starts_on", "created_at").first()
    assert rabat.starts_on.isoformat() == "2025-05-08" and rabat.place == "Rabat"
    before = AuditEvent.objects.filter(action__startswith="roadmap.").count()
    new = []
    for text, area in (("Créer un numéro d'appel commun", "protection"), ("Former les juges", "prosecution"),
                       ("Protéger les témoins", "prosecution")):
        response = client.post(reverse("roadmap:recommendation_create"), {
            "event": rabat.pk, "area": areas[area].pk, "text_fr": text, "scope": "both", "priority": "high"})
        assert response.status_code == 303
        new.append(Recommendation.objects.get(text_fr=text))
    assert {r.area.code for r in new} == {"protection", "prosecution"}
    actions = []
    for title, recs in (("Ligne d'écoute", new[:1]), ("Module pour magistrats", new[1:])):
        response = client.post(reverse("roadmap:action_create"), {
            "title": title, "lead_organisation": cast.ma.pk, "partners": [cast.es.pk],
            "recommendations": [r.pk for r in recs], "start_on": "٠١/٠٦/٢٠٢٦", "due_on": "٣٠/١٢/٢٠٢٦"})
        assert response.status_code == 303
        action = Action.objects.get(title=title)
        assert action.due_on.isoformat() == "2026-12-30"
        response = client.post(reverse("roadmap:action_indicator", kwargs={"action_id": action.pk}),
                               {"name": "Personnes formées", "baseline": "٠", "target": "١٢٠"})
        assert response.status_code == 303
        indicator = action.indicators.get()
        assert indicator.target == 120
        client.post(reverse("roadmap:indicator_measurement", kwargs={"indicator_id": indicator.pk}),
                    {"measured_on": "١٥/٠٩/٢٠٢٦", "value": "٤٢٫٥"})
        actions.append(action)
    assert IndicatorMeasurement.objects.filter(indicator__action__in=actions, value="42.50").count() == 2
    assert set(new[2].actions.all()) == {actions[1]}
    response = client.post(reverse("roadmap:action_progress", kwargs={"action_id": actions[0].pk}),
                           {"note": "Ligne ouverte à Tanger", "file": SimpleUploadedFile("cr.pdf", PDF)})
    assert response.status_code == 303 and actions[0].progress_updates.get().evidence is not None
    page = client.get(reverse("roadmap:action_detail", kwargs={"action_id": actions[0].pk})).content.decode()
    assert "Ligne ouverte à Tanger" in page and "Personnes formées" in page
    response = client.get(reverse("roadmap:report_pdf") + "?lang=ar")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    import pypdf

    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Ligne d'écoute" in text and "Module pour magistrats" in text
    # Every one of those writes left an audit event.
    # 3 recommendations; 2 × (action, indicator, value); the progress update and its stored file.
    assert AuditEvent.objects.filter(action__startswith="roadmap.").count() - before == 3 + 2 * 3 + 2


def test_demo_is_idempotent_and_rabat_comes_first(cast, demo):  # type: ignore[no-untyped-def]
    assert seed_roadmap_demo([cast.ma, cast.es]).pk == demo.pk
    first = Event.objects.order_by("starts_on", "created_at").first()
    assert first.pk == demo.pk and first.title_ar.startswith("بناء دينامية")
    assert demo.sessions.count() == 2 and demo.recommendations.count() == 6
    assert TrainingAttendance.objects.count() == 3
    assert not TrainingAttendance._meta.get_field("count").null


def test_navigation_offers_the_roadmap_to_readers_only(cast):  # type: ignore[no-untyped-def]
    from django.apps import apps

    config = apps.get_app_config("roadmap")
    names = [name for name, _label, _predicate in config.nav_items]
    assert names[0] == "roadmap:dashboard" and all(reverse(n) for n in names)
    for persona in ("ma_roadmap", "ma_case_worker", "ma_analyst", "es_supervisor"):
        assert all(predicate(getattr(cast, persona)) for _n, _l, predicate in config.nav_items)
    assert not any(predicate(cast.outsider) for _n, _l, predicate in config.nav_items)
