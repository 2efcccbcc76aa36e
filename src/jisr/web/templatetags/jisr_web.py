"""Small template helpers for the screens."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils import dateformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jisr.survivors.models import AgePrecision
from jisr.web.forms import DOCUMENT_KIND_LABELS

register = template.Library()


@register.filter
def bs(field: BoundField) -> Any:
    """Render a bound field's widget with Bootstrap classes, aria-invalid and aria-describedby."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, Any] = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}_errors")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def document_kinds(text: str) -> str:
    """`"national_id AB123, passport X9"` → the same with translated document kinds, each number isolated
    left to right (U+2066 … U+2069): after an Arabic label, "123-45" would otherwise read "45-123"."""
    if not text:
        return text
    out = []
    for item in text.split(", "):
        kind, _, number = item.partition(" ")
        label = DOCUMENT_KIND_LABELS.get(kind)
        out.append(f"{label} \u2066{number}\u2069" if label is not None and number else item)
    return list_separator().join(out)


def list_separator() -> str:
    """", " in the language of the page: the Arabic comma "،" in Arabic (a Latin comma in Arabic text is
    a typo to an Arabic reader, and bidi puts it on the wrong side of a Latin word)."""
    return pgettext("list separator", ", ")


@register.filter
def join_list(items: Any) -> str:
    """`items` joined with the page language's list separator."""
    return list_separator().join(str(item) for item in items)


@register.simple_tag
def age_estimate(person: Any) -> str:
    """When and how precisely an estimated age was estimated, as one translated phrase ("estimated on
    12/03/2026, within a few years"): one sentence per precision, so each language words it its way
    (and uses its own comma)."""
    precision = person.age_precision
    if person.age_estimated_on is None:
        return str(person.get_age_precision_display())
    d = dateformat.format(person.age_estimated_on, "d/m/Y")
    if precision == AgePrecision.YEAR:
        return _("estimated on %(d)s, within a year") % {"d": d}
    if precision == AgePrecision.APPROXIMATE:
        return _("estimated on %(d)s, within a few years") % {"d": d}
    return _("estimated on %(d)s") % {"d": d}


@register.simple_tag
def arrow() -> str:
    """→ in left-to-right languages, ← in right-to-left ones: "from → to" always points the reading way."""
    from django.utils import translation

    return "←" if translation.get_language_bidi() else "→"


_RISK_BADGE = {
    "critical": "text-bg-danger",
    "high": "text-bg-warning",
    "medium": "text-bg-info",
    "low": "text-bg-success",
}


@register.simple_tag
def risk_badge(risk: str, label: Any) -> str:
    """``{% risk_badge case.risk_level case.get_risk_level_display %}``: the level as a coloured badge (a tag,
    not an include: a list page draws one per row)."""
    return format_html('<span class="badge {}">{}</span>', _RISK_BADGE.get(risk, "text-bg-secondary"), label)


@register.simple_tag
def identity_name(identity: Any) -> str:
    """``{% identity_name identity %}``: a person's name as `survivors.selectors.DisplayIdentity` gives it —
    in clear or masked (said to screen readers), "identity erased", or "cannot be read" for None — each
    name isolated (<bdi>) so an Arabic name beside a Latin one keeps its order."""
    if identity is None:
        return format_html('<span class="text-danger">{}</span>', _("Cannot be read"))
    if identity.erased:
        return format_html('<span class="text-body-secondary">{}</span>', _("Identity erased"))
    latin = (
        format_html(' <span class="text-body-secondary">· <bdi>{}</bdi></span>', identity.latin_name)
        if identity.latin_name
        else ""
    )
    hint = format_html(' <span class="visually-hidden">({})</span>', _("masked")) if identity.masked else ""
    css = "masked" if identity.masked else ""
    return format_html('<span class="{}"><bdi>{}</bdi>{}</span>{}', css, identity.name or "—", latin, hint)


_REQUIRED = mark_safe(' <span aria-hidden="true">*</span>')


@register.simple_tag
def field_block(field: BoundField, short_choices: bool = False) -> str:
    """``{% field_block field %}``: one form field with its label, help text and errors, Bootstrap markup,
    linked for screen readers (aria-describedby, aria-invalid). A choice of several boxes (languages, risk
    reasons) is a fieldset whose boxes wrap in as many columns as the width holds (`short_choices`:
    narrower columns, in a box), each box a form-check so that a long label wraps beside it.

    Python rather than a template include: a care tab draws dozens of fields (one "mark as done" form per
    follow-up), and the include cost more than the rest of the page."""
    required = _REQUIRED if field.field.required else ""
    help_html = (
        format_html('<div class="form-text" id="{}_help">{}</div>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    errors_html = (
        format_html(
            '<div class="invalid-feedback d-block" id="{}_errors">{}</div>',
            field.auto_id,
            format_html_join(" ", "{}", ((error,) for error in field.errors)),
        )
        if field.errors
        else ""
    )
    widget = field.field.widget
    if getattr(widget, "input_type", None) == "checkbox" and getattr(widget, "allow_multiple_selected", False):
        described = " ".join(
            f"{field.auto_id}_{suffix}" for suffix, present in (("help", field.help_text), ("errors", field.errors))
            if present
        )
        invalid = " is-invalid" if field.errors else ""
        boxes = "".join(
            format_html(
                '<div class="form-check"><input class="form-check-input{}" type="checkbox" name="{}" value="{}" '
                'id="{}"{}><label class="form-check-label" for="{}">{}</label></div>\n',
                invalid,
                cb.data["name"],
                cb.data["value"],
                cb.id_for_label,
                mark_safe(" checked") if cb.data["selected"] else "",
                cb.id_for_label,
                cb.choice_label,
            )
            for cb in field
        )
        return format_html(
            '<fieldset class="mb-3"{}>\n<legend class="form-label fs-6">{}{}</legend>\n'
            '<div class="check-columns{}">\n{}</div>\n{}{}</fieldset>\n',
            format_html(' aria-describedby="{}"', described) if described else "",
            field.label,
            required,
            " check-columns-short border rounded p-2" if short_choices else "",
            mark_safe(boxes),  # noqa: S308 — built with format_html above
            help_html,
            errors_html,
        )
    if getattr(widget, "input_type", None) == "checkbox":
        return format_html(
            '<div class="form-check mb-3">\n{}\n<label class="form-check-label" for="{}">{}</label>\n{}{}</div>\n',
            bs(field),
            field.auto_id,
            field.label,
            help_html,
            errors_html,
        )
    return format_html(
        '<div class="mb-3">\n<label class="form-label" for="{}">{}{}</label>\n{}\n{}{}</div>\n',
        field.auto_id,
        field.label,
        required,
        bs(field),
        help_html,
        errors_html,
    )
