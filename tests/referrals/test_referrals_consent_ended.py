"""Her consent ends — withdrawn, or past its `valid_until` — and nothing a referral shared stays readable
anywhere: an open referral is cancelled (as before); a completed one keeps its state but stops sharing, on
this instance at once and at a partner abroad through a signed ``sharing_ended`` notice, on which the
partner wipes its copy and puts it on record. A partner also refuses a referral whose consent proof has
already expired, and hides (then wipes, in the tick) one whose proof expires while it holds it. What the
recipient copied into a case it opened is its own record: it stays, and its referral page says so."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jisr.care.services import consent_withdraw
from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import OutboundMessage, Referral, ReferralTransition
from jisr.survivors.services import person_identity
from referrals.conftest import events, give_consent, table_counts
from referrals.test_referrals_inbox import _post, status_blob

pytestmark = pytest.mark.django_db
PACKAGE = {"identity": {"prs_FirstName": "Nadia", "prs_SecondName": "Amrani", "prs_Birthdate": "1999-04-02",
                        "prs_Citizenship": ["MA"]},
           "contact": {"prs_MobilePhone": "+34600000009"}}
SHARED = ("Nadia", "Amrani", "+34600000009", "1999")


def _open(msg: OutboundMessage, keys: env.InstanceKeys) -> env.Payload:
    """As the partner's instance opens it."""
    return env.open_envelope(bytes(msg.blob), own_keys=[keys], now=timezone.now(),
                             sender_verify_key=lambda _id: svc.own_public_keys().signing_public).payload


def _from_partner(keys: env.InstanceKeys, *, valid_until: str = "", exchange_id: str | None = None) -> bytes:
    """A referral from the partner holding `keys`, its consent proof valid until `valid_until`."""
    own = svc.own_public_keys()
    payload = env.make_payload(
        sender=keys, recipient=own, kind="referral", referral_id=exchange_id or str(uuid.uuid4()),
        body={"event": "send", "reason": "MigrationOrChangeOfLocation", "categories": ["identity", "contact"],
              "package": PACKAGE, "message": "She asked to be met at the port.",
              "consent": {"reference": str(uuid.uuid4()), "purpose": "referral", "given_on": "2026-05-01",
                          "language": "es", "given_by": "survivor", "valid_until": valid_until}},
        now=timezone.now(), ttl=dt.timedelta(days=1))
    return env.seal(payload, sender=keys, recipient_encryption_public=own.encryption_public)


def _completed_to_partner(cast, case, remote):  # type: ignore[no-untyped-def]
    """Referred to the partner with consent; the partner received, accepted, started and completed it."""
    keys, partner = remote
    consent = give_consent(cast.ma_case_worker, case, "Partner ES")
    referral = svc.referral_create(actor=cast.ma_case_worker, case=case, categories=["identity", "contact"],
                                   reason="Other", partner=partner)
    for event, code in (("receive", ""), ("accept", ""), ("start_service", ""), ("complete", "services_provided")):
        assert _post(status_blob(keys, referral.exchange_id, event, code)).status_code == 202
    referral.refresh_from_db()
    assert referral.state == "completed"
    return consent, referral


def _notices(referral: Referral) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(referral=referral, event=svc.SHARING_ENDED))


# --- The sender's side ------------------------------------------------------------------------------------


def test_withdrawing_consent_tells_the_partner_holding_a_completed_referral(cast, fatima_case, remote) -> None:
    keys, partner = remote
    consent, referral = _completed_to_partner(cast, fatima_case, remote)

    consent_withdraw(actor=cast.ma_case_worker, consent=consent)

    referral.refresh_from_db()
    assert referral.state == "completed" and referral.outcome == "services_provided"  # its state goes on
    assert referral.sharing_ended == "consent_withdrawn" and referral.package is None
    [notice] = _notices(referral)
    assert notice.kind == "status" and notice.partner == partner
    payload = _open(notice, keys)
    assert payload["referral_id"] == str(referral.exchange_id)
    assert payload["body"] == {"event": "sharing_ended", "code": "consent_withdrawn", "note": ""}
    [erased] = events("referrals.package_erased")
    assert erased.target_id == str(referral.pk) and erased.organisation_id == cast.ma.pk
    assert erased.actor == cast.ma_case_worker
    assert erased.details == {"why": "consent_withdrawn", "direction": "outgoing", "notes_cleared": 0}
    # The tick does not tell it again, and the sender's page says the partner was told.
    assert svc.referrals_tick()["sharing_ended"] == 0 and len(_notices(referral)) == 1
    client = Client()
    client.force_login(cast.ma_case_worker)
    client.cookies["jisr_language"] = "en"
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'data-sharing-ended="consent_withdrawn"' in html and "a partner abroad was told" in html


