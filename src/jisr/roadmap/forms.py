"""Forms of the roadmap screens: they validate what people type (Eastern Arabic digits accepted in
every date and number) and hand clean values to the services; they never write anything."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from jisr.accounts.models import Organisation
from jisr.common.forms import DateField
from jisr.crypto.normalise import normalise_digits
from jisr.roadmap.files import MAX_UPLOAD_BYTES
from jisr.roadmap.models import (
    ActionStatus,
    CountryScope,
    Event,
    EventKind,
    Priority,
    Profession,
    Recommendation,
    StrategicArea,
)

# Every date is a jisr.common.forms.DateField (day first or ISO; Eastern Arabic digits; one set of messages);
# this is the example its help text and error message show here.
DATE_EXAMPLE = "08/05/2025"
LANGUAGE_CHOICES = [("ar", _("Arabic")), ("fr", _("French")), ("es", _("Spanish")), ("en", _("English"))]
EVIDENCE_HINT = _("PDF, image (PNG, JPEG) or office document, at most 10 MB.")
assert MAX_UPLOAD_BYTES == 10 * 1024 * 1024, "update EVIDENCE_HINT"


def _numeric() -> dict[str, str]:
    # Text inputs, not type=number/date: those refuse Eastern Arabic digits (٠-٩, ۰-۹).
    return {"inputmode": "numeric", "autocomplete": "off", "dir": "ltr", "class": "form-control"}


class DecimalText(forms.CharField):
    """A number typed with Western or Eastern Arabic digits; comma or dot as decimal separator."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {**_numeric(), "inputmode": "decimal", "maxlength": "20"}
        super().__init__(widget=forms.TextInput(attrs=attrs), **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 20:
            raise forms.ValidationError(_("Enter a number, e.g. 12 or 12.5."))
        text = normalise_digits(text).replace("\u066b", ".").replace("\u066c", "").replace(",", ".").replace(" ", "")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise forms.ValidationError(_("Enter a number, e.g. 12 or 12.5.")) from exc
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise forms.ValidationError(_("Enter a number, e.g. 12 or 12.5."))
        return number.quantize(Decimal("0.01"))


class IntegerText(DecimalText):
    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        number = super().to_python(value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise forms.ValidationError(_("Enter a whole number."))
        return int(number)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates stay plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class VersionedForm(StyledForm):
    """An edit form carries the `version` of the record it was filled from (optimistic locking, as the
    case forms do): `version=` the record's version when editing; left out on creation forms."""

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if version is not None:
            self.fields["version"] = forms.IntegerField(required=False, min_value=1, initial=version,
                                                        widget=forms.HiddenInput)


def _organisations() -> Any:
    return Organisation.objects.all()


def _areas() -> Any:
    return StrategicArea.objects.filter(active=True)


class EventForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title_ar = forms.CharField(label=_("Title (Arabic)"), required=False, max_length=300)
    title_fr = forms.CharField(label=_("Title (French)"), required=False, max_length=300)
    title_es = forms.CharField(label=_("Title (Spanish)"), required=False, max_length=300)
    starts_on = DateField(label=_("Start date"), example=DATE_EXAMPLE)
    ends_on = DateField(label=_("End date"), required=False, example=DATE_EXAMPLE)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=lambda: [("", "—"), *countries])
    parent = forms.ModelChoiceField(label=_("Part of"), required=False, queryset=Event.objects.all())
    organisers = forms.ModelMultipleChoiceField(label=_("Organisers"), required=False, queryset=_organisations(),
                                                widget=forms.CheckboxSelectMultiple)
    languages = forms.MultipleChoiceField(label=_("Languages"), required=False, choices=LANGUAGE_CHOICES,
                                          widget=forms.CheckboxSelectMultiple)
    areas = forms.ModelMultipleChoiceField(label=_("Strategic areas"), required=False, queryset=_areas(),
                                           widget=forms.CheckboxSelectMultiple)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, event: Event | None = None, **kwargs: Any) -> None:
        """`event`: the event being edited (its version goes in the hidden `version` field). It cannot
        be part of itself or of one of its sessions (services.event_update refuses it too), and the
        strategic areas it already has stay offered even if they were deactivated since, so that saving
        does not drop them unseen."""
        if event is not None:
            kwargs.setdefault("version", event.version)
        super().__init__(*args, **kwargs)
        if event is not None:
            parent = self.fields["parent"]
            parent.queryset = parent.queryset.exclude(pk=event.pk)  # type: ignore[attr-defined]
            areas = self.fields["areas"]
            areas.queryset = StrategicArea.objects.filter(  # type: ignore[attr-defined]
                Q(active=True) | Q(pk__in=event.areas.values("pk")))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("title_ar") or data.get("title_fr") or data.get("title_es")):
            raise forms.ValidationError(_("Give the title in at least one language."))
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data


