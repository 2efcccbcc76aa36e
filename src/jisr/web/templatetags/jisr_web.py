"""Small template helpers for the screens."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField

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
    """`"national_id AB123, passport X9"` → the same with translated document kinds."""
    if not text:
        return text
    out = []
    for item in text.split(", "):
        kind, _, number = item.partition(" ")
        label = DOCUMENT_KIND_LABELS.get(kind)
        out.append(f"{label} {number}" if label is not None and number else item)
    return ", ".join(out)


@register.simple_tag
def arrow() -> str:
    """→ in left-to-right languages, ← in right-to-left ones: "from → to" always points the reading way."""
    from django.utils import translation

    return "←" if translation.get_language_bidi() else "→"
