"""Forms of the care page. Dates and numbers are typed in text inputs (Eastern Arabic digits
accepted, parsed by `jisr.common.forms.DateField` / `normalise_digits`); forms never write anything."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.care import services as svc
from jisr.care.models import (
    ConsentGiver,
    ConsentLanguage,
    ConsentMethod,
    ConsentPurpose,
    Domain,
    FollowUpCancelReason,
    FollowUpKind,
    GoalStatus,
    Jurisdiction,
    NeedLevel,
    ProceedingKind,
    RiskReason,
    ServiceStatus,
    ServiceType,
    Training,
)
from jisr.cases.models import ClosureReason, RiskLevel
from jisr.common.forms import DateField
from jisr.crypto.normalise import normalise_digits

#: The empty choice of a select, in words (Django's default is "---------"): an optional field offers
#: "none", a required one asks to choose. The referral forms use the same two.
NONE_CHOICE = _("— none —")
CHOOSE_CHOICE = _("— choose —")

#: care.services.CHILD_CONSENT_BY_GUARDIAN, in words (the form's error and the view's message).
CHILD_CONSENT_MESSAGE = _(
    "She was a child (under 18) on the day of the consent: it is given by a parent or legal guardian, "
    "not by her alone."
)


class TypedIntField(forms.Field):
    """A whole number typed in any digits (Eastern Arabic accepted)."""

    widget = forms.TextInput

    def __init__(self, *args: Any, min_value: int = 0, max_value: int = 10_000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.min_value, self.max_value = min_value, max_value
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"})

    def to_python(self, value: Any) -> int | None:
        text = normalise_digits(str(value or "")).strip()
        if not text:
            return None
        if len(text) > 6 or not text.isascii() or not text.isdigit():
            raise forms.ValidationError(_("Enter a whole number."))
        number = int(text)
        if not self.min_value <= number <= self.max_value:
            raise forms.ValidationError(
                _("Enter a number between %(min)s and %(max)s.") % {"min": self.min_value, "max": self.max_value}
            )
        return number


def _today_text() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def _text(label: Any, rows: int = 3, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20_000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "dir": "auto"}),
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    recipient = forms.CharField(
        label=_("Recipient (organisation or service)"),
        required=False,
        max_length=200,
        help_text=_("Required for a referral or for sharing."),
    )
    recipient_country = forms.CharField(
        label=_("Recipient's country (two letters, e.g. ES)"),
        required=False,
        max_length=2,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices)
    method = forms.ChoiceField(label=_("How"), choices=ConsentMethod.choices)
    witness_name = forms.CharField(
        label=_("Witness (for oral consent)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}),
    )
    language = forms.ChoiceField(label=_("Language of the consent"), choices=ConsentLanguage.choices)
    given_on = DateField(label=_("Given on"))
    valid_until = DateField(label=_("Valid until"), required=False)

    # The datalist's id; the care page renders <datalist id=RECIPIENTS_LIST> with `recipients`.
    RECIPIENTS_LIST = "consent_recipient_choices"

    def __init__(
        self, *args: Any, recipients: Any = (), age_on: Callable[[dt.date], int | None] | None = None, **kwargs: Any
    ) -> None:
        """`recipients`: the names a referral looks a consent up by (teams, organisations on this
        instance, confirmed partners — referrals.selectors.consent_recipient_names). They are offered
        in a datalist, and a typed name that differs from one only by case or spacing is saved with
        the known spelling, so that the referral finds its consent.

        `age_on`: the person's age on a day (care.services.age_reader). For a child today the form
        offers a parent or legal guardian as the giver; a consent given by a child alone is refused
        (care.services.consent_giver_error, which consent_record applies too)."""
        super().__init__(*args, **kwargs)
        self.age_on = age_on
        self.child = age_on is not None and svc.is_child(age_on(timezone.localdate()))
        if self.child:
            self.fields["given_by"].initial = ConsentGiver.GUARDIAN
        self.recipients = list(recipients)
        if self.recipients:
            self.fields["recipient"].widget.attrs["list"] = self.RECIPIENTS_LIST
            self.fields["recipient"].help_text = _(
                "Required for a referral or for sharing. Choose the name from the list: a referral to a "
                "team, organisation or partner needs a consent that names it exactly."
            )

    def clean_recipient(self) -> str:
        text = " ".join(str(self.cleaned_data.get("recipient") or "").split())
        for name in self.recipients:
            if " ".join(name.split()).casefold() == text.casefold():
                return str(name)
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given_on, given_by = data.get("given_on"), data.get("given_by")
        if self.age_on is not None and given_on and given_by:
            if svc.consent_giver_error(age=self.age_on(given_on), given_by=given_by):
                self.add_error("given_by", CHILD_CONSENT_MESSAGE)
        return data


class WithdrawForm(forms.Form):
    withdrawn_on = DateField(label=_("Withdrawn on"), required=False, help_text=_("Leave empty for today."))


class RiskForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Risk level"), choices=[c for c in RiskLevel.choices if c[0] != RiskLevel.UNKNOWN]
    )
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"), choices=RiskReason.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    assessed_on = DateField(label=_("Assessed on"))
    review_on = DateField(label=_("Review on"), required=False)
    safety_plan = _text(_("Safety plan"), rows=5, help_text=_("Stored encrypted; only the care team can read it."))


class ReflectionForm(forms.Form):
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), choices=Jurisdiction.choices)
    starts_on = DateField(label=_("Starts on"))
    length_days = TypedIntField(
        label=_("Length in days"),
        required=False,
        min_value=1,
        max_value=730,
        help_text=_(
            "Leave empty for the configured length (Spain: 90 days). "
            "Morocco: the legal length is to be confirmed; type the agreed length."
        ),
    )
    informed_on = DateField(label=_("Person informed of her rights on"), required=False)


class ProceedingForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=ProceedingKind.choices)
    on = DateField(label=_("Date"))
    notes = _text(_("Notes"))


class NeedForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    level = forms.ChoiceField(label=_("Need"), choices=NeedLevel.choices)
    assessed_on = DateField(label=_("Assessed on"))
    notes = _text(_("Notes"), rows=2)


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    description = _text(_("Goal"), rows=2, required=True)
    target_on = DateField(label=_("Target date"), required=False)
    training = forms.ModelChoiceField(
        label=_("Linked training (empowerment goal)"),
        required=False,
        queryset=Training.objects.none(),
        empty_label=NONE_CHOICE,
    )

    def __init__(self, *args: Any, trainings: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if trainings is not None:
            self.fields["training"].queryset = trainings  # type: ignore[attr-defined]


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    # The status the page showed (optimistic locking): required, so a change made since is a conflict,
    # never a silent overwrite.
    current = forms.ChoiceField(choices=GoalStatus.choices, widget=forms.HiddenInput)


class ServiceForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    in_house = forms.BooleanField(label=_("Provided by our organisation"), required=False, initial=True)
    provider = forms.CharField(label=_("Provider (if another organisation)"), required=False, max_length=200)
    starts_on = DateField(label=_("Starts on"))
    ends_on = DateField(label=_("Ends on"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    notes = _text(_("Notes"), rows=2)


class ServiceStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    current = forms.ChoiceField(choices=ServiceStatus.choices, widget=forms.HiddenInput)  # as GoalStatusForm


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FollowUpKind.choices)
    due_on = DateField(label=_("Due on"))
    notes = _text(_("Notes"), rows=2)


class FollowUpDoneForm(forms.Form):
    done_on = DateField(label=_("Done on"))
    notes = _text(_("What happened"), rows=2)
    next_due_on = DateField(label=_("Next follow-up on"), required=False)


class FollowUpCancelForm(forms.Form):
    # No reason preselected: cancelling is a choice made on purpose.
    reason = forms.ChoiceField(
        label=_("Reason for cancelling"), choices=[("", CHOOSE_CHOICE), *FollowUpCancelReason.choices]
    )


class ApprovalRequestForm(forms.Form):
    comment = _text(_("Comment for the supervisor"), rows=2)


class ClosureRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    comment = _text(_("Comment for the supervisor"), rows=2)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Send back"))])
    comment = _text(_("Comment"), rows=2)


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Training.Kind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    organiser = forms.CharField(label=_("Organiser"), max_length=200)
    starts_on = DateField(label=_("Starts on"))
    ends_on = DateField(label=_("Ends on"), required=False)


class AttendanceForm(forms.Form):
    training = forms.ModelChoiceField(
        label=_("Training or workshop"), queryset=Training.objects.none(), empty_label=CHOOSE_CHOICE
    )
    attended = forms.BooleanField(label=_("Attended"), required=False, initial=True)
    completed = forms.BooleanField(label=_("Completed"), required=False)

    def __init__(self, *args: Any, trainings: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if trainings is not None:
            self.fields["training"].queryset = trainings  # type: ignore[attr-defined]
