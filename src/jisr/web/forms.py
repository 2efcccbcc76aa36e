"""Forms of the screens. They validate what people type (Eastern Arabic digits accepted wherever a
number is typed) and turn it into the shapes the services take; they never write anything."""

from __future__ import annotations

import re
from typing import Any

from babel import Locale, UnknownLocaleError
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from jisr.cases.models import ClosureReason, ExploitationType, RiskLevel, TrmStage
from jisr.common.forms import DateField
from jisr.crypto.normalise import clean_text, normalise_digits, normalise_name, normalise_phone
from jisr.survivors.identity import Identity, IdentityDocument
from jisr.survivors.models import AgePrecision, Sex
from jisr.survivors.services import REVEALABLE_FIELDS

# Languages offered for "languages spoken": ISO 639-1 codes common among the people our partner
# organisations assist (Maghreb, West and Central Africa, Europe, South and East Asia). One
# exception: Standard Moroccan Tamazight has no ISO 639-1 code, so its ISO 639-3 code `zgh` is used;
# leaving Amazigh speakers out would be worse than a three-letter code.
COMMON_LANGUAGES = (
    "ar",
    "zgh",
    "fr",
    "es",
    "en",
    "pt",
    "it",
    "de",
    "ro",
    "bg",
    "uk",
    "ru",
    "wo",
    "ff",
    "bm",
    "ha",
    "yo",
    "ig",
    "ln",
    "sw",
    "am",
    "ti",
    "so",
    "fa",
    "ur",
    "hi",
    "bn",
    "tl",
    "zh",
    "vi",
)

DOCUMENT_KINDS = (
    ("passport", _("Passport")),
    ("national_id", _("National identity card")),
    ("residence_permit", _("Residence permit")),
    ("other", _("Other document")),
)
DOCUMENT_KIND_LABELS = dict(DOCUMENT_KINDS)

REVEAL_FIELD_LABELS = {
    "name": _("Name"),
    "date_of_birth": _("Date of birth"),
    "phone": _("Phone"),
    "documents": _("Identity documents"),
}
assert set(REVEAL_FIELD_LABELS) == set(REVEALABLE_FIELDS)


