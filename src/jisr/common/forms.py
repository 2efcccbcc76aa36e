"""Form fields shared by the screens of every app. The parsing itself is pure (`jisr.common.dates`); this
module only turns it into a Django form field with translated messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jisr.common.dates import (
    EARLIEST,
    LATEST,
    DateNotInCalendarError,
    DateOutOfRangeError,
    parse_date,
)

# Longest text worth parsing: "DD/MM/YYYY" is 10 characters; the margin is for stray spaces.
DATE_MAX_LENGTH = 20


def _date_hint(example: str) -> str:
    return gettext("Day/month/year, e.g. %(example)s") % {"example": example}


date_hint = lazy(_date_hint, str)


class DateField(forms.Field):
    """A date typed in a text input, as people write it in Morocco and Spain. Cleans to a
    `datetime.date`, or None when left empty on a field that is not required.

    Accepted (spaces around are ignored; digits Western 0-9, Eastern Arabic ٠-٩ or Persian ۰-۹):

    - day first: ``DD/MM/YYYY``, ``DD-MM-YYYY`` or ``DD.MM.YYYY``; day and month may have one digit
      (``5/3/1999``);
    - ISO: ``YYYY-MM-DD``;
    - years 1900 to 2100 only (`jisr.common.dates.parse_date`: anything else is a typo).

    Errors (code: what the person reads, translated):

    - ``required``: Django's "This field is required.";
    - ``invalid``: not one of the shapes above, or longer than 20 characters — "Enter a date as
      day/month/year, e.g. 25/03/2026." (the field's `example`);
    - ``not_in_calendar``: the right shape but no such day (31/02/2001);
    - ``out_of_range``: a year before 1900 or after 2100;
    - ``future``: only with ``allow_future=False``, a date after today (local date of the active time zone).

    Widget: a text input, never ``type=date`` or ``type=number`` (they refuse Eastern Arabic digits), with
    ``inputmode="numeric"`` (a number pad on phones), ``dir="ltr"`` (day, month and year keep their
    order on Arabic pages), autocomplete off and ``maxlength``. No placeholder, on purpose: an example
    date in the box looks like a value already typed; the help text (in the reader's language) gives
    the example instead. Pass ``help_text`` to say more, ``error_messages`` to make a message more
    specific (e.g. ``{"future": …}`` for a date of birth).
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter a date as day/month/year, e.g. %(example)s."),
        "not_in_calendar": _("This day does not exist: check the day and the month."),
        "out_of_range": _("Enter a year between %(earliest)s and %(latest)s."),
        "future": _("The date cannot be in the future."),
    }

    def __init__(self, *, example: str = "25/03/2026", allow_future: bool = True, **kwargs: Any) -> None:
        """`example`: a day-first date shown in the help text and in the `invalid` message, chosen to look
        like the dates of this field (a birth date, a due date). `allow_future`: False refuses dates after
        today (births, events that already happened)."""
        self.example = example
        self.allow_future = allow_future
        kwargs.setdefault("help_text", date_hint(example))
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs.update({"inputmode": "numeric", "autocomplete": "off", "dir": "ltr",
                          "maxlength": str(DATE_MAX_LENGTH)})
        return attrs

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        try:
            if len(text) > DATE_MAX_LENGTH:
                raise ValueError("too long")
            return parse_date(text)
        except DateNotInCalendarError as exc:
            raise forms.ValidationError(self.error_messages["not_in_calendar"], code="not_in_calendar") from exc
        except DateOutOfRangeError as exc:
            raise forms.ValidationError(
                self.error_messages["out_of_range"], code="out_of_range",
                params={"earliest": EARLIEST.year, "latest": LATEST.year},
            ) from exc
        except ValueError as exc:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"example": self.example}
            ) from exc

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not self.allow_future and value > timezone.localdate():
            raise forms.ValidationError(self.error_messages["future"], code="future")

    def prepare_value(self, value: Any) -> Any:
        # An initial date shows day first, as people type it (not ISO).
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            initial = self.to_python(initial)
        except forms.ValidationError:
            pass
        return super().has_changed(initial, data)
