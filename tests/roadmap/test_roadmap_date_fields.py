"""The roadmap's dates are the shared `jisr.common.forms.DateField` (no parsing of its own): Eastern Arabic
digits in either shape, the shared messages that say what is wrong (no such day, a year out of range), the
numeric, left-to-right text input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from jisr.common.forms import DateField
from jisr.roadmap import forms as f

DATE_FIELDS = [
    (f.EventForm, ("starts_on", "ends_on")),
    (f.ActionForm, ("start_on", "due_on")),
    (f.MeasurementForm, ("measured_on",)),
    (f.TrainingForm, ("starts_on", "ends_on")),
]


@pytest.mark.parametrize("form_class,names", DATE_FIELDS, ids=lambda x: getattr(x, "__name__", ""))
def test_every_roadmap_date_is_the_shared_date_field(db, form_class, names):  # type: ignore[no-untyped-def]
    form = form_class()
    for name in names:
        field = form.fields[name]
        assert isinstance(field, DateField), name
        html = str(form[name])
        for attr in ('inputmode="numeric"', 'dir="ltr"', 'autocomplete="off"', 'maxlength="20"',
                     'class="form-control"', 'type="text"'):
            assert attr in html, (name, attr)


@pytest.mark.parametrize("text,expected", [
    ("٢٠٢٦-١١-٠٣", dt.date(2026, 11, 3)),   # ISO, Eastern Arabic digits
    ("٠٣/١١/٢٠٢٦", dt.date(2026, 11, 3)),   # day first, Eastern Arabic digits
    ("۰۳.۱۱.۲۰۲۶", dt.date(2026, 11, 3)),   # Persian digits, dots
    (" 3-11-2026 ", dt.date(2026, 11, 3)),
])
def test_measured_on_accepts_eastern_digits(db, text, expected):  # type: ignore[no-untyped-def]
    form = f.MeasurementForm({"measured_on": text, "value": "١٢٫٥"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["measured_on"] == expected


def test_the_shared_messages_say_what_is_wrong(db):  # type: ignore[no-untyped-def]
    form = f.MeasurementForm({"measured_on": "٣١/٠٢/٢٠٢٦", "value": "1"})
    assert not form.is_valid()
    assert form.errors.as_data()["measured_on"][0].code == "not_in_calendar"
    form = f.MeasurementForm({"measured_on": "03/11/1826", "value": "1"})
    assert form.errors.as_data()["measured_on"][0].code == "out_of_range"
    with translation.override("en"):
        form = f.MeasurementForm({"measured_on": "le 3 novembre", "value": "1"})
        assert form.errors["measured_on"] == ["Enter a date as day/month/year, e.g. 08/05/2025."]


def test_arabic_event_screen_with_eastern_digits(cast, areas, client_as):  # type: ignore[no-untyped-def]
    from jisr.roadmap.models import Event

    client = client_as(cast.ma_roadmap, "ar")
    url = reverse("roadmap:event_create")
    page = client.get(url).content.decode()
    assert "اليوم/الشهر/السنة، مثلاً 08/05/2025" in page  # the shared hint, in Arabic
    response = client.post(url, {"kind": "meeting", "title_ar": "لقاء طنجة", "starts_on": "٢٠٢٦-١١-٠٣",
                                 "ends_on": "٠٤/١١/٢٠٢٦", "place": "Tanger", "country": "MA"})
    assert response.status_code == 303, response.content.decode()[:2000]
    event = Event.objects.get(title_ar="لقاء طنجة")
    assert (event.starts_on, event.ends_on) == (dt.date(2026, 11, 3), dt.date(2026, 11, 4))
    response = client.post(url, {"kind": "meeting", "title_ar": "لقاء فاس", "starts_on": "٣١/٠٢/٢٠٢٦"})
    assert response.status_code == 200  # the form again, with the message (this screen answers 200)
    assert "هذا اليوم غير موجود في التقويم" in response.content.decode()
    assert not Event.objects.filter(title_ar="لقاء فاس").exists()
