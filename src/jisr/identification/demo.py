"""Demo data for identification: one recorded screening on a demo case (generated person, no real data).

Called by `jisr seed_demo` for each demo organisation: ``seed_identification_demo(org)``.
"""

from __future__ import annotations

from typing import Any

from jisr.accounts.models import Membership, Organisation
from jisr.accounts.roles import Role
from jisr.cases.models import Case, CaseStatus
from jisr.identification.models import Screening
from jisr.identification.services import default_rulesets, screening_record

#: An adult recruited with false promises for domestic work, documents taken at destination (ILO-02-like).
DEMO_OBSERVATION: dict[str, Any] = {
    "age_at_act": 24,
    "age_uncertain": True,
    "acts": ["recruitment", "transportation", "harbouring"],
    "means": ["deception", "abuse_of_vulnerability"],
    "purposes": ["forced_services"],
    "exploitation_occurred": True,
    "consent": True,
    "will_overridden": True,
    "indicators": ["D1.nature_job", "D1.wages", "D4.excessive_hours", "D4.low_no_salary",
                   "D5.confiscation_docs", "D5.isolation", "D6.dependency"],
}


def seed_identification_demo(org: Organisation) -> Screening | None:
    """Record one screening on the organisation's oldest open case, by its case worker. Idempotent: does
    nothing (returns None) when a screening exists already or there is no case worker with an open case."""
    if Screening.objects.filter(organisation=org).exists():
        return None
    membership = (Membership.objects.filter(organisation=org, role=Role.CASE_WORKER, user__is_active=True)
                  .select_related("user").order_by("created_at").first())
    if membership is None:
        return None
    worker = membership.user
    case = (Case.objects.filter(organisation=org, status=CaseStatus.OPEN, assigned_to=worker)
            .select_related("person__data_key").order_by("created_at").first())
    if case is None:
        return None
    return screening_record(actor=worker, case=case, observation=DEMO_OBSERVATION,
                            rulesets=default_rulesets(org.country.code))
