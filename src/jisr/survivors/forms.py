"""Forms of the survivors screens. They validate what people type and never write anything."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jisr.crypto.normalise import clean_text, normalise_digits

MIN_REASON = 5  # as person_erase: a few words, not a single letter


def _folded(code: str) -> str:
    """A typed code compared as the code: Eastern Arabic digits, case, spaces and hidden characters
    do not matter (an Arabic keyboard types ٢٠٢٦ for 2026)."""
    return "".join(normalise_digits(clean_text(code)).split()).upper()


class PersonEraseForm(forms.Form):
    """The reason for an erasure and its explicit confirmation: the person's pseudonymous code typed
    again (never her name: the screen shows none)."""

    reason = forms.CharField(
        label=_("Why is this person's identity being erased?"),
        max_length=500,
        help_text=_(
            "For example: the person asked for it, or the record was made by mistake. Do not write a name or "
            "anything that identifies the person: this reason is kept in the audit trail."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    confirm_code = forms.CharField(
        label=_("To confirm, type the person's code"),
        max_length=60,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = code
        self.fields["confirm_code"].help_text = gettext("The code is %(code)s. Arabic-Indic digits are accepted.") % {
            "code": code
        }

    def clean_reason(self) -> str:
        reason = clean_text(self.cleaned_data["reason"]).strip()
        if len(reason) < MIN_REASON:
            raise forms.ValidationError(_("Say why, in a few words."))
        return reason

    def clean_confirm_code(self) -> str:
        typed = self.cleaned_data["confirm_code"]
        if _folded(typed) != _folded(self.code):
            raise forms.ValidationError(_("This is not the person's code. Type the code shown above to confirm."))
        return typed
