"""The screening form: what the case worker observed, grouped by element (act, means, purpose, age) and by
ILO/EC dimension, turned into the engine's input document (identification-interface.md).

Unknown is not "no": for acts, means, purposes and indicators, nothing ticked means *not yet known*
(the engine then says it has not enough information); the case worker ticks "none of these" to record
that she checked and found none. Dates and ages are typed in text inputs and accept Eastern Arabic digits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jisr.common.forms import DateField
from jisr.crypto.normalise import normalise_digits
from jisr.identification import engine
from jisr.identification.engine.codes import DIMENSION_IDS
from jisr.identification.labels import (
    ACT_LABELS,
    DIMENSION_LABELS,
    INDICATOR_LABELS,
    MEANS_LABELS,
    PROFILE_LABELS,
    PURPOSE_LABELS,
    RULESET_LABELS,
    WEIGHT_LABELS,
)

TRISTATE = [("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))]
_TRISTATE_VALUE = {"": None, "yes": True, "no": False}


def _numeric() -> forms.TextInput:
    # Text, not type=number/date: those refuse Eastern Arabic digits (٠-٩).
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"})


def _checks() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


def _radios() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "form-check-input"})


def indicator_weights() -> dict[str, dict[str, str]]:
    """``{code: {"adult": "S", "child": "M"}}`` from the shipped labour sets (the only sets with weights)."""
    ilo = engine.load_ruleset("ilo-ec-2009")
    assert isinstance(ilo, engine.IloRuleSet)
    out: dict[str, dict[str, str]] = {}
    for profile, age_group in (("adult_labour", "adult"), ("child_labour", "child")):
        for code, indicator in ilo.indicator_sets[profile].weights().items():
            out.setdefault(code, {})[age_group] = indicator.weight
    return out


def weight_hint(weights: dict[str, str]) -> str:
    """"strong sign", or "strong sign (adults) · medium sign (children)", or "… (adults only)"."""
    adult, child = weights.get("adult"), weights.get("child")
    if adult and adult == child:
        return str(WEIGHT_LABELS[adult])
    parts = []
    if adult:
        parts.append(str(_("%(weight)s (adults)") % {"weight": WEIGHT_LABELS[adult]}))
    if child:
        parts.append(str(_("%(weight)s (children)") % {"weight": WEIGHT_LABELS[child]}))
    if adult and not child:
        return str(_("%(weight)s (adults only)") % {"weight": WEIGHT_LABELS[adult]})
    return " · ".join(parts)


class ScreeningForm(forms.Form):
    # --- Age at the time of the act ---
    date_of_birth = DateField(label=_("Date of birth"), required=False, example="25/03/2019", allow_future=False)
    act_date = DateField(
        label=_("When it started (date of the recruitment, journey…)"), required=False, example="25/03/2019",
        allow_future=False,
    )
    age_at_act = forms.CharField(
        label=_("Or: age at that time (years)"), required=False, max_length=3,
        help_text=_("Only if the dates are not known."), widget=_numeric(),
    )
    age_uncertain = forms.BooleanField(label=_("The age is an estimate"), required=False)
    believed_minor = forms.BooleanField(
        label=_("There are reasons to believe the person was under 18 at the time"), required=False,
    )
    # --- Elements ---
    acts = forms.MultipleChoiceField(label=_("What was done to the person?"), required=False, widget=_checks(),
                                     choices=list(ACT_LABELS.items()))
    acts_none = forms.BooleanField(label=_("Checked: none of these"), required=False)
    means = forms.MultipleChoiceField(label=_("How was it done?"), required=False, widget=_checks(),
                                      choices=list(MEANS_LABELS.items()))
    means_none = forms.BooleanField(label=_("Checked: none of these"), required=False)
    purposes = forms.MultipleChoiceField(
        label=_("What was the person meant to be exploited for?"), required=False, widget=_checks(),
        choices=list(PURPOSE_LABELS.items()),
        help_text=_("The intention is enough: it does not have to have happened yet."),
    )
    purposes_none = forms.BooleanField(label=_("Checked: none of these"), required=False)
    exploitation_occurred = forms.ChoiceField(label=_("Has the exploitation already happened?"), required=False,
                                              choices=TRISTATE, widget=_radios())
    consent = forms.ChoiceField(label=_("Did the person agree to it?"), required=False, choices=TRISTATE,
                                widget=_radios(),
                                help_text=_("Recorded for the file: agreement does not count once force, "
                                            "deception or abuse was used, or for a child."))
    will_overridden = forms.ChoiceField(
        label=_("Did the exploitation override the person's will and leave no way out, even if paid?"),
        required=False, choices=TRISTATE, widget=_radios(),
        help_text=_("Needed under Moroccan law (art. 448-1)."),
    )
    # --- ILO/EC indicators ---
    profile = forms.ChoiceField(
        label=_("Indicator set"), required=False,
        choices=[("", _("Choose from the age and the purposes")), *PROFILE_LABELS.items()],
    )
    indicators = forms.MultipleChoiceField(label=_("Signs observed"), required=False, widget=_checks(),
                                           choices=list(INDICATOR_LABELS.items()))
    indicators_none = forms.BooleanField(label=_("Checked: none of these signs"), required=False)
    # --- Frames ---
    rulesets = forms.MultipleChoiceField(label=_("Frames to apply"), widget=_checks(),
                                         choices=list(RULESET_LABELS.items()),
                                         error_messages={"required": _("Choose at least one frame.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.weights = indicator_weights()

    # --- grouping, for the template ---
    def indicator_groups(self) -> list[dict[str, Any]]:
        """``[{"id": "D1", "label": …, "options": [{"widget": subwidget, "hint": "strong sign"}]}]``."""
        by_value = {str(w.data["value"]): w for w in self["indicators"]}
        groups = []
        for dim in DIMENSION_IDS:
            options = [
                {"widget": by_value[code], "hint": weight_hint(self.weights.get(code, {})),
                 "strength": (self.weights.get(code, {}).get("adult") or self.weights.get(code, {}).get("child"))}
                for code in INDICATOR_LABELS if code.startswith(f"{dim}.")
            ]
            groups.append({"id": dim, "number": dim[1], "label": DIMENSION_LABELS[dim], "options": options})
        return groups

    # --- cleaning ---
    def clean_age_at_act(self) -> int | None:
        text = normalise_digits(self.cleaned_data["age_at_act"].strip())
        if not text:
            return None
        if not text.isdigit() or not 0 <= int(text) <= 120:
            raise forms.ValidationError(_("Enter an age in years, between 0 and 120."))
        return int(text)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        born, acted = data.get("date_of_birth"), data.get("act_date")
        if born and acted and acted < born:
            self.add_error("act_date", _("This date is before the date of birth."))
        for name in ("acts", "means", "purposes", "indicators"):
            if data.get(name) and data.get(f"{name}_none"):
                self.add_error(f"{name}_none", _("Either tick what was observed or 'none of these', not both."))
        return data

    def observation(self) -> dict[str, Any]:
        """The engine's input document (call after ``is_valid()``)."""
        d = self.cleaned_data

        def codes(name: str) -> list[str] | None:
            if d.get(name):
                return list(d[name])
            return [] if d.get(f"{name}_none") else None

        def iso(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "date_of_birth": iso(d.get("date_of_birth")),
            "act_date": iso(d.get("act_date")),
            "age_at_act": d.get("age_at_act"),
            "age_uncertain": bool(d.get("age_uncertain")),
            "believed_minor": bool(d.get("believed_minor")),
            "acts": codes("acts"),
            "means": codes("means"),
            "purposes": codes("purposes"),
            "exploitation_occurred": _TRISTATE_VALUE[d.get("exploitation_occurred") or ""],
            "consent": _TRISTATE_VALUE[d.get("consent") or ""],
            "will_overridden": _TRISTATE_VALUE[d.get("will_overridden") or ""],
            "profile": d.get("profile") or None,
            "indicators": codes("indicators"),
        }


def observation_field(engine_field: str | None) -> str | None:
    """The form field an ObservationError's ``field`` (e.g. ``acts[0]``) belongs to, or None."""
    if not engine_field:
        return None
    name = engine_field.split("[", 1)[0]
    return name if name in ScreeningForm.base_fields else None
