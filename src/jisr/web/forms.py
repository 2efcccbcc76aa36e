"""Forms of the screens. They validate what people type (Eastern Arabic digits accepted wherever a
number is typed) and turn it into the shapes the services take; they never write anything."""

from __future__ import annotations

import re
from typing import Any

from babel import Locale, UnknownLocaleError
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from jisr.cases.models import ClosureReason, ExploitationType, RiskLevel, TrmStage
from jisr.common.forms import DateField
from jisr.crypto.normalise import clean_text, normalise_digits, normalise_document, normalise_name, normalise_phone
from jisr.survivors.identity import Identity, IdentityDocument
from jisr.survivors.models import ENCRYPTED_FIELDS, AgePrecision, Person, Sex
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


NOT_RECORDED = _("Not recorded / unknown")


class PersonRegisterForm(forms.Form):
    """Minimum data to register a person (DESIGN.md §3.1)."""

    #: Whether a form with no name at all is refused here (PersonEditForm for a masked role: an empty
    #: name keeps the recorded one).
    names_required = True

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
        # organisation's own country first: most people it assists are from there. Never preselected: a
        # nationality nobody chose would be recorded as a fact and counted in the statistics; left alone,
        # it stays "" (unknown: HTCDS prs_Citizenship empty, "Unknown" in the tables).
        names = sorted(((code, str(name)) for code, name in countries), key=lambda c: locale_sort_key(c[1]))
        own = [c for c in names if c[0] == country]
        self.fields["nationality"].choices = [("", NOT_RECORDED), *own, *(c for c in names if c[0] != country)]
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
        if self.names_required and not any(names):
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


class PersonEditForm(PersonRegisterForm):
    """The registration form, filled in from her record, to correct or complete it
    (survivors.services.person_update): the same fields and the same validation, without the duplicate
    confirmation, with the record's `version` hidden in it (optimistic locking).

    `stored`: her decrypted identity; `person`: her record. With `masked=True` (a role that sees her
    identity masked: supervisor) the identity fields start empty, each saying only whether something is
    recorded; an identity field left empty keeps what is recorded and a typed value replaces it, so the
    form never shows what the role may not see in clear. Sex, nationality, languages and an estimated
    age are in clear for every role that sees her, and always filled in.

    The form edits her first identity document; any others (from an import or a referral) are kept as
    they are. A document's issuing country is kept when its kind or its number stays the same."""

    confirm_different = None  # no duplicate check when correcting an existing record
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    DUPLICATE_FIELDS = ()

    # The fields of her encrypted identity (the form has one document: its number stands for them).
    IDENTITY_FORM_FIELDS = tuple("document_number" if f == "documents" else f for f in ENCRYPTED_FIELDS)

    def __init__(self, *args: Any, person: Person, stored: Identity, masked: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stored, self.masked = stored, masked
        self.names_required = not masked
        # Values recorded by an import or a referral that the lists do not offer stay choosable, so that
        # saving the form never drops them.
        language_codes = {c for c, _label in self.fields["languages"].choices}
        self.fields["languages"].choices = [
            *self.fields["languages"].choices,
            *((c, language_name(c)) for c in person.languages if c not in language_codes),
        ]
        first = stored.documents[0] if stored.documents else None
        if first is not None and not masked and first.kind not in DOCUMENT_KIND_LABELS:
            self.fields["document_kind"].choices = [*self.fields["document_kind"].choices, (first.kind, first.kind)]
        today = timezone.localdate()
        initial: dict[str, Any] = {
            "version": person.version,
            "sex": person.sex,
            "nationality": person.nationality.code or "",
            "languages": list(person.languages),
            "age_precision": AgePrecision.APPROXIMATE.value,
        }
        if person.estimated_age is not None:  # her age today from the estimate, as her page shows it
            initial["estimated_age"] = str(person.age_on(today))
            initial["age_precision"] = person.age_precision
        if masked:
            for name in self.IDENTITY_FORM_FIELDS:
                field = self.fields[name]
                hint = RECORDED_MASKED if self._stored_value(name) else NOTHING_RECORDED
                field.help_text = format_lazy("{} {}", hint, field.help_text) if field.help_text else hint
        else:
            initial.update(
                given_name=stored.given_name,
                family_name=stored.family_name,
                given_name_latin=stored.given_name_latin,
                family_name_latin=stored.family_name_latin,
                aliases=", ".join(stored.aliases),
                date_of_birth=stored.date_of_birth,
                phone=stored.phone,
                document_kind=first.kind if first else "",
                document_number=first.number if first else "",
            )
        self.initial = {**initial, **self.initial}

    def _stored_value(self, name: str) -> Any:
        if name == "document_number":
            return self.stored.documents
        return getattr(self.stored, name)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        keeps_birth_date = self.masked and self.stored.date_of_birth and not data.get("date_of_birth")
        if keeps_birth_date and data.get("estimated_age") is not None:
            self.add_error(
                "estimated_age", _("A date of birth is recorded: to correct the age, type the date of birth instead.")
            )
        return data

    def edited_identity(self) -> Identity:
        """Her identity as corrected (call after is_valid()): what was typed, and — for a masked role —
        what is recorded wherever nothing was typed; her other documents kept."""
        typed, stored = self.identity(), self.stored
        kept = stored if self.masked else Identity()  # what an empty field leaves as it is
        texts = {
            f: getattr(typed, f) or getattr(kept, f)
            for f in ("given_name", "family_name", "given_name_latin", "family_name_latin", "aliases", "phone",
                      "date_of_birth")
        }
        first, others = (stored.documents[0], stored.documents[1:]) if stored.documents else (None, ())
        documents: tuple[IdentityDocument, ...]
        if not typed.documents:
            documents = stored.documents if self.masked else others
        else:
            new = typed.documents[0]
            if first is not None and first.kind == new.kind and _same_number(first.number, new.number):
                new = first  # unchanged: as recorded, with its country
            elif first is not None and (first.kind == new.kind or _same_number(first.number, new.number)):
                new = IdentityDocument(new.kind, new.number, first.country)  # the same document, corrected
            documents = (new, *others)
        return Identity(**texts, documents=documents)


def _same_number(a: str, b: str) -> bool:
    return normalise_document(a) == normalise_document(b)


RECORDED_MASKED = _("Recorded (masked).")
NOTHING_RECORDED = _("Nothing recorded.")


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
    """A form that changes a case carries the case version it was shown (optimistic locking): required,
    so a change made since by someone else is a conflict (409), never a silent overwrite."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


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

