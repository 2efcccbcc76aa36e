"""`{% child_badge person identity %}`: the "Child (under 18)" badge of a person under 18 today, for the
headers of her case and person pages (`{% load jisr_care %}`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from jisr.care.services import is_child

register = template.Library()


@register.inclusion_tag("care/_child_badge.html")
def child_badge(person: Any, identity: Any = None) -> dict[str, bool]:
    """`identity`: the page's DisplayIdentity (survivors.selectors.identity_for_display), whose age
    comes from her decrypted date of birth, else from the estimate; without one (it could not be read),
    the estimate alone (`Person.age_on`). Nothing is decrypted here."""
    age = identity.age if identity is not None else person.age_on(timezone.localdate())
    return {"child": is_child(age)}
