"""A queued envelope's row is locked while it is sent (PostgreSQL): a delivery never sends a package that an
erasure is dropping at that moment, and two deliverers never send the same envelope twice at once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from jisr.referrals import services as svc
from jisr.referrals.models import OutboundMessage
from referrals.conftest import at_once, give_consent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_delivery_on_commit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JISR_REFERRALS_DELIVER_ON_COMMIT = False  # the tests deliver themselves


def _queued(cast, case, partner) -> OutboundMessage:  # type: ignore[no-untyped-def]
    give_consent(cast.ma_case_worker, case, "partner es")
    referral = svc.referral_create(actor=cast.ma_case_worker, case=case, categories=["identity"],
                                   reason="Other", partner=partner, message="")
    return OutboundMessage.objects.get(referral=referral, kind="referral", delivered_at__isnull=True)


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite serialises writers)")


def test_an_envelope_being_changed_elsewhere_is_skipped_not_sent(cast, fatima_case, remote, monkeypatch) -> None:
    _require_postgresql()
    _keys, partner = remote
    msg = _queued(cast, fatima_case, partner)
    sent: list[bytes] = []
    monkeypatch.setattr("jisr.referrals.transport.post_envelope", lambda url, blob: (sent.append(blob), (True, ""))[1])
    locked, release = threading.Event(), threading.Event()

    def erasure_in_progress() -> None:  # holds the row as person_erase does while it drops it
        try:
            with transaction.atomic():
                list(OutboundMessage.objects.select_for_update().filter(pk=msg.pk))
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=erasure_in_progress)
    holder.start()
    assert locked.wait(10)
    try:
        assert svc.outbound_deliver(msg.pk) is False
    finally:
        release.set()
        holder.join()
    assert sent == []
    msg.refresh_from_db()
    assert msg.delivered_at is None and msg.attempts == 0  # untouched: the next attempt decides
    assert svc.outbound_deliver(msg.pk) is True and len(sent) == 1


def test_two_deliverers_at_once_send_it_once(cast, fatima_case, remote, monkeypatch) -> None:
    _require_postgresql()
    _keys, partner = remote
    msg = _queued(cast, fatima_case, partner)
    sent: list[bytes] = []

    def slow_post(url: str, blob: bytes) -> tuple[bool, str]:
        sent.append(blob)
        time.sleep(0.5)
        return True, ""

    monkeypatch.setattr("jisr.referrals.transport.post_envelope", slow_post)
    results: list[bool] = []

    at_once(lambda: results.append(svc.outbound_deliver(msg.pk)), 2)
    assert sorted(results) == [False, True] and len(sent) == 1
