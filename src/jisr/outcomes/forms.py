"""Measurement form: one text input per item of the chosen instrument (ASCII, Eastern Arabic or
Persian digits; empty or "-" = missing answer, never scored as zero)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.common.forms import DateField
from jisr.outcomes.instruments import INSTRUMENTS, ParseError, parse_int
from jisr.outcomes.models import INSTRUMENT_CHOICES


class MeasurementForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument"), choices=INSTRUMENT_CHOICES)
    # Not in the future: a measurement records an administration that took place (the service refuses it too).
    administered_on = DateField(label=_("Administered on"), allow_future=False)

    def __init__(self, *args: Any, instrument: str = "who-5", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = INSTRUMENTS[instrument].spec
        self.fields["instrument"].initial = instrument
        self.fields["instrument"].widget = forms.HiddenInput()
        self.fields["administered_on"].initial = timezone.localdate()  # shown day first by DateField
        for n, code in enumerate(self.spec.item_codes, start=1):
            self.fields[code] = forms.CharField(
                label=_("Item %(n)s") % {"n": n}, required=False, max_length=12,
                help_text=_("%(min)s to %(max)s; leave empty if not answered")
                % {"min": self.spec.item_min, "max": self.spec.item_max},
                widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off",
                                              "class": "item-input"}),
            )

    def item_fields(self) -> list[Any]:
        return [self[c] for c in self.spec.item_codes]

    def answers(self) -> list[int | None]:
        values: list[int | None] = []
        for code in self.spec.item_codes:
            text = (self.cleaned_data.get(code) or "").strip()
            values.append(None if text in ("", "-") else self._int(code, text))
        return values

    def _int(self, code: str, text: str) -> int | None:
        try:
            value = parse_int(text)
        except ParseError:
            self.add_error(code, _("Enter a whole number."))
            return None
        if not self.spec.item_min <= value <= self.spec.item_max:
            self.add_error(code, _("Enter a number between %(min)s and %(max)s.")
                           % {"min": self.spec.item_min, "max": self.spec.item_max})
        return value
