"""The period of the statistics screens.

Coordinators type it: the first day and the last day included, day first (Eastern Arabic digits
accepted: `jisr.common.forms.DateField`). Internally a caseload's period is half-open, [start, end) with
end = the day after the last day (`selectors.CaseloadQuery`): the form converts, so that the numbers,
the drill-down links and the exports use exactly the same bounds.

Analysts choose one of the whole calendar quarters that are over (`QuarterForm`; why:
`jisr.statistics.core.periods`). A request of theirs that gives days (`start`, `to`, `end`) is refused,
not moved to the nearest quarter: a figure labelled with other dates than those asked for would mislead,
and a refusal says plainly what may be asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jisr.accounts.models import Organisation
from jisr.common.forms import DateField
from jisr.statistics import labels
from jisr.statistics.core.periods import Quarter

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


DAY_PARAMETERS = ("start", "to", "end")


class QuarterForm(forms.Form):
    """`period`: one of `quarters` (newest first) by its code, e.g. "2025-Q1"; empty for the default, the
    first of them. Days (`start`, `to`, `end`) are refused with a translated error."""

    period = forms.ChoiceField(
        label=_("Quarter"),
        required=False,
        help_text=_("Figures are given for whole calendar quarters that are over."),
    )

    def __init__(self, *args: Any, quarters: list[Quarter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.quarters = {q.code: q for q in quarters}
        field = self.fields["period"]
        field.choices = [(q.code, labels.quarter(q)) for q in quarters]  # type: ignore[attr-defined]
        field.widget.attrs["class"] = "form-select"
        if quarters:
            field.initial = quarters[0].code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if any(self.data.get(name) for name in DAY_PARAMETERS):
            raise forms.ValidationError(
                _("Analysts choose a whole quarter from the list, not days."), code="days"
            )
        return data

    def quarter(self) -> Quarter | None:
        """The quarter asked for (the default if none), or None when the request is refused."""
        if not self.is_bound:
            return self.default()
        if not self.is_valid():
            return None
        code = self.cleaned_data.get("period")
        return self.quarters[code] if code else self.default()

    def default(self) -> Quarter | None:
        return next(iter(self.quarters.values()), None)


class ReleaseContributorsForm(forms.Form):
    """The other organisations a shared release request names (`contributors`, their ids): organisations of
    the instance only. A value that is not one — tampered, empty, an organisation that does not exist — is
    a form error (the request is refused with 400 and nothing is stored), never a server error."""

    contributors = forms.MultipleChoiceField(
        required=False,
        error_messages={
            "invalid_choice": _("Choose the organisations from the list."),
            "invalid_list": _("Choose the organisations from the list."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = Organisation.objects.values_list("pk", flat=True)
        self.fields["contributors"].choices = [(str(pk), str(pk)) for pk in ids]  # type: ignore[attr-defined]

    def organisations(self) -> list[Organisation]:
        """The organisations named (valid form only)."""
        return list(Organisation.objects.filter(pk__in=self.cleaned_data["contributors"]).order_by("pk"))
