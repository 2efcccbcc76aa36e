"""Age at the time of the act, the child rule and the presumption of minority.

Rules (identification.md §0 rules 4-5; Palermo art. 3(d)):

* Age is taken **at the time of the act**, never at the time of screening: completed years between
  ``date_of_birth`` and ``act_date`` when both are known, else ``age_at_act``. A person who turns 18 on
  the day of the act is an adult that day. (Born on 29 February: the birthday in a common year is taken
  to be 1 March, the plain reading of "completed years"; a jurisdiction may differ.)
* Child = under ``child_age`` (18 in every frame shipped).
* Presumption of minority: when the age is uncertain (``age_uncertain``, or no age at all) and
  ``believed_minor`` is set, the person is presumed a child for assistance purposes, and the result
  records ``presumption_of_minority_applied``. It is not applied when she is already known to be a child
  (nothing to presume) or when her adult age is recorded as certain (a warning says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .observation import Observation
from .result import Message, message


@dataclass(frozen=True, slots=True)
class AgeFinding:
    """``age``: completed years at the act or ``None``; ``child``: ``None`` when unknown; ``presumed``."""

    age: int | None
    child: bool | None
    presumed: bool
    warnings: list[Message] = field(default_factory=list)


def age_on(born: date, on: date) -> int:
    """Completed years of a person born on ``born``, on the day ``on`` (``on >= born``)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def assess_age(obs: Observation, child_age: int) -> AgeFinding:
    """Age and child status at the time of the act for ``obs`` (rules in the module docstring)."""
    warnings: list[Message] = []
    age: int | None = None
    if obs.date_of_birth is not None and obs.act_date is not None:
        age = age_on(obs.date_of_birth, obs.act_date)
        if obs.age_at_act is not None and obs.age_at_act != age:
            warnings.append(
                message(
                    "age_mismatch",
                    f"age_at_act ({obs.age_at_act}) disagrees with the dates ({age} at the act); "
                    "the dates were used.",
                    items=["age_at_act", "date_of_birth", "act_date"],
                )
            )
    else:
        age = obs.age_at_act
        if age is None and (obs.date_of_birth is not None or obs.act_date is not None):
            warnings.append(
                message(
                    "age_dates_incomplete",
                    "Age is taken at the time of the act: both date_of_birth and act_date "
                    "(or age_at_act) are needed.",
                    items=["date_of_birth" if obs.date_of_birth is None else "act_date"],
                )
            )
    child = None if age is None else age < child_age
    if obs.believed_minor and child is not True:
        if obs.age_uncertain or age is None:
            return AgeFinding(age=age, child=True, presumed=True, warnings=warnings)
        warnings.append(
            message(
                "believed_minor_not_applied",
                f"believed_minor is set but the age at the act ({age}) is recorded as certain; "
                "set age_uncertain if it is an estimate.",
                items=["believed_minor", "age_uncertain"],
            )
        )
    if child is None:
        warnings.append(
            message(
                "age_unknown",
                "The age at the time of the act is not known, so the child rule cannot be applied: "
                "record date_of_birth and act_date, or age_at_act, or believed_minor.",
                items=["age_at_act"],
            )
        )
    return AgeFinding(age=age, child=child, presumed=False, warnings=warnings)