def test_an_expired_consent_ends_a_completed_referral_in_the_tick_once(cast, fatima_case, remote) -> None:
    keys, _partner = remote
    consent, referral = _completed_to_partner(cast, fatima_case, remote)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    type(consent).objects.filter(pk=consent.pk).update(given_on=yesterday - dt.timedelta(days=1),
                                                       valid_until=yesterday)

    assert svc.referrals_tick()["sharing_ended"] == 1
    assert svc.referrals_tick()["sharing_ended"] == 0

    referral.refresh_from_db()
    assert referral.state == "completed" and referral.sharing_ended == "consent_expired"
    [notice] = _notices(referral)
    assert _open(notice, keys)["body"]["code"] == "consent_expired"
    [erased] = events("referrals.package_erased")
    assert erased.actor is None and erased.actor_label == "consent" and erased.details["why"] == "consent_expired"


def test_a_completed_referral_inside_the_instance_stops_sharing_at_once(cast, fatima_case) -> None:
    from jisr.accounts.roles import Role
    from personas import _user

    es_focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    consent = give_consent(cast.ma_case_worker, fatima_case, "test es")
    referral = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                                   reason="Other", organisation=cast.es)
    for event, code in (("receive", ""), ("accept", ""), ("start_service", ""), ("complete", "services_provided")):
        svc.referral_transition(actor=es_focal, referral=referral, event=event, code=code)

    consent_withdraw(actor=cast.ma_case_worker, consent=consent)

    referral = Referral.objects.select_related("data_key").get(pk=referral.pk)
    assert referral.state == "completed" and referral.sharing_ended == "consent_withdrawn"
    assert svc.shared_package(referral) == {} and not OutboundMessage.objects.exists()
    [erased] = events("referrals.package_erased")
    assert erased.organisation_id == cast.es.pk  # in the recipient's chain
    client = Client()
    client.force_login(es_focal)
    client.cookies["jisr_language"] = "en"
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Fatima" not in html and "withdrew the consent" in html


# --- The partner's side (this instance receives) ------------------------------------------------------------


def _received_and_served(cast, keys, **kwargs) -> tuple[Referral, object]:  # type: ignore[no-untyped-def]
    """A referral from the partner: accepted, turned into a case, in service, completed."""
    referral = svc.inbox_receive(_from_partner(keys, **kwargs))
    svc.referral_transition(actor=cast.ma_focal_point, referral=referral, event="accept", note="see you Monday")
    case = svc.referral_open_case(actor=cast.ma_focal_point, referral=referral, assignee=cast.ma_case_worker)
    for event, code in (("start_service", ""), ("complete", "services_provided")):
        svc.referral_transition(actor=cast.ma_focal_point, referral=referral, event=event, code=code)
    return Referral.objects.select_related("data_key").get(pk=referral.pk), case


def _page(cast, referral: Referral) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(cast.ma_focal_point)
    client.cookies["jisr_language"] = "en"
    return client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()


def test_the_partners_notice_wipes_what_it_shared_and_leaves_our_own_record(cast, remote) -> None:
    keys, partner = remote
    referral, case = _received_and_served(cast, keys)
    assert "Nadia" in _page(cast, referral)

    response = _post(status_blob(keys, referral.exchange_id, "sharing_ended", code="consent_withdrawn"))

    assert response.status_code == 202, response.content
    referral = Referral.objects.select_related("data_key").get(pk=referral.pk)
    assert referral.state == "completed" and referral.sharing_ended == "consent_withdrawn"
    assert referral.package is None and referral.message is None and referral.data_key.wrapped is None
    assert not ReferralTransition.objects.filter(referral=referral, note__isnull=False).exists()
    assert svc.shared_package(referral) == {}
    html = _page(cast, referral)
    assert not any(text in html for text in SHARED)
    assert "withdrew the consent" in html and "Review them under your own obligations" in html
    [erased] = events("referrals.package_erased")
    assert erased.organisation_id == cast.ma.pk and erased.actor is None and erased.actor_label == partner.name
    assert erased.details == {"why": "consent_withdrawn", "direction": "incoming", "notes_cleared": 1}
    # Her record in the case we opened is ours: untouched (the page asks us to review it).
    case.person.refresh_from_db()
    assert person_identity(case.person).given_name == "Nadia"


