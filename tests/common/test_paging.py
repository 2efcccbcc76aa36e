"""page_of_keys gives what Django's Paginator.get_page gives (keys of the page, total, page number) from
one query, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jisr.accounts.models import Organisation
from jisr.common.paging import page_of_keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs() -> None:
    for i in range(12):
        Organisation.objects.create(
            name=f"Org {i:02d}", slug=f"org-{i:02d}", country="MA", kind="ngo", code_prefix=f"P{i:02d}"
        )


def _query():  # type: ignore[no-untyped-def]
    return Organisation.objects.filter(slug__startswith="org-").order_by("name", "pk")


@pytest.mark.parametrize("number", [None, "", "1", "2", "3", "٢", " 2 ", "0", "-4", "abc", "2.5", "99", "1" * 40])
def test_same_page_as_django_paginator(orgs, number) -> None:  # type: ignore[no-untyped-def]
    expected = Paginator(_query().values_list("pk", flat=True), 5).get_page(number)
    page = page_of_keys(_query(), number, 5)
    assert list(page.object_list) == list(expected.object_list)
    assert page.number == expected.number
    assert page.paginator.count == 12 and page.paginator.num_pages == 3
    assert (page.has_next(), page.has_previous()) == (expected.has_next(), expected.has_previous())


def test_one_query_for_a_page_in_range(orgs) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        page = page_of_keys(_query(), "2", 5)
        assert page.paginator.num_pages == 3 and len(page.object_list) == 5
    assert len(ctx.captured_queries) == 1


def test_empty_query_gives_one_empty_page() -> None:
    page = page_of_keys(_query(), "3", 5)
    assert list(page.object_list) == [] and page.number == 1 and page.paginator.count == 0


def test_an_unordered_query_is_refused() -> None:
    with pytest.raises(ValueError):
        page_of_keys(Organisation.objects.all().order_by(), 1, 5)
