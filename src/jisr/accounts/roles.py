"""Roles and what each may do (DESIGN.md §2). Pure data; selectors and services read it.

| role                | case scope | writes cases | sees identity              |
|---------------------|------------|--------------|----------------------------|
| case_worker         | own        | yes          | in clear on own cases      |
| supervisor          | team       | yes          | masked; reveal with reason |
| coordinator         | org        | assign only  | masked                     |
| partner_focal_point | none yet   | no           | only what a referral shares|
| analyst             | none       | no           | never (anonymised data)    |
| roadmap_member      | none       | no           | never (roadmap only)       |
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CASE_WORKER = "case_worker"
    SUPERVISOR = "supervisor"
    COORDINATOR = "coordinator"
    PARTNER_FOCAL_POINT = "partner_focal_point"
    ANALYST = "analyst"
    ROADMAP_MEMBER = "roadmap_member"


class Scope(StrEnum):
    NONE = "none"
    OWN = "own"
    TEAM = "team"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class Capabilities:
    case_scope: Scope
    register_persons: bool
    write_cases: bool
    assign_cases: bool
    identity_in_clear: bool
    reveal_identity: bool


CAPABILITIES: dict[Role, Capabilities] = {
    Role.CASE_WORKER: Capabilities(Scope.OWN, True, True, False, True, False),
    Role.SUPERVISOR: Capabilities(Scope.TEAM, True, True, True, False, True),
    Role.COORDINATOR: Capabilities(Scope.ORGANISATION, False, False, True, False, False),
    Role.PARTNER_FOCAL_POINT: Capabilities(Scope.NONE, False, False, False, False, False),
    Role.ANALYST: Capabilities(Scope.NONE, False, False, False, False, False),
    Role.ROADMAP_MEMBER: Capabilities(Scope.NONE, False, False, False, False, False),
}
NO_CAPABILITIES = Capabilities(Scope.NONE, False, False, False, False, False)


# Roles that touch survivor data (or anonymised microdata) must pass a second factor (issue 8).
MFA_ROLES = frozenset({Role.CASE_WORKER, Role.SUPERVISOR, Role.COORDINATOR, Role.PARTNER_FOCAL_POINT, Role.ANALYST})
