"""The analyst's periods in tests: analysts see whole calendar quarters that are over only
(jisr.statistics.core.periods), so generated caseloads are opened up to the last day of the last one."""

from __future__ import annotations

import datetime as dt

from jisr.accounts.models import Organisation
from jisr.statistics import selectors as sel


def last_quarter_day(organisation: Organisation) -> dt.date:
    """The last day of the last quarter that is over, in the organisation's calendar."""
    return sel.analyst_periods(organisation)[0].last_day


def last_quarter_query(organisation: Organisation) -> sel.CaseloadQuery:
    """The analyst's default period: the last quarter that is over."""
    return sel.CaseloadQuery.of_quarter(organisation, sel.analyst_periods(organisation)[0])
