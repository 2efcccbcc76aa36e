"""The reporting periods offered to analysts: whole calendar quarters that are over. Pure (no Django).

Why fixed periods: every answer an analyst gets is suppressed on its own (core.disclosure), but two
answers for periods one day apart differ by the cases of that one day, and the difference of two
suppressed tables is not suppressed: it tells the stage, sex, age band and nationality of the one case
opened that day (or gives her whole microdata record). Periods that an analyst cannot choose, that
never overlap and that do not move, leave no such pair.

Why calendar quarters: short enough for a dashboard that follows the caseload (the months of the
quarter are shown inside it, each a fixed calendar month), long enough that most cells are above the
suppression threshold; the usual rhythm of donor and partner reporting. Years would leave the
dashboard up to a year behind and every monthly figure inside one wide period.

Why quarters that are over: a quarter in progress grows every day, so reading it today and again
tomorrow gives the cases of one day just as two chosen periods would. A quarter that is over changes
only through late entries and corrections.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_CODE = re.compile(r"(\d{4})-Q([1-4])")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: `number` 1–4 of `year`; dates half-open [start, end)."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4 or not 1 <= self.year <= 9998:
            raise ValueError("not a quarter")

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        """The quarter holding `day`."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, code: str) -> Quarter:
        """The quarter of a code such as "2025-Q1" (`code`); ValueError for anything else."""
        match = _CODE.fullmatch(code.strip())
        if match is None:
            raise ValueError(f"not a quarter: {code!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def start(self) -> dt.date:
        """The first day."""
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """The day after the last day (the next quarter's first day)."""
        return self.next().start

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


def completed_quarters(today: dt.date, count: int) -> list[Quarter]:
    """The `count` quarters that are over on `today` (their last day is before it), newest first."""
    out: list[Quarter] = []
    quarter = Quarter.of(today)
    for _ in range(count):
        quarter = quarter.previous()
        out.append(quarter)
    return out


def overlap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    """Whether two half-open periods [start, end) share a day."""
    return a[0] < b[1] and b[0] < a[1]