def language_name(code: str, locale: str | None = None) -> str:
    """The name of language `code` in the active language (CLDR data via babel), or the code itself."""
    try:
        loc = Locale.parse((locale or get_language() or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        loc = Locale("en")
    return loc.languages.get(code) or Locale("en").languages.get(code) or code


# Offered first, in this order: the working languages of the partnership (Morocco and Spain).
FIRST_LANGUAGES = ("ar", "zgh", "fr", "es", "en")


def language_choices() -> list[tuple[str, str]]:
    """Common languages, names in the active language: the partnership's own first, then the rest
    alphabetically."""
    first = [(c, language_name(c)) for c in FIRST_LANGUAGES]
    rest = sorted(
        ((c, language_name(c)) for c in COMMON_LANGUAGES if c not in FIRST_LANGUAGES), key=lambda c: c[1].casefold()
    )
    return first + rest


def _numeric_attrs() -> dict[str, Any]:
    # A text input, not type=number/date: those refuse Eastern Arabic digits (٠-٩, ۰-۹). No
    # placeholder: an example date in the box looks like a value already typed; the hint says it.
    return {"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}


def locale_sort_key(text: str) -> str:
    """A sort key that ignores case, accents and Arabic hamza/alef variants (so أ, إ, ا sort together)."""
    return normalise_name(text)


class PersonRegisterForm(forms.Form):
    """Minimum data to register a person (DESIGN.md §3.1)."""

    given_name = forms.CharField(label=_("Given name (Arabic script)"), max_length=120, required=False)
    family_name = forms.CharField(label=_("Family name (Arabic script)"), max_length=120, required=False)
    given_name_latin = forms.CharField(label=_("Given name (Latin script)"), max_length=120, required=False)
    family_name_latin = forms.CharField(label=_("Family name (Latin script)"), max_length=120, required=False)
    aliases = forms.CharField(
        label=_("Other names or nicknames"),
        required=False,
        max_length=500,
        help_text=_("Separate several names with commas."),
    )
    date_of_birth = DateField(
        label=_("Date of birth"),
        required=False,
        example="25/03/1998",
        allow_future=False,
        error_messages={"future": _("The date of birth cannot be in the future.")},
    )
    estimated_age = forms.CharField(
        label=_("Estimated age (years)"),
        required=False,
        max_length=3,
        help_text=_("Only if the date of birth is not known."),
        widget=forms.TextInput(attrs=_numeric_attrs()),
    )
    age_precision = forms.ChoiceField(
        label=_("How precise is the estimate?"),
        required=False,
        choices=[
            (AgePrecision.YEAR.value, AgePrecision.YEAR.label),
            (AgePrecision.APPROXIMATE.value, AgePrecision.APPROXIMATE.label),
        ],
        initial=AgePrecision.APPROXIMATE.value,
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN.value)
    nationality = forms.ChoiceField(label=_("Nationality"), choices=lambda: [("", "—"), *countries], required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        choices=language_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "dir": "ltr"}),
    )
    document_kind = forms.ChoiceField(
        label=_("Identity document"), required=False, choices=[("", "—"), *DOCUMENT_KINDS]
    )
    document_number = forms.CharField(
        label=_("Document number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
    )
    confirm_different = forms.BooleanField(
        label=_("I have checked the suggestions: this is a different person."),
        required=False,
    )

    # Fields whose typing triggers the live duplicate check.
    DUPLICATE_FIELDS = (
        "given_name",
        "family_name",
        "given_name_latin",
        "family_name_latin",
        "phone",
        "document_number",
        "estimated_age",
        "date_of_birth",
    )

    def __init__(self, *args: Any, country: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country = country  # the organisation's country: region of phone numbers without a prefix
        # Countries sorted by their name in the reading language (Arabic names in Arabic order), the
        # organisation's own country first and preselected: most people it assists are from there.
        names = sorted(((code, str(name)) for code, name in countries), key=lambda c: locale_sort_key(c[1]))
        own = [c for c in names if c[0] == country]
        self.fields["nationality"].choices = [("", "—"), *own, *(c for c in names if c[0] != country)]
        if country and not self.is_bound:
            self.initial.setdefault("nationality", country)
        for name in self.DUPLICATE_FIELDS:
            css = self.fields[name].widget.attrs.get("class", "")
            self.fields[name].widget.attrs["class"] = f"{css} js-dup".strip()
        for name in ("given_name", "family_name"):
            self.fields[name].widget.attrs.update({"dir": "rtl", "lang": "ar", "autocomplete": "off"})
        for name in ("given_name_latin", "family_name_latin", "aliases"):
            self.fields[name].widget.attrs.update({"autocomplete": "off"})
        for name in ("given_name_latin", "family_name_latin"):
            self.fields[name].widget.attrs["dir"] = "ltr"

    def clean_estimated_age(self) -> int | None:
        text = normalise_digits(self.cleaned_data["estimated_age"].strip())
        if not text:
            return None
        if not text.isdigit() or not 0 <= int(text) <= 120:
            raise forms.ValidationError(_("Enter an age in years, between 0 and 120."))
        return int(text)

    def clean_phone(self) -> str:
        text = self.cleaned_data["phone"].strip()
        if not text:
            return ""
        try:
            return normalise_phone(text, self.country)
        except ValueError as exc:
            # A number typed without its country prefix is read as one of the organisation's country:
            # say so, and how to type another country's number (a Moroccan number typed in Spain).
            if self.country:
                raise forms.ValidationError(
                    _(
                        "This does not look like a phone number. Without a prefix, it is read as a local number "
                        "(%(country)s); for another country, start with its prefix, for example +34 or +212."
                    ),
                    params={"country": countries.name(self.country) or self.country},
                ) from exc
            raise forms.ValidationError(
                _("This does not look like a phone number. Start with the country prefix, for example +34 or +212.")
            ) from exc

    def clean_document_number(self) -> str:
        return normalise_digits(self.cleaned_data["document_number"]).strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        names = [
            data.get(f, "").strip() for f in ("given_name", "family_name", "given_name_latin", "family_name_latin")
        ]
        if not any(names):
            raise forms.ValidationError(_("Enter at least a given name or a family name, in either script."))
        if data.get("date_of_birth") and data.get("estimated_age") is not None:
            self.add_error("estimated_age", _("Give a date of birth or an estimated age, not both."))
        if data.get("document_number") and not data.get("document_kind"):
            self.add_error("document_kind", _("Choose the kind of document."))
        return data

    def identity(self) -> Identity:
        """The Identity typed in (call after is_valid())."""
        d = self.cleaned_data
        aliases = tuple(a.strip() for a in d.get("aliases", "").replace("،", ",").split(",") if a.strip())
        docs: tuple[IdentityDocument, ...] = ()
        if d.get("document_number"):
            docs = (IdentityDocument(d["document_kind"], d["document_number"], ""),)
        return Identity(
            given_name=d["given_name"].strip(),
            family_name=d["family_name"].strip(),
            given_name_latin=d["given_name_latin"].strip(),
            family_name_latin=d["family_name_latin"].strip(),
            aliases=aliases,
            date_of_birth=d.get("date_of_birth"),
            phone=d.get("phone", ""),
            documents=docs,
        )

    def partial_identity(self) -> tuple[Identity, int | None]:
        """For the live duplicate check: whatever parses of what has been typed so far (no errors)."""
        self.is_valid()
        d = {**self.cleaned_data}
        raw = self.data

        def text(name: str) -> str:
            return str(d.get(name) if name in d else "").strip()

        phone = d.get("phone", "") if "phone" in d else ""
        doc = normalise_digits(str(raw.get("document_number", ""))).strip()
        docs = (IdentityDocument(str(raw.get("document_kind", "")) or "other", doc, ""),) if len(doc) >= 4 else ()
        identity = Identity(
            given_name=text("given_name"),
            family_name=text("family_name"),
            given_name_latin=text("given_name_latin"),
            family_name_latin=text("family_name_latin"),
            date_of_birth=d.get("date_of_birth") if "date_of_birth" in d else None,
            phone=phone,
            documents=docs,
        )
        age = d.get("estimated_age") if "estimated_age" in d else None
        return identity, age


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("Field to reveal"), choices=list(REVEAL_FIELD_LABELS.items()))
    reason = forms.CharField(
        label=_("Why do you need to see it?"),
        min_length=5,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required. Your reason is recorded in the audit log; do not write personal data here."),
    )


class VersionedForm(forms.Form):
    """A form that changes a case carries the case version it was shown (optimistic locking)."""

    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class StageForm(VersionedForm):
    trm_stage = forms.ChoiceField(label=_("TRM stage"), choices=TrmStage.choices)


class RiskForm(VersionedForm):
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)


class ExploitationForm(VersionedForm):
    """The forms of exploitation of the case (HTCDS `vic_TypeOfExploitation`); none ticked clears them."""

    types = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=ExploitationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AssignForm(VersionedForm):
    assignee = forms.ChoiceField(label=_("Assign to"))

    def __init__(self, *args: Any, assignees: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = assignees


class NoteForm(forms.Form):
    body = forms.CharField(label=_("New note"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(VersionedForm):
    # No reason pre-selected: closing must be a deliberate choice.
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=[("", "—"), *ClosureReason.choices])


class ReopenForm(VersionedForm):
    note = forms.CharField(label=_("Why reopen the case?"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 2}))


# A pseudonymous code or a piece of one ("MA-DEMO-2026-0001", "2026-0001", "0001"): Latin letters and
# digits in hyphen-separated groups, with at least one digit. Names carry no digit, so a name (in any
# script, with spaces, apostrophes or a hyphen) never takes the code path.
CODE_SHAPE = re.compile(r"(?=[A-Za-z0-9-]*[0-9])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*-?")
CODE_MAX_LENGTH = 40


def code_query(text: str) -> str | None:
    """`text` (Eastern Arabic digits accepted) as an upper-case code fragment if it has the shape of a
    code, else None: the caller then searches by name, in a POST body only."""
    text = normalise_digits(clean_text(text))
    if len(text) > CODE_MAX_LENGTH or not CODE_SHAPE.fullmatch(text):
        return None
    return text.upper()

