"""One open referral of a case per recipient: another one to the same team, organisation or partner is
refused (translated, nothing created) while the first is open — also when the requests come at once
(checked under the lock of her row: PostgreSQL row lock, SQLite's write lock taken at BEGIN)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from jisr.common.errors import StateError
from jisr.referrals import services as svc
from jisr.referrals.models import Referral
from referrals.conftest import at_once, events, give_consent, table_counts

DUPLICATE = "this case already has an open referral to this recipient"


def _refer(cast, case, **recipient) -> Referral:  # type: ignore[no-untyped-def]
    return svc.referral_create(actor=cast.ma_case_worker, case=case, categories=["identity"], reason="Other",
                               **recipient)


@pytest.mark.django_db
def test_a_second_open_referral_to_the_same_recipient_is_refused(cast, fatima_case, remote) -> None:
    _keys, partner = remote
    for name in ("Test ES", "Rabat", "Partner ES"):
        give_consent(cast.ma_case_worker, fatima_case, name)
    recipients = ({"organisation": cast.es}, {"team": cast.ma_other_team}, {"partner": partner})
    first = {key: _refer(cast, fatima_case, **{key: value}) for r in recipients for key, value in r.items()}
    before = table_counts()
    for recipient in recipients:
        with pytest.raises(StateError, match=DUPLICATE):
            _refer(cast, fatima_case, **recipient)
    assert table_counts() == before and len(events("referral.create")) == 3
    # Once the first has ended, she may be referred there again.
    svc.referral_transition(actor=cast.ma_case_worker, referral=first["organisation"], event="withdraw")
    assert _refer(cast, fatima_case, organisation=cast.es).state == "sent"


@pytest.mark.django_db
def test_a_declined_referral_does_not_count(cast, fatima_case) -> None:
    from jisr.accounts.roles import Role
    from personas import _user

    es_focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    declined = _refer(cast, fatima_case, organisation=cast.es)
    svc.referral_transition(actor=es_focal, referral=declined, event="receive")
    svc.referral_transition(actor=es_focal, referral=declined, event="decline", code="no_capacity")
    assert _refer(cast, fatima_case, organisation=cast.es).state == "sent"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [
    ("en", "This case already has an open referral to this recipient."),
    ("ar", "لهذه الحالة إحالة مفتوحة إلى هذا المستلم"),
    ("fr", "Ce dossier a déjà une orientation ouverte vers ce destinataire."),
    ("es", "Este caso ya tiene una derivación abierta a este destinatario."),
])
def test_the_refer_screen_refuses_it_in_her_language(cast, fatima_case, language, text) -> None:
    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    client = Client()
    client.force_login(cast.ma_case_worker)
    client.cookies["jisr_language"] = language
    url = reverse("referrals:create", args=[fatima_case.pk])
    data = {"recipient": f"org:{cast.es.pk}", "categories": ["identity"], "reason": "Other", "message": ""}
    assert client.post(url, data).status_code == 303
    before = table_counts()
    response = client.post(url, data)
    assert response.status_code == 409 and text in response.content.decode()
    assert table_counts() == before and Referral.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_requests_at_once_create_one_referral(cast, fatima_case, monkeypatch) -> None:
    """Three requests at once, then one more: one referral, three refusals — the first holds her row's
    lock while it builds the package (slowed down here), the others wait for it and then see it."""
    from jisr.referrals import package

    if connection.vendor != "postgresql":
        # SQLite takes the database's write lock at BEGIN (transaction_mode IMMEDIATE): whole transactions
        # run one after another, as the test above; its in-memory test database cannot run them in threads.
        pytest.skip("row locks: PostgreSQL (SQLite serialises writers)")
    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    build = package.build_package

    def slow_build(case, categories):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        return build(case, categories)

    monkeypatch.setattr(svc, "build_package", slow_build)
    start, outcomes = threading.Barrier(3), []

    def refer() -> None:
        try:
            start.wait(10)
            _refer(cast, fatima_case, organisation=cast.es)
            outcomes.append("created")
        except StateError as exc:
            outcomes.append(str(exc))

    at_once(refer, 3)
    with pytest.raises(StateError, match=DUPLICATE):
        _refer(cast, fatima_case, organisation=cast.es)
    assert sorted(outcomes) == ["created", DUPLICATE, DUPLICATE]
    assert Referral.objects.filter(case=fatima_case).count() == 1 and len(events("referral.create")) == 1
