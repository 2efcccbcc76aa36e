"""A referral to a partner that ends on the sender's side (withdrawn, cancelled because consent is gone,
expired, or withdrawn by an erasure) before its envelope could reach the partner: the queued envelope with
her package is dropped and no notice is queued (the partner knows no such referral: it would refuse the
notice, and we would retry it until it expired). When the partner may have it — delivered, acknowledged,
exported as a file, or tried without an answer — the notice still goes."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from jisr.care.services import consent_withdraw
from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals import transport
from jisr.referrals.models import OutboundMessage, Referral
from jisr.survivors.services import person_erase
from referrals.conftest import events, give_consent

pytestmark = pytest.mark.django_db


def _refer(cast, case, partner) -> Referral:  # type: ignore[no-untyped-def]
    give_consent(cast.ma_case_worker, case, "partner es")
    return svc.referral_create(
        actor=cast.ma_case_worker,
        case=case,
        categories=["identity"],
        reason="Other",
        partner=partner,
        message="She moved to Madrid",
    )


def _package(referral: Referral) -> OutboundMessage:
    return OutboundMessage.objects.get(referral=referral, kind="referral")


def _attempt(monkeypatch: pytest.MonkeyPatch, msg: OutboundMessage, answer: tuple[bool, str]) -> None:
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: answer)
    svc.outbound_deliver(msg.pk)


def _withdraw(cast, referral: Referral) -> Referral:  # type: ignore[no-untyped-def]
    return svc.referral_transition(actor=cast.ma_case_worker, referral=referral, event="withdraw", note="she left")


def _notices(referral: Referral) -> list[str]:
    return list(OutboundMessage.objects.filter(referral=referral, kind="status").values_list("event", flat=True))


@pytest.mark.parametrize(
    "answer",
    [None, (False, "unreachable"), (False, "url_refused"), (False, "unknown_sender"), (False, "http_404")],
    ids=["never tried", "unreachable", "url refused", "refused by the partner", "not its inbox"],
)
def test_withdrawing_a_referral_that_never_arrived_drops_it_and_tells_no_one(
    cast, fatima_case, remote, monkeypatch, answer
) -> None:
    _keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    package = _package(referral)
    if answer is not None:
        _attempt(monkeypatch, package, answer)

    referral = _withdraw(cast, referral)

    assert referral.state == "withdrawn" and referral.package is None
    assert not OutboundMessage.objects.filter(referral=referral).exists()  # her package never leaves; no notice
    [drop] = events("referrals.envelope_drop")
    assert drop.target_id == str(referral.pk) and drop.actor == cast.ma_case_worker
    assert drop.details == {"message": str(package.message_id), "kind": "referral", "event": "send", "why": "withdraw"}
    [withdraw] = events("referral.withdraw")
    assert drop.chain == withdraw.chain and drop.seq < withdraw.seq
    # Nothing is left for the deliverer.
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: pytest.fail("nothing to send"))
    assert svc.outbound_deliver_due() == 0


@pytest.mark.parametrize(
    "answer", [(False, "no_answer"), (False, "http_502")], ids=["no answer after sending", "server failure"]
)
def test_a_referral_that_may_have_arrived_is_dropped_and_the_partner_told(
    cast, fatima_case, remote, monkeypatch, answer
) -> None:
    keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    package = _package(referral)
    _attempt(monkeypatch, package, answer)
    package.refresh_from_db()
    assert package.maybe_delivered and package.delivered_at is None
    # A later attempt that surely did not arrive does not make the earlier one sure.
    _attempt(monkeypatch, package, (False, "unreachable"))
    package.refresh_from_db()
    assert package.maybe_delivered

    referral = _withdraw(cast, referral)

    assert not OutboundMessage.objects.filter(pk=package.pk).exists()  # not sent again
    assert _notices(referral) == ["withdraw"]
    notice = OutboundMessage.objects.get(referral=referral, kind="status")
    opened = env.open_envelope(
        bytes(notice.blob),
        own_keys=[keys],
        now=timezone.now(),
        sender_verify_key=lambda _id: svc.own_public_keys().signing_public,
    )
    assert opened.payload["body"] == {"event": "withdraw", "code": "", "note": "she left"}


def test_a_delivered_referral_is_told_to_withdraw(cast, fatima_case, remote, monkeypatch) -> None:
    _keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    _attempt(monkeypatch, _package(referral), (True, ""))
    _withdraw(cast, referral)
    assert _package(referral).delivered_at is not None and _notices(referral) == ["withdraw"]
    assert not events("referrals.envelope_drop")


def test_an_exported_referral_is_told_to_withdraw(cast, fatima_case, remote) -> None:
    """Its `.jisr` file may be on its way by hand: the notice goes, and the queued copy for HTTP is dropped."""
    _keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    svc.outbound_mark_exported(message=_package(referral), actor_label="ma-coord")
    _withdraw(cast, referral)
    assert _notices(referral) == ["withdraw"]
    assert not OutboundMessage.objects.filter(referral=referral, kind="referral").exists()


def test_an_acknowledged_referral_is_told_to_withdraw(cast, fatima_case, remote) -> None:
    """The partner says it received it (its file was imported there, say), whatever our delivery record says."""
    keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    payload = env.make_payload(
        sender=keys,
        recipient=svc.own_public_keys(),
        kind="status",
        referral_id=str(referral.exchange_id),
        body={"event": "receive", "code": "", "note": ""},
        now=timezone.now(),
        ttl=svc.ENVELOPE_TTL,
    )
    svc.inbox_receive(
        env.seal(payload, sender=keys, recipient_encryption_public=svc.own_public_keys().encryption_public)
    )
    referral = _withdraw(cast, Referral.objects.get(pk=referral.pk))
    assert _notices(referral) == ["withdraw"]


def test_consent_withdrawn_before_delivery_the_package_never_leaves(cast, fatima_case, remote) -> None:
    _keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    consent = referral.consent
    consent_withdraw(actor=cast.ma_case_worker, consent=consent)
    svc.on_consent_withdrawn(actor=cast.ma_case_worker, consent=consent)
    referral.refresh_from_db()
    assert referral.state == "cancelled"
    assert not OutboundMessage.objects.filter(referral=referral).exists()
    assert events("referrals.envelope_drop")[0].details["why"] == "cancel"


def test_a_referral_that_expires_undelivered_is_not_announced(cast, fatima_case, remote, monkeypatch) -> None:
    """Unanswered after ANSWER_WITHIN because the partner never got it (down all along)."""
    _keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    _attempt(monkeypatch, _package(referral), (False, "unreachable"))
    later = timezone.now() + svc.ANSWER_WITHIN + svc.ENVELOPE_TTL
    assert svc.referrals_tick(later)["expired"] == 1
    referral.refresh_from_db()
    assert referral.state == "expired" and not OutboundMessage.objects.filter(referral=referral).exists()


def test_erasing_her_before_her_referral_arrived_tells_no_one(cast, fatima_case, remote) -> None:
    _keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="she asked to be forgotten")
    referral.refresh_from_db()
    assert referral.state == "withdrawn" and not OutboundMessage.objects.filter(referral=referral).exists()
    [drop] = events("referrals.envelope_drop")
    assert drop.details["why"] == "person_erased"


# --- What a failed delivery tells ---------------------------------------------------------------------------


class _Inbox(http.server.BaseHTTPRequestHandler):
    """A partner inbox that reads the envelope, then answers as the test says (or not at all)."""

    answer: tuple[int, bytes] | None = None

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.answer is None:
            time.sleep(2)  # the sender's timeout is shorter
            return
        status, body = self.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def inbox() -> Iterator[tuple[str, type[_Inbox]]]:
    handler = type("Inbox", (_Inbox,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/inbox/", handler
    server.shutdown()
    server.server_close()


def test_the_transport_tells_a_refusal_from_a_silence(inbox, monkeypatch) -> None:
    url, handler = inbox
    handler.answer = (400, json.dumps({"error": "unknown_sender"}).encode())
    assert transport.post_envelope(url, b"JISR\x01x") == (False, "unknown_sender")
    handler.answer = (502, json.dumps({"error": "bad_gateway"}).encode())
    assert transport.post_envelope(url, b"JISR\x01x") == (False, "http_502")  # a failure, not a refusal
    handler.answer = None
    monkeypatch.setattr(transport, "TIMEOUT_SECONDS", 0.3)
    assert transport.post_envelope(url, b"JISR\x01x") == (False, "no_answer")
    with socket.socket() as closed:  # a port nobody listens on: nothing was sent
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    assert transport.post_envelope(f"http://127.0.0.1:{port}/inbox/", b"JISR\x01x") == (False, "unreachable")
    assert [transport.may_have_arrived(e) for e in ("no_answer", "http_502", "unreachable", "url_refused",
                                                    "unknown_sender", "http_404", "replay")] == [
        True, True, False, False, False, False, False]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_waits_for_a_delivery_under_way(cast, fatima_case, remote, monkeypatch, settings) -> None:
    """PostgreSQL: the withdrawal reads the envelope after the send that holds it ends — here delivered, so
    the partner is told — never before (it would drop it as never delivered, and the partner keep it)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite serialises writers)")
    settings.JISR_REFERRALS_DELIVER_ON_COMMIT = False
    _keys, partner = remote
    referral = _refer(cast, fatima_case, partner)
    package = _package(referral)
    sending, sent = threading.Event(), []

    def slow_post(url: str, blob: bytes) -> tuple[bool, str]:
        sending.set()
        time.sleep(0.5)
        sent.append(blob)
        return True, ""

    monkeypatch.setattr("jisr.referrals.transport.post_envelope", slow_post)

    def deliver() -> None:
        try:
            svc.outbound_deliver(package.pk)
        finally:
            connections.close_all()

    deliverer = threading.Thread(target=deliver)
    deliverer.start()
    assert sending.wait(10)
    with transaction.atomic():
        _withdraw(cast, referral)
    deliverer.join()
    assert len(sent) == 1 and _package(referral).delivered_at is not None
    assert _notices(referral) == ["withdraw"]
