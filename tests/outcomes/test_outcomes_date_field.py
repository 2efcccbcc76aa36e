"""The measurement form's date is the shared `jisr.common.forms.DateField` (no parsing of its own):
Eastern Arabic digits in either shape, today by default (day first), and a date in the future refused by
the form with its own message (before, the service's refusal read "not possible in the current state")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jisr.common.forms import DateField
from jisr.outcomes.forms import MeasurementForm
from jisr.outcomes.models import Measurement

WHO5 = {f"who5_{i}": "٣" for i in range(1, 6)}


def _client(user, language):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_date_is_the_shared_date_field():
    form = MeasurementForm()
    assert isinstance(form.fields["administered_on"], DateField)
    html = str(form["administered_on"])
    assert f'value="{timezone.localdate():%d/%m/%Y}"' in html
    for attr in ('inputmode="numeric"', 'dir="ltr"', 'autocomplete="off"', 'maxlength="20"'):
        assert attr in html


@pytest.mark.parametrize("text", ["٢٠٢٦-١١-٠٣", "٠٣/١١/٢٠٢٦", "۰۳-۱۱-۲۰۲۶"])
def test_eastern_digits(text):  # type: ignore[no-untyped-def]
    form = MeasurementForm({"instrument": "who-5", "administered_on": text, **WHO5})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["administered_on"] == dt.date(2026, 11, 3)


def test_a_day_that_does_not_exist_is_named():
    form = MeasurementForm({"instrument": "who-5", "administered_on": "٣١/٠٤/٢٠٢٦", **WHO5})
    assert form.errors.as_data()["administered_on"][0].code == "not_in_calendar"


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_screen_records_with_eastern_digits_and_refuses_a_future_date(cast, fatima_case, language):  # type: ignore[no-untyped-def]
    client = _client(cast.ma_case_worker, language)
    url = reverse("outcomes:case_outcomes", kwargs={"case_id": fatima_case.pk})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, {"instrument": "who-5", "administered_on": f"{tomorrow:%d/%m/%Y}", **WHO5})
    assert response.status_code == 400 and not Measurement.objects.exists()
    assert response.context["form"].errors.as_data()["administered_on"][0].code == "future"
    response = client.post(url, {"instrument": "who-5", "administered_on": "٢٠٢٦-١١-٠٣", **WHO5})
    assert response.status_code == 303
    assert Measurement.objects.get().administered_on == dt.date(2026, 11, 3)
