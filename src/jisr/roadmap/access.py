"""Who may do what in the roadmap (DESIGN.md §2: the roadmap member "tracks recommendations, actions,
trainings, good practices" and sees nothing of cases).

The roadmap belongs to the partnership as a whole, not to one organisation: every organisation on the
instance is a partner, and a recommendation adopted at a joint meeting is carried out on both sides of
the Strait. So:

| who                                                     | reads the roadmap | writes the roadmap |
|---------------------------------------------------------|-------------------|--------------------|
| roadmap_member (any partner organisation)               | yes               | yes                |
| coordinator (any partner organisation)                  | yes               | yes                |
| case_worker, supervisor, partner_focal_point, analyst   | yes               | no (403)           |
| authenticated user with no active membership (outsider) | no (404)          | no (404)           |
| anonymous visitor                                       | login page (302)  | login page (302)   |

- Reading includes the exports (XLSX, PDF) and the evidence files: the roadmap holds no survivor
  data. Evidence files are still served only through an access-checked view, never from a public URL,
  because partners attach minutes and internal reports to them.
- An outsider gets 404, not 403, on every roadmap URL, so a stranger learns nothing (DESIGN.md §5).
- A reader who may not write gets 403 (`PermissionDeniedError`): they can already see the page, so a
  403 tells them nothing new, and it explains the refusal.
- Trainings record attendance as *counts* by organisation and professional role; Jisr never stores the
  names of the people trained (the organiser keeps its own attendance sheet outside Jisr).
- Nothing in the roadmap ever reaches a case: the roadmap's selectors do not import `cases` or
  `survivors`, and a roadmap member's capabilities give no case scope (accounts/roles.py).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from jisr.accounts.roles import Role
from jisr.common.errors import PermissionDeniedError

READ_ROLES = frozenset(Role)
WRITE_ROLES = frozenset({Role.ROADMAP_MEMBER, Role.COORDINATOR})


def may_read_roadmap(user: Any) -> bool:
    """True for an active, authenticated user with a membership in a partner organisation."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in READ_ROLES


def may_write_roadmap(user: Any) -> bool:
    """True for readers whose role is roadmap_member or coordinator."""
    return may_read_roadmap(user) and user.role in WRITE_ROLES


def require_reader(user: Any) -> None:
    """Raise Http404 unless `user` may read the roadmap (a stranger learns nothing)."""
    if not may_read_roadmap(user):
        raise Http404


def require_writer(user: Any) -> None:
    """Http404 for a stranger; PermissionDeniedError for a reader who may not write."""
    require_reader(user)
    if not may_write_roadmap(user):
        raise PermissionDeniedError("this role may not change the roadmap")