class ParticipantForm(StyledForm):
    organisation = forms.ModelChoiceField(label=_("Organisation on Jisr"), required=False,
                                          queryset=_organisations())
    name = forms.CharField(label=_("Or another organisation's name"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=lambda: [("", "—"), *countries])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("organisation") and not (data.get("name") or "").strip():
            raise forms.ValidationError(_("Choose an organisation or type its name."))
        if not data.get("organisation") and not data.get("country"):
            self.add_error("country", _("Choose the country of this organisation."))
        return data


class DocumentForm(StyledForm):
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    file = forms.FileField(label=_("File"), help_text=EVIDENCE_HINT)


class RecommendationForm(VersionedForm):
    reference = forms.CharField(label=_("Reference"), required=False, max_length=30)
    event = forms.ModelChoiceField(label=_("Source event"), queryset=Event.objects.all())
    area = forms.ModelChoiceField(label=_("Strategic area"), queryset=_areas())
    text_ar = forms.CharField(label=_("Text (Arabic)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "dir": "rtl", "lang": "ar"}))
    text_fr = forms.CharField(label=_("Text (French)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "fr"}))
    text_es = forms.CharField(label=_("Text (Spanish)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "es"}))
    scope = forms.ChoiceField(label=_("Country scope"), choices=CountryScope.choices)
    addressee = forms.CharField(label=_("Addressed to"), required=False, max_length=300)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM)

    def __init__(self, *args: Any, recommendation: Recommendation | None = None, **kwargs: Any) -> None:
        """`recommendation`: the one being edited (its version goes in the hidden `version` field; its
        strategic area stays offered even if it was deactivated since, as on the event form)."""
        if recommendation is not None:
            kwargs.setdefault("version", recommendation.version)
        super().__init__(*args, **kwargs)
        if recommendation is not None:
            area = self.fields["area"]
            area.queryset = StrategicArea.objects.filter(  # type: ignore[attr-defined]
                Q(active=True) | Q(pk=recommendation.area_id))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any((data.get(f) or "").strip() for f in ("text_ar", "text_fr", "text_es")):
            raise forms.ValidationError(_("Give the text in at least one language."))
        return data


class ActionForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lead_organisation = forms.ModelChoiceField(label=_("Lead organisation"), queryset=_organisations())
    partners = forms.ModelMultipleChoiceField(label=_("Partner organisations"), required=False,
                                              queryset=_organisations(), widget=forms.CheckboxSelectMultiple)
    other_partners = forms.CharField(label=_("Other partners (not on Jisr)"), required=False, max_length=500)
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Recommendations carried out"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Recommendation.objects.select_related("area"))
    start_on = DateField(label=_("Start date"), required=False, example=DATE_EXAMPLE)
    due_on = DateField(label=_("Due date"), required=False, example=DATE_EXAMPLE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start_on") and data.get("due_on") and data["due_on"] < data["start_on"]:
            self.add_error("due_on", _("The due date is before the start date."))
        return data


class LinkForm(VersionedForm):
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Recommendations carried out"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Recommendation.objects.select_related("area"))


class StatusForm(StyledForm):
    status = forms.ChoiceField(label=_("New status"), choices=ActionStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             help_text=_("Needed when the action is blocked or dropped."),
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        needs_reason = data.get("status") in (ActionStatus.BLOCKED, ActionStatus.DROPPED)
        if needs_reason and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the action is blocked or dropped."))
        return data


class ProgressForm(StyledForm):
    note = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    link = forms.URLField(label=_("Link to evidence"), required=False, max_length=500, assume_scheme="https")
    file = forms.FileField(label=_("Evidence file"), required=False, help_text=EVIDENCE_HINT)


class IndicatorForm(StyledForm):
    name = forms.CharField(label=_("Indicator"), max_length=300)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=50)
    baseline = DecimalText(label=_("Baseline"), required=False)
    target = DecimalText(label=_("Target"), required=False)


class MeasurementForm(StyledForm):
    measured_on = DateField(label=_("Measured on"), example=DATE_EXAMPLE)
    value = DecimalText(label=_("Value"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class TrainingForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=_organisations())
    area = forms.ModelChoiceField(label=_("Strategic area"), required=False, queryset=_areas())
    event = forms.ModelChoiceField(label=_("Event"), required=False, queryset=Event.objects.all())
    starts_on = DateField(label=_("Start date"), example=DATE_EXAMPLE)
    ends_on = DateField(label=_("End date"), required=False, example=DATE_EXAMPLE)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=lambda: [("", "—"), *countries])
    languages = forms.MultipleChoiceField(label=_("Languages"), required=False, choices=LANGUAGE_CHOICES,
                                          widget=forms.CheckboxSelectMultiple)
    hours = IntegerText(label=_("Hours"), required=False)
    topics = forms.CharField(label=_("Topics"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AttendanceForm(StyledForm):
    organisation = forms.ModelChoiceField(label=_("Organisation on Jisr"), required=False,
                                          queryset=_organisations())
    organisation_name = forms.CharField(label=_("Or another organisation's name"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=lambda: [("", "—"), *countries])
    profession = forms.ChoiceField(label=_("Professional role"), choices=Profession.choices)
    count = IntegerText(label=_("Number of people"), help_text=_("A number, never names."))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("organisation") and not (data.get("organisation_name") or "").strip():
            raise forms.ValidationError(_("Choose an organisation or type its name."))
        if data.get("count") is not None and data["count"] <= 0:
            self.add_error("count", _("Enter a number greater than zero."))
        return data


class PracticeForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    organisation = forms.ModelChoiceField(label=_("Organisation on Jisr"), required=False,
                                          queryset=_organisations())
    organisation_name = forms.CharField(label=_("Or another organisation's name"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=lambda: [("", "—"), *countries])
    area = forms.ModelChoiceField(label=_("Strategic area"), queryset=_areas())
    tags = forms.CharField(label=_("Tags"), required=False, max_length=300,
                           help_text=_("Separate several tags with commas."))
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    languages = forms.MultipleChoiceField(label=_("Languages"), required=False, choices=LANGUAGE_CHOICES,
                                          widget=forms.CheckboxSelectMultiple)
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Recommendations it answers"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Recommendation.objects.select_related("area"))


class PracticeSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}))
    area = forms.ChoiceField(label=_("Strategic area"), required=False,
                             choices=lambda: [("", "—"), *((a.code, a.name) for a in _areas())],
                             widget=forms.Select(attrs={"class": "form-select"}))
    country = forms.ChoiceField(label=_("Country"), required=False, choices=lambda: [("", "—"), *countries],
                                widget=forms.Select(attrs={"class": "form-select"}))


class ReportLanguageForm(forms.Form):
    lang = forms.ChoiceField(choices=[("ar", "ar"), ("fr", "fr"), ("es", "es")], required=False)


class AreaForm(StyledForm):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=150)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=150)
    name_es = forms.CharField(label=_("Name (Spanish)"), max_length=150)
    name_en = forms.CharField(label=_("Name (English)"), max_length=150)
    order = IntegerText(label=_("Order"), required=False)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if StrategicArea.objects.filter(code=code).exists():
            raise forms.ValidationError(_("This code is already used."))
        return code
