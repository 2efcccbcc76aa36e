"""The persona cast shared by every test (DESIGN.md §5): a case worker and a supervisor in a Moroccan
organisation, a case worker in a Spanish partner organisation, an analyst, an outsider who must always
be denied — plus the other roles, so the authorisation matrix covers them all.

All people are generated; names are common given/family names combined, belonging to no one.
"""

from __future__ import annotations

from dataclasses import dataclass

from jisr.accounts.models import Membership, Organisation, Team, User
from jisr.accounts.roles import Role

PASSWORD = "correct horse battery staple 42"


@dataclass
class Cast:
    ma: Organisation
    es: Organisation
    ma_team: Team
    ma_other_team: Team
    es_team: Team
    ma_case_worker: User
    ma_case_worker_2: User  # same team, different caseload
    ma_supervisor: User
    ma_other_supervisor: User  # another team of the same organisation
    ma_coordinator: User
    ma_focal_point: User
    ma_analyst: User
    ma_roadmap: User
    es_case_worker: User
    es_supervisor: User
    outsider: User  # authenticated, no organisation

    def all(self) -> dict[str, User]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, User)}


def _user(username: str, org: Organisation | None, role: Role | None, team: Team | None = None) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    if org is not None and role is not None:
        Membership.objects.create(user=user, organisation=org, role=role, team=team)
    return user


def make_cast() -> Cast:
    ma = Organisation.objects.create(
        slug="test-ma", name="Test MA", country="MA", kind="ngo", code_prefix="MA-TEST", languages=["ar", "fr"]
    )
    es = Organisation.objects.create(
        slug="test-es",
        name="Test ES",
        country="ES",
        kind="ngo",
        code_prefix="ES-TEST",
        languages=["es"],
        time_zone="Europe/Madrid",
    )
    ma_team = Team.objects.create(organisation=ma, name="Tanger")
    ma_other = Team.objects.create(organisation=ma, name="Rabat")
    es_team = Team.objects.create(organisation=es, name="Madrid")
    return Cast(
        ma=ma,
        es=es,
        ma_team=ma_team,
        ma_other_team=ma_other,
        es_team=es_team,
        ma_case_worker=_user("ma-cw", ma, Role.CASE_WORKER, ma_team),
        ma_case_worker_2=_user("ma-cw2", ma, Role.CASE_WORKER, ma_team),
        ma_supervisor=_user("ma-sup", ma, Role.SUPERVISOR, ma_team),
        ma_other_supervisor=_user("ma-sup-rabat", ma, Role.SUPERVISOR, ma_other),
        ma_coordinator=_user("ma-coord", ma, Role.COORDINATOR),
        ma_focal_point=_user("ma-focal", ma, Role.PARTNER_FOCAL_POINT),
        ma_analyst=_user("ma-analyst", ma, Role.ANALYST),
        ma_roadmap=_user("ma-roadmap", ma, Role.ROADMAP_MEMBER),
        es_case_worker=_user("es-cw", es, Role.CASE_WORKER, es_team),
        es_supervisor=_user("es-sup", es, Role.SUPERVISOR, es_team),
        outsider=_user("outsider", None, None),
    )
