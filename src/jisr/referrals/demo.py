"""Demo data for cross-border referrals: `seed_referrals_demo(orgs)` records, through the care services
(so the audit chain holds), a referral consent naming the partner instance on the first open case of
each demo organisation — the consent a referral to that partner needs.

The names are those the two-instance procedure gives the partners (README, "Trying a cross-border
referral on one machine"; `jisr referral demo_pair`): on the instance of `demo-ma` the partner is
called "Demo ES", on the instance of `demo-es` it is "Demo MA". Generated content only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from jisr.accounts.models import Organisation
from jisr.care import services as care
from jisr.care.models import ConsentPurpose
from jisr.cases.models import Case, CaseStatus


def demo_instance_name(slug: str) -> str:
    """The name partners give the demo instance of organisation `slug` (demo-es → "Demo ES")."""
    return "Demo " + slug.rsplit("-", 1)[-1].upper()


# Our demo organisation → the name of the partner instance it refers to (the partner directory's name).
PARTNER_NAMES = {"demo-ma": demo_instance_name("demo-es"), "demo-es": demo_instance_name("demo-ma")}
PARTNER_COUNTRIES = {"demo-ma": "ES", "demo-es": "MA"}


@transaction.atomic
def seed_referrals_demo(organisations: Iterable[Organisation]) -> int:
    """Idempotent: a demo organisation whose first open case already has a referral consent is left
    alone. Returns the number of consents recorded."""
    made = 0
    for org in organisations:
        partner_name = PARTNER_NAMES.get(org.slug)
        case = (Case.objects.filter(organisation=org, status=CaseStatus.OPEN)
                .select_related("person", "assigned_to").order_by("created_at").first())
        if partner_name is None or case is None or case.assigned_to is None:
            continue
        if case.consents.filter(purpose=ConsentPurpose.REFERRAL).exists():
            continue
        care.consent_record(
            actor=case.assigned_to, case=case, purpose=ConsentPurpose.REFERRAL, recipient=partner_name,
            recipient_country=PARTNER_COUNTRIES[org.slug], given_by="survivor", method="written",
            language=(org.languages or ["ar"])[0], given_on=timezone.localdate() - dt.timedelta(days=2),
        )
        made += 1
    return made
