"""The shared date field: the shapes people type, in any digits, and a clear, translated error for each
way a typed date can be wrong. The web, identification and care forms all use it."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import timezone, translation

from jisr.common.forms import DateField


class _Form(forms.Form):
    optional = DateField(label="Optional", required=False)
    required = DateField(label="Required")
    past = DateField(label="Past", required=False, example="25/03/1998", allow_future=False)


def _clean(value: str, name: str = "optional") -> dt.date | None:
    return _Form.base_fields[name].clean(value)


class _Error:
    def __init__(self, code: str | None, messages: list[str]) -> None:
        self.code, self.messages = code, messages


def _error(value: str, name: str = "optional", language: str = "en") -> _Error:
    """The refusal of `value`, its messages read in `language` (they are lazy)."""
    with translation.override(language):
        with pytest.raises(forms.ValidationError) as caught:
            _Form.base_fields[name].clean(value)
        return _Error(caught.value.code, caught.value.messages)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("25/03/1998", dt.date(1998, 3, 25)),
        ("05/03/1999", dt.date(1999, 3, 5)),  # day first: 5 March, not 3 May
        ("5/3/1999", dt.date(1999, 3, 5)),
        ("05-03-1999", dt.date(1999, 3, 5)),
        ("05.03.1999", dt.date(1999, 3, 5)),
        ("1999-03-05", dt.date(1999, 3, 5)),  # ISO
        ("  05/03/1999 ", dt.date(1999, 3, 5)),
        ("٠٥/٠٣/١٩٩٩", dt.date(1999, 3, 5)),  # Eastern Arabic digits
        ("۰۵/۰۳/۱۹۹۹", dt.date(1999, 3, 5)),  # Persian digits
        ("٠٥/03/١٩٩٩", dt.date(1999, 3, 5)),  # mixed, as a phone keyboard may give them
        ("01/01/1900", dt.date(1900, 1, 1)),  # the bounds themselves
        ("31/12/2100", dt.date(2100, 12, 31)),
        ("29/02/2024", dt.date(2024, 2, 29)),
    ],
)
def test_accepted_shapes(typed: str, expected: dt.date) -> None:
    assert _clean(typed) == expected


def test_empty_optional_is_none_and_empty_required_is_refused() -> None:
    assert _clean("") is None and _clean("   ") is None and _clean(None) is None  # type: ignore[arg-type]
    assert _error("", "required").code == "required"
    assert _error("  ", "required").code == "required"


@pytest.mark.parametrize("typed", ["31/12/1899", "1899-12-31", "01/01/2101", "٠١/٠١/٢١٠١", "01/01/0001"])
def test_out_of_bounds_years(typed: str) -> None:
    error = _error(typed)
    assert error.code == "out_of_range"
    assert error.messages == ["Enter a year between 1900 and 2100."]


@pytest.mark.parametrize("typed", ["31/02/2001", "٣١/٠٢/٢٠٠١", "29/02/2023", "00/01/2020", "12/13/2020", "2020-02-30"])
def test_no_such_day(typed: str) -> None:
    error = _error(typed)
    assert error.code == "not_in_calendar"
    assert error.messages == ["This day does not exist: check the day and the month."]


@pytest.mark.parametrize(
    "typed",
    ["hello", "25/03", "25/03/98", "03/25/1998 10:00", "1998/03/25", "25 03 1998", "٢٥/٠٣", "25\x0003/1998",
     "0" * 21, "25/03/1998" + " " * 5 + "x" * 10],
)
def test_garbage_says_the_shape_with_an_example(typed: str) -> None:
    error = _error(typed)
    assert error.code == "invalid"
    assert error.messages == ["Enter a date as day/month/year, e.g. 25/03/2026."]
    assert _error(typed, "past").messages == ["Enter a date as day/month/year, e.g. 25/03/1998."]


def test_future_refused_only_where_asked() -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert _clean(tomorrow) == timezone.localdate() + dt.timedelta(days=1)
    assert _clean(today, "past") == timezone.localdate()
    error = _error(tomorrow, "past")
    assert error.code == "future" and error.messages == ["The date cannot be in the future."]
    overridden = DateField(allow_future=False, error_messages={"future": "Not born yet?"})
    with pytest.raises(forms.ValidationError) as caught:
        overridden.clean(tomorrow)
    assert caught.value.messages == ["Not born yet?"]


@pytest.mark.parametrize(
    ("language", "hint", "invalid", "out_of_range"),
    [
        ("ar", "اليوم/الشهر/السنة، مثلاً 25/03/1998", "أدخل التاريخ بصيغة اليوم/الشهر/السنة، مثلاً 25/03/1998.",
         "أدخل سنة بين 1900 و2100."),
        ("fr", "Jour/mois/année, par ex. 25/03/1998",
         "Saisissez une date au format jour/mois/année, par ex. 25/03/1998.",
         "Saisissez une année entre 1900 et 2100."),
        ("es", "Día/mes/año, p. ej. 25/03/1998", "Escriba una fecha como día/mes/año, p. ej. 25/03/1998.",
         "Escriba un año entre 1900 y 2100."),
    ],
)
def test_help_and_errors_in_the_readers_language(language: str, hint: str, invalid: str, out_of_range: str) -> None:
    field = _Form.base_fields["past"]
    with translation.override(language):
        assert str(field.help_text) == hint  # lazy: follows the language of each request
    assert _error("hello", "past", language).messages == [invalid]
    assert _error("01/01/1800", "past", language).messages == [out_of_range]
    assert "1900" in _error("01/01/1800", "past", language).messages[0]
    assert _error("31/02/2001", "past", language).messages[0] != "This day does not exist: check the day and the month."


def test_widget_is_a_numeric_text_input_without_placeholder() -> None:
    html = str(_Form()["required"])
    assert 'type="text"' in html and 'inputmode="numeric"' in html and 'dir="ltr"' in html
    assert 'maxlength="20"' in html and 'autocomplete="off"' in html
    assert "placeholder" not in html and 'type="date"' not in html and 'type="number"' not in html


def test_initial_date_shows_day_first_and_bound_text_is_kept() -> None:
    assert 'value="05/03/1999"' in str(_Form(initial={"optional": dt.date(1999, 3, 5)})["optional"])
    bound = _Form(data={"optional": "٠٥/٠٣/١٩٩٩", "required": "oops"})
    assert not bound.is_valid()
    assert bound.cleaned_data["optional"] == dt.date(1999, 3, 5)
    assert 'value="oops"' in str(bound["required"])  # what was typed stays in the box to correct
    assert not _Form.base_fields["optional"].has_changed("05/03/1999", "1999-03-05")
    assert _Form.base_fields["optional"].has_changed("05/03/1999", "06/03/1999")


def test_the_three_date_forms_share_the_field() -> None:
    from jisr.care.forms import ConsentForm, FollowUpForm, RiskForm
    from jisr.identification.forms import ScreeningForm
    from jisr.web.forms import PersonRegisterForm

    fields = [PersonRegisterForm.base_fields["date_of_birth"], ScreeningForm.base_fields["date_of_birth"],
              ScreeningForm.base_fields["act_date"], ConsentForm.base_fields["given_on"],
              RiskForm.base_fields["review_on"], FollowUpForm.base_fields["due_on"]]
    assert all(type(f) is DateField for f in fields)
    # Births and screened events cannot be in the future; care dates (due, review, target) can.
    assert [f.allow_future for f in fields] == [False, False, False, True, True, True]
    with translation.override("fr"):
        born = PersonRegisterForm(data={"date_of_birth": "01/01/2100", "given_name_latin": "Salma"})
        assert born.errors["date_of_birth"] == ["La date de naissance ne peut pas être dans le futur."]
        care = ConsentForm(data={"given_on": "31/02/2026"})
        assert care.errors["given_on"] == ["Ce jour n'existe pas : vérifiez le jour et le mois."]
