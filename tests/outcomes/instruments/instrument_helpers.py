"""Helpers shared by the instrument tests (not a test module)."""

from __future__ import annotations


def items_for_total(total: int, count: int, item_max: int) -> list[int | None]:
    """A valid answer list of ``count`` items on a 0..``item_max`` scale summing to ``total``."""
    assert 0 <= total <= count * item_max
    items: list[int | None] = []
    left = total
    for _ in range(count):
        value = min(item_max, left)
        items.append(value)
        left -= value
    assert sum(v for v in items if v is not None) == total
    return items


def pcl5_items(*, b: list[int], c: list[int], d: list[int], e: list[int]) -> list[int | None]:
    """PCL-5 answers written cluster by cluster (B 1-5 | C 6-7 | D 8-14 | E 15-20)."""
    assert (len(b), len(c), len(d), len(e)) == (5, 2, 7, 6)
    return [*b, *c, *d, *e]
