"""Template filters of the statistics screens."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from jisr.statistics import labels

register = template.Library()


@register.filter
def ltr_label(value: object) -> SafeString | str:
    """A category label made of figures ("50+", "30--38") isolated left to right (<bdi dir="ltr">), so that
    an Arabic page reads "50+" and not "+50"; any other label as it is (escaped by the template)."""
    text = str(value)
    return format_html('<bdi dir="ltr">{}</bdi>', text) if labels.is_figures(text) else text
