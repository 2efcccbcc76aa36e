"""Demo data for referrals: `seed_referrals_demo(orgs)` records, through the care services (so the audit
chain holds), on the first open case of each demo organisation, the referral consents a referral from
the demo needs — one per recipient, for a consent names its recipient:

- the other demo organisation on this instance, by its name on this instance ("ONG de demostración
  (Demo ES)" for `demo-ma`): the recipient `make run` offers, *Organisation: …* on the refer form;
- the partner instance, by the name the two-instance procedure gives it (README, "Trying a
  cross-border referral on one machine"; `jisr referral demo_pair`): on the instance of `demo-ma` the
  partner is called "Demo ES", on the instance of `demo-es` it is "Demo MA".

Both are names the consent form offers (`referrals.selectors.consent_recipient_names`), the partner's
once `demo_pair` has confirmed it. Generated content only.
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


PEER_SLUGS = {"demo-ma": "demo-es", "demo-es": "demo-ma"}


def demo_consent_recipients(org: Organisation) -> list[str]:
    """The recipients the demo's referral consents name on `org`'s first case: the other demo
    organisation on this instance (when seeded here) and the partner instance."""
    peer = Organisation.objects.filter(slug=PEER_SLUGS.get(org.slug, "")).values_list("name", flat=True).first()
    partner = PARTNER_NAMES.get(org.slug)
    return [name for name in (peer, partner) if name]


@transaction.atomic
def seed_referrals_demo(organisations: Iterable[Organisation]) -> int:
    """Idempotent: a consent already recorded for a recipient on the case is not recorded again.
    Returns the number of consents recorded."""
    made = 0
    for org in organisations:
        case = (Case.objects.filter(organisation=org, status=CaseStatus.OPEN)
                .select_related("person", "assigned_to").order_by("created_at").first())
        if org.slug not in PARTNER_NAMES or case is None or case.assigned_to is None:
            continue
        for recipient in demo_consent_recipients(org):
            if case.consents.filter(purpose=ConsentPurpose.REFERRAL, recipient=recipient).exists():
                continue
            care.consent_record(
                actor=case.assigned_to, case=case, purpose=ConsentPurpose.REFERRAL, recipient=recipient,
                recipient_country=PARTNER_COUNTRIES[org.slug], given_by="survivor", method="written",
                language=(org.languages or ["ar"])[0], given_on=timezone.localdate() - dt.timedelta(days=2),
            )
            made += 1
    return made
