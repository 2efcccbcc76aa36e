"""A page of keys and the total number of rows from one query instead of two.

Django's `Paginator` counts (`SELECT COUNT(*)`) and then fetches the page: two runs of the same search.
When finding the rows is the expensive part (the people a case worker may see: her 2,000 cases' persons,
sorted by registration), `page_of_keys` asks once, with `COUNT(*) OVER ()` beside each key of the page;
a number past the last page costs one more query (then the last page, as `Paginator.get_page` does).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

_TOTAL = "page_total"
_LAST_PAGE_ASKED = 10**6  # a larger number is treated as this one (past the end: the last page)


def page_of_keys(queryset: QuerySet[Any], number: Any, per_page: int) -> Page:
    """The primary keys of page `number` of `queryset`, and the total in `page.paginator.count`.

    `queryset`: a model query with an order that is total (end it with the primary key), else ValueError.
    `number`: what `?page=` held, any value: not a whole number → the first page, below 1 or past the
    end → the last (an empty query: one empty page). Eastern Arabic digits count as digits (`int`)."""
    if not queryset.ordered:
        raise ValueError("page_of_keys needs an ordered queryset")
    wanted = _page_number(number)
    keys, total = _fetch(queryset, wanted, per_page)
    if not keys and wanted > 1:
        wanted = max(1, -(-queryset.count() // per_page))
        keys, total = _fetch(queryset, wanted, per_page)
    paginator = Paginator(queryset, per_page)
    paginator.count = total  # a cached_property: once set, the paginator does not count again
    return Page(keys, wanted, paginator)


def _page_number(number: Any) -> int:
    try:
        asked = int(str(number).strip())
    except (TypeError, ValueError):
        return 1
    # Below 1 is outside the pages, like past the end: the last page (Paginator.get_page does the same).
    return _LAST_PAGE_ASKED if asked < 1 else min(asked, _LAST_PAGE_ASKED)


def _fetch(queryset: QuerySet[Any], number: int, per_page: int) -> tuple[list[Any], int]:
    offset = (number - 1) * per_page
    rows = list(
        queryset.annotate(**{_TOTAL: Window(Count("*"))}).values_list("pk", _TOTAL)[offset : offset + per_page]
    )
    return [pk for pk, _ in rows], (rows[0][1] if rows else 0)
