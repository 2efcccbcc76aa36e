"""Forms of the referral screens. Choices that depend on the user (teams, organisations, partners)
are filled by the view from scoped queries."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from jisr.care.forms import CHOOSE_CHOICE, NONE_CHOICE
from jisr.referrals.models import Category, DeclineReason, Outcome, ReferralReason


class RecipientSelect(forms.Select):
    """A select whose options in `disabled_values` are shown but cannot be chosen (a recipient no consent
    of hers names). The service refuses such a recipient anyway: this only spares the case worker the
    refusal."""

    disabled_values: frozenset[str] = frozenset()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):  # type: ignore[no-untyped-def]
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class ReferralCreateForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Refer to"), widget=RecipientSelect)
    categories = forms.MultipleChoiceField(label=_("Data to share"), choices=Category.choices,
                                           # Bootstrap's class puts each box before its label on the
                                           # reading side (right in Arabic), not inline after the text.
                                           widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", CHOOSE_CHOICE), *ReferralReason.choices])
    message = forms.CharField(label=_("Note to the recipient (optional)"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, recipients: list[tuple[str, str]], without_consent: Iterable[str] = (),  # type: ignore[no-untyped-def]
                 **kwargs) -> None:
        """`recipients`: (key, label) of every possible recipient; `without_consent`: the keys of those no
        referral consent in force names — shown greyed out, not choosable. They stay valid choices, so
        that a form posted anyway reaches the service, which refuses it and says why."""
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", CHOOSE_CHOICE), *recipients]
        self.fields["recipient"].widget.disabled_values = frozenset(without_consent)


class TransitionForm(forms.Form):
    event = forms.ChoiceField(choices=[(e, e) for e in (
        "receive", "accept", "decline", "start_service", "complete", "withdraw", "reopen")])
    code = forms.CharField(required=False, max_length=24)
    note = forms.CharField(required=False, max_length=4000)


DECLINE_CHOICES = [("", CHOOSE_CHOICE), *DeclineReason.choices]
OUTCOME_CHOICES = [("", NONE_CHOICE), *Outcome.choices]


class PartnerAddForm(forms.Form):
    name = forms.CharField(label=_("Partner name"), max_length=200)
    inbox_url = forms.CharField(label=_("Inbox URL"), max_length=300)
    country = forms.CharField(label=_("Country (two letters)"), max_length=2, required=False)
    public_keys = forms.CharField(label=_("Public keys (the partner's JSON file)"), widget=forms.Textarea(
        attrs={"rows": 6, "dir": "ltr"}))


class PartnerConfirmForm(forms.Form):
    fingerprint = forms.CharField(label=_("Fingerprint read aloud by the partner"), max_length=60)


class EnvelopeImportForm(forms.Form):
    file = forms.FileField(label=_(".jisr file"))
