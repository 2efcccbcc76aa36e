"""The period of the statistics screens, as people type it: the first day and the last day included, day
first (Eastern Arabic digits accepted: `jisr.common.forms.DateField`). Internally a caseload's period is
half-open, [start, end) with end = the day after the last day (`selectors.CaseloadQuery`): the form
converts, so that the numbers, the drill-down links and the exports use exactly the same bounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jisr.common.forms import DateField

# Longest period a screen or export computes (a typo such as 2205 would otherwise read ten decades).
MAX_DAYS = 366 * 10


class PeriodForm(forms.Form):
    """`start` (first day) and `to` (last day included); either may be left empty for the default. A link
    of an older page may still give `end` (the day after the last), read as such."""

    start = DateField(label=_("From (first day)"), required=False, example="01/12/2025")
    to = DateField(label=_("To (last day included)"), required=False, example="31/12/2025")
    end = DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, default_start: dt.date, default_end: dt.date, **kwargs: Any) -> None:
        """`default_start`, `default_end`: the period used for what is left empty (end exclusive)."""
        kwargs.setdefault(
            "initial", {"start": default_start, "to": default_end - dt.timedelta(days=1)}
        )
        super().__init__(*args, **kwargs)
        self.default_start, self.default_end = default_start, default_end
        for name in ("start", "to"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start = data.get("start") or self.default_start
        if data.get("to"):
            end = data["to"] + dt.timedelta(days=1)
        else:
            end = data.get("end") or self.default_end
        if "start" in self.errors or "to" in self.errors:
            return data
        if end <= start:
            self.add_error("to", _("The last day is before the first day."))
        elif (end - start).days > MAX_DAYS:
            self.add_error("to", _("Choose a period of ten years at most."))
        data["bounds"] = (start, end)
        return data

    def bounds(self) -> tuple[dt.date, dt.date]:
        """(start, end) of the period, end exclusive: the form's, or the default's if it is not valid."""
        if self.is_bound and self.is_valid():
            start, end = self.cleaned_data["bounds"]
            return start, end
        return self.default_start, self.default_end
