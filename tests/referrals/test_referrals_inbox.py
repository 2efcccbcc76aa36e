"""Cross-border envelopes against this instance's inbox, with a simulated partner (its keys in
memory): acceptance, acknowledgement, back-channel, and every refusal — which changes nothing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import OutboundMessage, Referral
from referrals.conftest import events, give_consent, table_counts

pytestmark = pytest.mark.django_db
PACKAGE = {"identity": {"prs_FirstName": "Nadia", "prs_SecondName": "Amrani", "prs_Gender": "Feminine",
                        "prs_MobilePhone": "+34600000009"},  # a field outside the category: dropped
           "contact": {"prs_MobilePhone": "+34600000009"}}  # a category not chosen: dropped


def _own_public():  # type: ignore[no-untyped-def]
    return svc.own_public_keys()


def referral_blob(keys, *, ttl=dt.timedelta(days=1), now=None, referral_id=None, recipient=None,  # type: ignore[no-untyped-def]
                  seal_to=None, message_id=None):
    recipient = recipient or _own_public()
    payload = env.make_payload(
        sender=keys, recipient=recipient, kind="referral", referral_id=referral_id or str(uuid.uuid4()),
        body={"event": "send", "reason": "MigrationOrChangeOfLocation", "categories": ["identity"],
              "package": PACKAGE, "message": "She asked to be met at the port.",
              "consent": {"reference": str(uuid.uuid4()), "purpose": "referral", "given_on": "2026-05-01",
                          "language": "es", "given_by": "survivor"}},
        now=now or timezone.now(), ttl=ttl, message_id=message_id)
    return env.seal(payload, sender=keys, recipient_encryption_public=(seal_to or recipient).encryption_public)


def status_blob(keys, referral_id, event, code="", note=""):  # type: ignore[no-untyped-def]
    payload = env.make_payload(sender=keys, recipient=_own_public(), kind="status", referral_id=str(referral_id),
                               body={"event": event, "code": code, "note": note}, now=timezone.now(),
                               ttl=dt.timedelta(days=1))
    return env.seal(payload, sender=keys, recipient_encryption_public=_own_public().encryption_public)


def _post(blob: bytes):  # type: ignore[no-untyped-def]
    return Client().post(reverse("referrals:api_inbox"), blob, content_type="application/vnd.jisr.envelope")


def test_incoming_referral_is_received_acknowledged_and_filtered(cast, remote) -> None:
    keys, partner = remote
    response = _post(referral_blob(keys))
    assert response.status_code == 202, response.content
    r = Referral.objects.get(direction="incoming")
    assert r.state == "received" and r.recipient_organisation == cast.ma and r.partner == partner
    assert svc.shared_package(r) == {"identity": {"prs_FirstName": "Nadia", "prs_SecondName": "Amrani",
                                                  "prs_Gender": "Feminine"}}
    ack = OutboundMessage.objects.get(referral=r)
    assert ack.kind == "status" and ack.event == "receive"  # signed acknowledgement of receipt
    opened = env.open_envelope(bytes(ack.blob), own_keys=[keys], now=timezone.now(),
                               sender_verify_key=lambda i: svc.own_public_keys().signing_public)
    assert opened.payload["body"]["event"] == "receive"
    assert [e.details["to"] for e in events("referral.receive")] == ["received"]
    # The focal point sees it in her inbox, with the package; nobody else in the organisation does.
    c = Client()
    c.force_login(cast.ma_focal_point)
    html = c.get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert "Nadia" in html and "+34600000009" not in html
    c.force_login(cast.ma_supervisor)
    assert c.get(reverse("referrals:detail", args=[r.pk])).status_code == 404


def _refused(blob: bytes, code: str) -> None:
    before = table_counts()
    response = _post(blob)
    assert response.status_code == 400 and response.json() == {"error": code}
    assert table_counts() == before


def test_unconfirmed_partner_is_refused_both_ways(cast, instance, fatima_case) -> None:
    keys = env.InstanceKeys.generate("unconfirmed")
    partner = svc.partner_add(actor=None, organisation=cast.ma, name="Unconfirmed",
                              inbox_url="https://x.invalid/in/", public_keys=keys.public.to_json())
    _refused(referral_blob(keys), "unknown_sender")
    give_consent(cast.ma_case_worker, fatima_case, "Unconfirmed")
    before = table_counts()
    with pytest.raises(svc.StateError):
        svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"], reason="Other",
                            partner=partner)
    assert table_counts() == before


def test_expired_is_refused(remote) -> None:
    keys, _ = remote
    _refused(referral_blob(keys, now=timezone.now() - dt.timedelta(days=2)), "expired")


def test_replayed_message_id_is_refused(remote) -> None:
    keys, _ = remote
    blob = referral_blob(keys)
    assert _post(blob).status_code == 202
    _refused(blob, "replay")


def test_tampered_byte_is_refused(remote) -> None:
    keys, _ = remote
    blob = bytearray(referral_blob(keys))
    blob[-20] ^= 0x40
    _refused(bytes(blob), "not_for_us")


def test_wrong_signer_is_refused(remote) -> None:
    keys, _ = remote
    impostor = env.InstanceKeys.generate("impostor", instance_id=keys.instance_id)  # claims the partner's id
    _refused(referral_blob(impostor), "bad_signature")


def test_sealed_to_another_instance_is_refused(remote) -> None:
    keys, _ = remote
    elsewhere = env.InstanceKeys.generate("elsewhere")
    _refused(referral_blob(keys, recipient=elsewhere.public), "not_for_us")
    _refused(referral_blob(keys, recipient=elsewhere.public, seal_to=_own_public()), "wrong_recipient")


def test_invalid_transition_from_partner_is_refused(cast, remote) -> None:
    keys, _ = remote
    assert _post(referral_blob(keys)).status_code == 202
    r = Referral.objects.get(direction="incoming")
    before = table_counts()
    # "accept" is the recipient's event: the sender may not send it; "complete" is not possible now.
    for event in ("accept", "receive"):
        response = _post(status_blob(keys, r.exchange_id, event))
        assert response.status_code == 409
    assert table_counts() == before
    assert _post(status_blob(keys, r.exchange_id, "withdraw", note="she changed her mind")).status_code == 202
    r.refresh_from_db()
    assert r.state == "withdrawn" and r.package is None and r.data_key.wrapped is None  # shredded


def test_outgoing_referral_back_channel_and_consent_withdrawal(cast, fatima_case, remote) -> None:
    keys, partner = remote
    with pytest.raises(svc.PermissionDeniedError):
        svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"], reason="Other",
                            partner=partner)
    consent = give_consent(cast.ma_case_worker, fatima_case, "partner es")
    r = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"], reason="Other",
                            partner=partner)
    msg = OutboundMessage.objects.get(referral=r)
    for text in ("Fatima", "Benali", "فاطمة".encode().decode(), "AB123456", "+212612345678"):
        assert text.encode() not in bytes(msg.blob)
    # The partner opens it.
    opened = env.open_envelope(bytes(msg.blob), own_keys=[keys], now=timezone.now(),
                               sender_verify_key=lambda i: svc.own_public_keys().signing_public)
    assert opened.payload["body"]["package"]["identity"]["jisr_FirstNameLatin"] == "Fatima"
    assert "contact" not in opened.payload["body"]["package"]
    # Its answers come back and the sender's state follows.
    for event, code in (("receive", ""), ("accept", "")):
        assert _post(status_blob(keys, r.exchange_id, event, code)).status_code == 202
        r.refresh_from_db()
        assert r.state == {"receive": "received", "accept": "accepted"}[event]
    # Consent withdrawal cancels it and tells the partner.
    from jisr.care.services import consent_withdraw

    consent_withdraw(actor=cast.ma_case_worker, consent=consent)
    svc.on_consent_withdrawn(actor=cast.ma_case_worker, consent=consent)
    r.refresh_from_db()
    assert r.state == "cancelled"
    cancel = OutboundMessage.objects.get(referral=r, event="cancel")
    opened = env.open_envelope(bytes(cancel.blob), own_keys=[keys], now=timezone.now(),
                               sender_verify_key=lambda i: svc.own_public_keys().signing_public)
    assert opened.payload["body"]["event"] == "cancel"


def test_jisr_file_import_and_export(cast, remote, tmp_path) -> None:
    keys, partner = remote
    good, bad = tmp_path / "a.jisr", tmp_path / "b.jisr"
    good.write_bytes(referral_blob(keys))
    bad.write_bytes(referral_blob(keys, now=timezone.now() - dt.timedelta(days=3)))
    call_command("referral", "import", str(good))
    assert Referral.objects.filter(direction="incoming", state="received").count() == 1
    with pytest.raises(CommandError):
        call_command("referral", "import", str(bad))
    assert Referral.objects.count() == 1
    call_command("referral", "export", "--partner", partner.name, "--dir", str(tmp_path / "out"))
    [exported] = list((tmp_path / "out").glob("*.jisr"))
    assert exported.read_bytes().startswith(b"JISR")


def test_keys_and_partner_commands(cast, tmp_path, capsys) -> None:
    call_command("keys", "init", "demo-ma")
    out = capsys.readouterr().out
    fingerprint = out.split("fingerprint: ")[1].strip()
    call_command("keys", "show", "--json")
    assert fingerprint in capsys.readouterr().out
    other = env.InstanceKeys.generate("demo-es")
    path = tmp_path / "es.json"
    path.write_text(other.public.to_json())
    call_command("partner", "add", "Demo ES", "--url", "https://es.example/api/v1/referrals/inbox/",
                 "--public-keys", str(path), "--organisation", "test-ma")
    with pytest.raises(CommandError):
        call_command("partner", "confirm", "Demo ES", "--fingerprint", "0000 0000")
    call_command("partner", "confirm", "Demo ES", "--fingerprint", other.public.fingerprint.lower())
    assert events("referrals.partner_confirm")
    call_command("keys", "rotate")
    assert svc.own_public_keys().fingerprint != fingerprint
    assert len(svc.own_private_keys()) == 2  # the old key still opens envelopes in flight
