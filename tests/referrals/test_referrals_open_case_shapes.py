"""Opening a case from a partner's referral registers her from what the partner shared: a field of another
type than the package standard gives (a date of birth that is a number, an estimated age that is not an
object…) is refused with a translated message, and nothing is created — never a server error."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import Referral
from jisr.survivors.models import Person
from referrals.conftest import table_counts

pytestmark = pytest.mark.django_db
GOOD = {"prs_FirstName": "Nadia", "prs_SecondName": "Amrani", "prs_Gender": "Feminine"}


def _accepted(cast, keys: env.InstanceKeys, package: dict) -> Referral:  # type: ignore[type-arg]
    """A referral from the partner holding `keys` sharing `package`, accepted by our focal point."""
    own = svc.own_public_keys()
    payload = env.make_payload(
        sender=keys, recipient=own, kind="referral", referral_id=str(uuid.uuid4()),
        body={"event": "send", "reason": "Other", "categories": ["identity", "contact", "documents"],
              "package": package,
              "consent": {"reference": str(uuid.uuid4()), "purpose": "referral", "given_on": "2026-05-01",
                          "language": "es", "given_by": "survivor"}},
        now=timezone.now(), ttl=dt.timedelta(days=1))
    referral = svc.inbox_receive(env.seal(payload, sender=keys, recipient_encryption_public=own.encryption_public))
    return svc.referral_transition(actor=cast.ma_focal_point, referral=referral, event="accept")


@pytest.mark.parametrize("package", [
    {"identity": {**GOOD, "prs_Birthdate": 19990402}},
    {"identity": {**GOOD, "prs_Birthdate": "2 April 1999"}},
    {"identity": {**GOOD, "jisr_EstimatedAge": 24}},
    {"identity": {**GOOD, "jisr_EstimatedAge": {"age": "24", "estimated_on": "2026-05-01"}}},
    {"identity": {**GOOD, "jisr_EstimatedAge": {"age": 24, "estimated_on": 2026}}},
    {"identity": {**GOOD, "prs_Citizenship": "MA"}},
    {"identity": {**GOOD, "prs_Citizenship": [504]}},
    {"identity": {**GOOD, "prs_FirstName": ["Nadia"]}},
    {"identity": {**GOOD, "prs_Gender": 2}},
    {"identity": {**GOOD, "prs_Gender": "somebody"}},
    {"identity": {**GOOD, "prs_PrimaryLanguage": {"code": "ar"}}},
    {"identity": GOOD, "contact": {"prs_MobilePhone": 34600000009}},
    {"identity": GOOD, "documents": {"prs_IdentityNumber": "AB123456"}},
    {"identity": GOOD, "documents": {"prs_IdentityNumber": [{"kind": "passport", "number": 123456}]}},
], ids=["birth-number", "birth-text", "age-number", "age-text", "age-date-number", "citizenship-text",
        "citizenship-number", "name-list", "sex-number", "sex-unknown", "language-object", "phone-number",
        "documents-text", "document-number"])
def test_a_field_of_another_shape_is_refused_and_nothing_is_created(cast, remote, package) -> None:
    keys, _partner = remote
    referral = _accepted(cast, keys, package)
    client = Client()
    client.force_login(cast.ma_focal_point)
    client.cookies["jisr_language"] = "fr"
    before = table_counts()

    response = client.post(reverse("referrals:open_case", args=[referral.pk]), {"assignee": cast.ma_case_worker.pk})

    assert response.status_code == 400
    assert "ne peut pas être enregistrée telle quelle" in response.content.decode()
    assert table_counts() == before and not Person.objects.exists()
    referral.refresh_from_db()
    assert referral.recipient_case_id is None


def test_a_well_formed_identity_still_opens_the_case(cast, remote) -> None:
    keys, _partner = remote
    referral = _accepted(cast, keys, {
        "identity": {**GOOD, "jisr_EstimatedAge": {"age": 24, "estimated_on": "2026-05-01"},
                     "prs_Citizenship": ["MA"], "prs_PrimaryLanguage": "ar", "prs_Birthdate": None},
        "contact": {"prs_MobilePhone": "+34600000009"},
        "documents": {"prs_IdentityNumber": [{"kind": "passport", "number": "AB123456", "country": "MA"}]}})
    case = svc.referral_open_case(actor=cast.ma_focal_point, referral=referral, assignee=cast.ma_case_worker)
    person = case.person
    assert (person.nationality, person.estimated_age, person.age_estimated_on) == ("MA", 24, dt.date(2026, 5, 1))
