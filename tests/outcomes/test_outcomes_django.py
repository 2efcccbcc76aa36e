"""Outcomes, Django side: measurements scored by the pure instruments, trajectories with
significant-change marks, the PHQ-9 item-9 safety alert (fires once, audited, to the supervisor),
the page in ar/fr with Eastern Arabic digits, and the vendored chart (no CDN, no inline script)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import jisr
from jisr.audit.models import AuditEvent
from jisr.common.errors import PermissionDeniedError
from jisr.outcomes.models import Measurement, SafetyAlert
from jisr.outcomes.selectors import safety_alerts_open, trajectories
from jisr.outcomes.services import measurement_record, safety_alert_acknowledge

TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db


def _client(user, language="fr"):
    c = Client()
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return c


def _measure(cast, case, instrument, answers, days_ago=0):
    return measurement_record(actor=cast.ma_case_worker, case=case, instrument=instrument, answers=answers,
                              administered_on=TODAY - dt.timedelta(days=days_ago))


def test_who5_trajectory_marks_significant_change(cast, fatima_case):
    _measure(cast, fatima_case, "who-5", [2, 2, 2, 2, 2], days_ago=30)  # 40 %
    m = _measure(cast, fatima_case, "who-5", [3, 3, 3, 2, 2])  # 52 %: +12 → significant (W-06)
    assert m.score == 52 and m.result["raw"] == 13
    [t] = trajectories(fatima_case)
    assert [p.measurement.score for p in t.points] == [40, 52]
    assert t.points[1].change == 12 and t.points[1].significant and t.points[1].direction == "improvement"
    assert t.chart_data()["significant"] == [False, True]
    assert AuditEvent.objects.filter(action="outcomes.measure").count() == 2


def test_incomplete_is_stored_without_score(cast, fatima_case):
    m = _measure(cast, fatima_case, "who-5", [3, None, 2, 2, 2])
    assert m.status == "INCOMPLETE" and m.score is None
    assert trajectories(fatima_case)[0].chart_data()["scores"] == []


def test_out_of_range_refused_and_nothing_written(cast, fatima_case):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError):
        _measure(cast, fatima_case, "phq-9", [4, 0, 0, 0, 0, 0, 0, 0, 0])
    with pytest.raises(PermissionDeniedError):
        measurement_record(actor=cast.ma_coordinator, case=fatima_case, instrument="who-5", answers=[1] * 5,
                           administered_on=TODAY)
    assert not Measurement.objects.exists() and AuditEvent.objects.count() == before


def test_phq9_item9_alert_fires_once_audited_for_supervisor(cast, fatima_case):
    m = _measure(cast, fatima_case, "phq-9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    [alert] = SafetyAlert.objects.all()
    assert alert.measurement == m and alert.item9 == 1
    [event] = AuditEvent.objects.filter(action="outcomes.safety_alert")
    assert event.details["supervisors"] == [cast.ma_supervisor.pk]
    assert event.details["measurement"] == str(m.pk)
    # Once: a second call for the same measurement does not raise another.
    from jisr.outcomes.services import _raise_alert

    _raise_alert(cast.ma_case_worker, m, 1)
    assert SafetyAlert.objects.count() == 1
    assert AuditEvent.objects.filter(action="outcomes.safety_alert").count() == 1
    # The team supervisor sees it; no one outside the team does.
    assert list(safety_alerts_open(cast.ma_supervisor)) == [alert]
    for persona in ("ma_other_supervisor", "es_supervisor", "ma_case_worker_2", "ma_analyst"):
        assert not safety_alerts_open(getattr(cast, persona)).exists()
    safety_alert_acknowledge(actor=cast.ma_supervisor, alert=alert)
    assert AuditEvent.objects.filter(action="outcomes.safety_alert_ack").count() == 1
    assert not safety_alerts_open(cast.ma_supervisor).exists()


def test_no_alert_when_item9_is_zero_or_missing(cast, fatima_case):
    _measure(cast, fatima_case, "phq-9", [3, 3, 2, 2, 2, 2, 2, 1, 0])
    _measure(cast, fatima_case, "phq-9", [3, 3, 2, 2, 2, 2, 2, 1, None])
    assert not SafetyAlert.objects.exists()


def test_alert_appears_on_supervisor_dashboard(cast, fatima_case):
    _measure(cast, fatima_case, "phq-9", [0] * 8 + [2])
    html = _client(cast.ma_supervisor, "ar").get("/care/follow-ups/").content.decode()
    assert fatima_case.code in html and "PHQ-9" in html
    assert fatima_case.code not in _client(cast.es_supervisor).get("/care/follow-ups/").content.decode()


@pytest.mark.parametrize("language,direction", [("ar", "rtl"), ("fr", "ltr")])
def test_page_renders_and_accepts_eastern_digits(cast, fatima_case, language, direction):
    client = _client(cast.ma_case_worker, language)
    url = reverse("outcomes:case_outcomes", kwargs={"case_id": fatima_case.pk})
    html = client.get(url + "?instrument=phq-9").content.decode()
    assert f'dir="{direction}"' in html and 'name="phq9_9"' in html
    data = {"instrument": "phq-9", "administered_on": "٠٥/٠١/٢٠٢٦"}
    data |= {f"phq9_{i}": "٠" for i in range(1, 9)} | {"phq9_9": "١"}
    response = client.post(url, data)
    assert response.status_code == 303
    m = Measurement.objects.get()
    assert m.answers == [0] * 8 + [1] and m.administered_on == dt.date(2026, 1, 5)
    assert SafetyAlert.objects.filter(measurement=m).exists()
    page = client.get(url).content.decode()
    assert 'id="trajectory-data"' in page and "chart.umd.min.js" in page


def test_out_of_range_item_is_a_form_error(cast, fatima_case):
    url = reverse("outcomes:case_outcomes", kwargs={"case_id": fatima_case.pk})
    data = {"instrument": "who-5", "administered_on": "01/01/2026"} | {f"who5_{i}": "6" for i in range(1, 6)}
    assert _client(cast.ma_case_worker).post(url, data).status_code == 400
    assert not Measurement.objects.exists()


def test_chart_is_vendored_with_licence_and_no_inline_script(cast, fatima_case):
    static = Path(jisr.__file__).parent / "web" / "static"  # one vendored copy for every chart
    assert (static / "vendor/chartjs/chart.umd.min.js").stat().st_size > 100_000
    assert "MIT" in (static / "vendor/chartjs/LICENSE.md").read_text()
    _measure(cast, fatima_case, "who-5", [2, 2, 2, 2, 2])
    html = _client(cast.ma_case_worker).get(
        reverse("outcomes:case_outcomes", kwargs={"case_id": fatima_case.pk})).content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag
    assert "https://" not in "".join(re.findall(r'src="([^"]*)"', html))
    assert ' style="' not in html


@pytest.mark.parametrize("language,names", [
    ("ar", ["مؤشر الرفاه WHO-5", "استبيان صحة المريض PHQ-9", "مقياس اضطراب القلق العام GAD-7",
            "قائمة التحقق من اضطراب ما بعد الصدمة PCL-5"]),
    ("fr", ["Indice de bien-être WHO-5", "Questionnaire sur la santé du patient PHQ-9",
            "Échelle du trouble anxieux généralisé GAD-7", "Liste de vérification du TSPT pour le DSM-5 (PCL-5)"]),
    ("es", ["Índice de Bienestar WHO-5", "Cuestionario de Salud del Paciente PHQ-9",
            "Escala del Trastorno de Ansiedad Generalizada GAD-7",
            "Lista de verificación del TEPT para el DSM-5 (PCL-5)"]),
])
def test_instrument_names_are_translated_with_their_acronym(cast, fatima_case, language, names):
    _measure(cast, fatima_case, "who-5", [2, 2, 2, 2, 2])
    _measure(cast, fatima_case, "phq-9", [1] * 9)
    _measure(cast, fatima_case, "gad-7", [1] * 7)
    _measure(cast, fatima_case, "pcl-5", [1] * 20)
    response = _client(cast.ma_supervisor, language).get(
        reverse("outcomes:case_outcomes", kwargs={"case_id": fatima_case.pk}) + "?instrument=gad-7")
    html = response.content.decode()
    assert [t.name for t in response.context["trajectories"]] == names
    assert [d["label"] for d in response.context["chart_data"]] == names  # the chart's legend too
    for english in ("Well-Being Index", "Patient Health Questionnaire", "Generalized Anxiety", "PTSD Checklist"):
        assert english not in html
    assert f'<p class="fw-semibold mb-1">{names[2]}</p>' in html  # the form names the chosen instrument


def test_no_measurement_form_for_an_erased_person(cast, fatima_case):
    from jisr.common.errors import StateError
    from jisr.survivors.services import person_erase

    _measure(cast, fatima_case, "who-5", [2, 2, 2, 2, 2])
    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="asked by the person")
    fatima_case.person.refresh_from_db()
    url = reverse("outcomes:case_outcomes", kwargs={"case_id": fatima_case.pk})
    client = _client(cast.ma_case_worker, "ar")
    html = client.get(url).content.decode()
    assert "data-erased-notice" in html and 'name="administered_on"' not in html
    assert "<bdi>40</bdi>" in html  # what was measured before stays readable (it is not her identity)
    data = {"instrument": "who-5", "administered_on": "01/01/2026"} | {f"who5_{i}": "2" for i in range(1, 6)}
    assert client.post(url, data).status_code == 409
    with pytest.raises(StateError):
        _measure(cast, fatima_case, "who-5", [2, 2, 2, 2, 2])
    assert Measurement.objects.count() == 1