@pytest.mark.parametrize(("code", "note"), [("", ""), ("person_erased", ""), ("consent_withdrawn", "a note")])
def test_a_malformed_notice_is_refused_and_changes_nothing(cast, remote, code, note) -> None:
    keys, _partner = remote
    referral, _case = _received_and_served(cast, keys)
    before = table_counts()
    response = _post(status_blob(keys, referral.exchange_id, "sharing_ended", code=code, note=note))
    assert response.status_code == 400 and response.json() == {"error": "malformed"}
    assert table_counts() == before
    assert svc.shared_package(Referral.objects.select_related("data_key").get(pk=referral.pk))


def test_a_notice_naming_a_referral_we_sent_is_refused(cast, fatima_case, remote) -> None:
    keys, _partner = remote
    _consent, referral = _completed_to_partner(cast, fatima_case, remote)
    before = table_counts()
    response = _post(status_blob(keys, referral.exchange_id, "sharing_ended", code="consent_withdrawn"))
    assert response.status_code == 409
    assert table_counts() == before
    referral.refresh_from_db()
    assert referral.sharing_ended == "" and referral.package is not None


def test_a_referral_whose_consent_proof_expired_is_refused(cast, remote) -> None:
    keys, _partner = remote
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    before = table_counts()
    response = _post(_from_partner(keys, valid_until=yesterday))
    assert response.status_code == 400 and response.json() == {"error": "consent_expired"}
    assert table_counts() == before
    [refused] = events("referrals.envelope_refused")
    assert refused.details["code"] == "consent_expired" and refused.organisation_id == cast.ma.pk
    # Not a date: malformed. Today: still in force, accepted.
    assert _post(_from_partner(keys, valid_until="next spring")).json() == {"error": "malformed"}
    assert _post(_from_partner(keys, valid_until=timezone.localdate().isoformat())).status_code == 202


def test_the_import_screen_says_the_consent_expired(cast, remote) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    keys, _partner = remote
    blob = _from_partner(keys, valid_until=(timezone.localdate() - dt.timedelta(days=1)).isoformat())
    client = Client()
    client.force_login(cast.ma_focal_point)
    client.cookies["jisr_language"] = "en"
    response = client.post(reverse("referrals:import"), {"file": SimpleUploadedFile("r.jisr", blob)})
    assert response.status_code == 400 and "consent this referral rests on has expired" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_held_referral_is_hidden_once_its_consent_proof_expires_and_wiped_in_the_tick(cast, remote) -> None:
    keys, _partner = remote
    referral, case = _received_and_served(cast, keys, valid_until=timezone.localdate().isoformat())
    assert svc.shared_package(referral)["identity"]["prs_FirstName"] == "Nadia"
    # A day later: the proof's last day has passed.
    proof = {**referral.consent_proof, "valid_until": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}
    Referral.objects.filter(pk=referral.pk).update(consent_proof=proof)
    referral = Referral.objects.select_related("data_key").get(pk=referral.pk)

    assert svc.shared_package(referral) == {}  # hidden at once
    assert "Nadia" not in _page(cast, referral)
    assert svc.referrals_tick()["sharing_ended"] == 1
    assert svc.referrals_tick()["sharing_ended"] == 0

    referral = Referral.objects.select_related("data_key").get(pk=referral.pk)
    assert referral.package is None and referral.data_key.wrapped is None
    assert referral.sharing_ended == "consent_expired" and referral.state == "completed"
    [erased] = events("referrals.package_erased")
    assert erased.details["why"] == "consent_expired" and erased.organisation_id == cast.ma.pk
    case.person.refresh_from_db()
    assert person_identity(case.person).given_name == "Nadia"  # our own record
