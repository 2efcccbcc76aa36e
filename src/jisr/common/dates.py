"""Parsing of dates as people type them, and age derived at any date (pure; no Django)."""

from __future__ import annotations

import datetime as dt
import re

from jisr.crypto.normalise import normalise_digits

# Dates people type in Jisr (births, events, due dates) fall in this range; anything outside is a typo.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


class DateShapeError(ValueError):
    """The text is not a date in an accepted shape."""


class DateNotInCalendarError(ValueError):
    """The shape is right but no such day exists (31/02/2001, 00/01/2020)."""


class DateOutOfRangeError(ValueError):
    """A real day, outside EARLIEST–LATEST (a typo such as 1889 or 2109)."""


def parse_date(text: str) -> dt.date:
    """A date from ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (also with ``-`` or ``.``), Eastern digits accepted.

    Day-first is the convention in Morocco and Spain. Years outside 1900–2100 are refused as typos.
    Raises ValueError with a user-readable message: DateShapeError, DateNotInCalendarError or
    DateOutOfRangeError (all ValueError), so a form can say which.
    """
    text = normalise_digits(text.strip())
    m = _ISO.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DMY.match(text)
        if not m:
            raise DateShapeError("not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        d, mo, y = (int(g) for g in m.groups())
    try:
        value = dt.date(y, mo, d)
    except ValueError as exc:
        raise DateNotInCalendarError("not a valid calendar date") from exc
    if not EARLIEST <= value <= LATEST:
        raise DateOutOfRangeError("the year must be between 1900 and 2100")
    return value


def age_on(
    on: dt.date,
    *,
    date_of_birth: dt.date | None = None,
    estimated_age: int | None = None,
    estimated_on: dt.date | None = None,
) -> int | None:
    """Age in completed years on `on`.

    From `date_of_birth` when known (a person born on 29 February turns a year older on 1 March in
    non-leap years); otherwise from an `estimated_age` given on `estimated_on`, advanced by the
    completed years since. None when neither is known, or when `on` is before the birth.
    """
    if date_of_birth is not None:
        if on < date_of_birth:
            return None
        return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    if estimated_age is not None and estimated_on is not None:
        elapsed = on.year - estimated_on.year - ((on.month, on.day) < (estimated_on.month, estimated_on.day))
        return estimated_age + elapsed
    return None
