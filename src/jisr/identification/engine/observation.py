"""The input document: what a case worker observed, validated into an immutable :class:`Observation`.

Shape (``identification-interface.md``, "Input document")::

    {
      "date_of_birth": "YYYY-MM-DD" | null,   "act_date": "YYYY-MM-DD" | null,
      "age_at_act": int | null,               "age_uncertain": bool,  "believed_minor": bool,
      "acts": [act code] | null,  "means": [means code] | null,  "purposes": [purpose code] | null,
      "exploitation_occurred": bool | null,   "consent": bool | null,  "will_overridden": bool | null,
      "profile": "adult_labour" | "adult_sexual" | "child_labour" | "child_sexual" | null,
      "indicators": ["D1.nature_job", ...] | null
    }

Every key is optional. For ``acts``, ``means``, ``purposes`` and ``indicators`` an absent key or
``null`` means *not established* (the screener did not find out), whereas an empty list means *checked
and none observed*; the engine answers ``INSUFFICIENT_INFORMATION`` for the first and may answer
``NOT_INDICATED`` for the second (identification.md §1.4, case P-05). Repeated codes count once.

Errors: :class:`ObservationError` (a ``ValueError``) naming the offending field, for an unknown key, a
value of the wrong type, an unknown act/means/purpose/profile code, an impossible date or age.
Indicator codes are *not* rejected here: a code outside the profile's set is ignored by the ILO/EC
evaluation with a warning naming it (interface document).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from .codes import ACT_CODES, MEANS_CODES, PROFILES, PURPOSE_CODES

_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_AGE: Final = 130


class ObservationError(ValueError):
    """An input document that cannot be evaluated; ``field`` names the offending key (``None``: the whole)."""

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


@dataclass(frozen=True, slots=True)
class Observation:
    """A validated input document: code lists are de-duplicated tuples, ``None`` = unknown."""

    date_of_birth: date | None = None
    act_date: date | None = None
    age_at_act: int | None = None
    age_uncertain: bool = False
    believed_minor: bool = False
    acts: tuple[str, ...] | None = None
    means: tuple[str, ...] | None = None
    purposes: tuple[str, ...] | None = None
    exploitation_occurred: bool | None = None
    consent: bool | None = None
    will_overridden: bool | None = None
    profile: str | None = None
    indicators: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        # Validate and normalise here, so that an Observation built directly in Python (lists instead of
        # tuples, repeated codes, a bad code) obeys exactly the same rules as one parsed from JSON.
        raw = {name: getattr(self, name) for name in _FIELDS}
        for name, value in _parse_fields(raw).items():
            object.__setattr__(self, name, value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Observation:
        """Validate a decoded JSON object. Raises :class:`ObservationError` (see the module docstring)."""
        if not isinstance(data, Mapping):
            raise ObservationError(None, f"the observation must be a JSON object, not {_type_name(data)}")
        unknown = sorted(str(key) for key in data if key not in _FIELDS)
        if unknown:
            raise ObservationError(unknown[0], f"unknown key (allowed keys: {', '.join(_FIELDS)})")
        return cls(**_parse_fields(data))

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready input document (dates as ISO strings, lists as lists); ``from_dict`` inverts it."""
        out: dict[str, Any] = {}
        for name in _FIELDS:
            value = getattr(self, name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


_FIELDS: Final[tuple[str, ...]] = (
    "date_of_birth",
    "act_date",
    "age_at_act",
    "age_uncertain",
    "believed_minor",
    "acts",
    "means",
    "purposes",
    "exploitation_occurred",
    "consent",
    "will_overridden",
    "profile",
    "indicators",
)


def coerce_observation(observation: Mapping[str, Any] | Observation) -> Observation:
    """``observation`` itself if already validated, else :meth:`Observation.from_dict` of it."""
    if isinstance(observation, Observation):
        return observation
    return Observation.from_dict(observation)


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _date(data: Mapping[str, Any], key: str) -> date | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, date):
        # datetime is a subclass of date; a timestamp is not what the document means.
        if type(value) is not date:
            raise ObservationError(key, "expected a date, not a date-time")
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ObservationError(key, f"expected an ISO date YYYY-MM-DD or null, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ObservationError(key, f"{value!r} is not a valid calendar date") from None


def _age(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ObservationError(key, f"expected a whole number of years or null, got {_type_name(value)}")
    if not 0 <= value <= _MAX_AGE:
        raise ObservationError(key, f"must be between 0 and {_MAX_AGE}, got {value}")
    return value


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ObservationError(key, f"expected true or false, got {_type_name(value)}")
    return value


def _optional_bool(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        raise ObservationError(key, f"expected true, false or null, got {_type_name(value)}")
    return value


def _profile(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and value not in PROFILES:
        raise ObservationError(key, f"unknown profile {value!r} (expected one of {', '.join(PROFILES)})")
    return value


def _codes(
    data: Mapping[str, Any], key: str, allowed: frozenset[str] | None, kind: str
) -> tuple[str, ...] | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ObservationError(key, f"expected a list of {kind} codes or null, got {_type_name(value)}")
    seen: dict[str, None] = {}
    for index, code in enumerate(value):
        if not isinstance(code, str):
            raise ObservationError(f"{key}[{index}]", f"expected a {kind} code, got {_type_name(code)}")
        if allowed is not None and code not in allowed:
            expected = ", ".join(sorted(allowed))
            raise ObservationError(f"{key}[{index}]", f"unknown {kind} code {code!r} (expected: {expected})")
        seen[code] = None
    return tuple(seen)


def _parse_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "date_of_birth": _date(data, "date_of_birth"),
        "act_date": _date(data, "act_date"),
        "age_at_act": _age(data, "age_at_act"),
        "age_uncertain": _flag(data, "age_uncertain"),
        "believed_minor": _flag(data, "believed_minor"),
        "acts": _codes(data, "acts", ACT_CODES, "act"),
        "means": _codes(data, "means", MEANS_CODES, "means"),
        "purposes": _codes(data, "purposes", PURPOSE_CODES, "purpose"),
        "exploitation_occurred": _optional_bool(data, "exploitation_occurred"),
        "consent": _optional_bool(data, "consent"),
        "will_overridden": _optional_bool(data, "will_overridden"),
        "profile": _profile(data, "profile"),
        "indicators": _codes(data, "indicators", None, "indicator"),
    }
    born, acted = fields["date_of_birth"], fields["act_date"]
    if born is not None and acted is not None and acted < born:
        raise ObservationError("act_date", "the act cannot have taken place before the date of birth")
    return fields
