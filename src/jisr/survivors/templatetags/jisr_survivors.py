"""Template helpers of the survivors app: `{% load jisr_survivors %}`."""

from __future__ import annotations

from django import template

from jisr.accounts.models import User
from jisr.survivors.models import Person
from jisr.survivors.services import may_erase

register = template.Library()


@register.filter
def erasable_by(person: Person, user: User) -> bool:
    """`{% if person|erasable_by:user %}`: offer "Erase identity" only to those who may, and only once."""
    return bool(user.is_authenticated and not person.is_erased and may_erase(user, person))
