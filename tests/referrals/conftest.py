"""Helpers for the referral tests: consent, a referral-ready case, a simulated partner instance."""

from __future__ import annotations

import datetime as dt

import pytest


def give_consent(user, case, recipient, purpose="referral"):  # type: ignore[no-untyped-def]
    from jisr.care.services import consent_record

    return consent_record(actor=user, case=case, purpose=purpose, recipient=recipient, given_by="survivor",
                          method="written", language="ar", given_on=dt.date.today())


def events(action: str):  # type: ignore[no-untyped-def]
    from jisr.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action).order_by("chain", "seq"))


def table_counts() -> dict[str, int]:
    """Rows per table, audit and session tables excluded (reads are audited), and so is the memo of the
    refusals already on record (`RefusedEnvelope`: a refused envelope leaves its audit event and that row,
    which the refusal tests check themselves)."""
    from django.db import connection

    with connection.cursor() as cur:
        counts = {}
        for table in connection.introspection.table_names():
            if table.startswith(("audit_", "django_session", "referrals_refusedenvelope")):
                continue
            cur.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — introspected names
            counts[table] = cur.fetchone()[0]
        return counts


def at_once(work, n: int) -> None:  # type: ignore[no-untyped-def]
    """Run `work()` in `n` threads started together, each closing its own database connections, and wait for
    them all (concurrency tests, PostgreSQL)."""
    import threading

    from django.db import connections

    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


@pytest.fixture
def instance(db):  # type: ignore[no-untyped-def]
    """This instance's keys."""
    from jisr.referrals.services import instance_keys_init

    return instance_keys_init(name="test-ma")


@pytest.fixture
def remote(cast, instance):  # type: ignore[no-untyped-def]
    """A simulated partner instance ("Partner ES"): its private keys in memory, its public keys pinned
    and confirmed here."""
    from jisr.referrals.envelope import InstanceKeys
    from jisr.referrals.services import partner_add, partner_confirm

    keys = InstanceKeys.generate("test-es")
    partner = partner_add(actor=None, organisation=cast.ma, name="Partner ES",
                          inbox_url="http://127.0.0.1:9/api/v1/referrals/inbox/", public_keys=keys.public.to_json(),
                          country="ES")
    partner_confirm(actor=None, partner=partner, fingerprint=partner.fingerprint)
    partner.refresh_from_db()
    return keys, partner
