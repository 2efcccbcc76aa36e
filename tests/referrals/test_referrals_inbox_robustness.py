"""The partner inbox under abuse: a Content-Length that is no number is a clean 400; an envelope reusing the
exchange id of one of our referrals cannot plant a decoy that takes the partner's status updates (an exchange
id is unique per partner, whichever the direction, and status updates are looked up by partner and id); and
each address gets a limited number of requests (429 beyond `JISR_REFERRAL_INBOX_RATE`)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import Referral
from referrals.conftest import events, give_consent, table_counts
from referrals.test_referrals_inbox import _post, referral_blob, status_blob

pytestmark = pytest.mark.django_db


def _raw_post(body: bytes, **extra):  # type: ignore[no-untyped-def]
    return Client().generic("POST", reverse("referrals:api_inbox"), body,
                            content_type="application/vnd.jisr.envelope", **extra)


@pytest.mark.parametrize("length", ["abc", "-3", "1e3"])
def test_a_content_length_that_is_no_number_is_refused(remote, length) -> None:
    keys, _partner = remote
    before = table_counts()
    response = _raw_post(referral_blob(keys), CONTENT_LENGTH=length)
    assert response.status_code == 400 and response.json() == {"error": "malformed"}
    assert table_counts() == before and not Referral.objects.exists()


def test_a_referral_reusing_the_id_of_ours_is_refused_and_the_real_answer_still_arrives(
        cast, fatima_case, remote) -> None:
    keys, partner = remote
    give_consent(cast.ma_case_worker, fatima_case, "Partner ES")
    ours = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                               reason="Other", partner=partner)
    before = table_counts()

    decoy = _post(referral_blob(keys, referral_id=str(ours.exchange_id)))

    assert decoy.status_code == 400 and decoy.json() == {"error": "malformed"}
    assert table_counts() == before and not Referral.objects.filter(direction="incoming").exists()
    [refused] = events("referrals.envelope_refused")
    assert refused.details["code"] == "malformed" and refused.details["partner"] == str(partner.pk)
    assert _post(status_blob(keys, ours.exchange_id, "receive")).status_code == 202
    ours.refresh_from_db()
    assert ours.state == "received"


def test_two_partners_may_use_the_same_exchange_id(cast, remote) -> None:
    keys, _partner = remote
    other_keys = env.InstanceKeys.generate("test-fr")
    other = svc.partner_add(actor=None, organisation=cast.ma, name="Partner FR",
                            inbox_url="http://127.0.0.1:9/api/v1/referrals/inbox/",
                            public_keys=other_keys.public.to_json(), country="FR")
    svc.partner_confirm(actor=None, partner=other, fingerprint=other.fingerprint)
    shared_id = "5d2c0f0e-2f63-4f7e-9a59-3f2b6c1d9e01"

    assert _post(referral_blob(keys, referral_id=shared_id)).status_code == 202
    assert _post(referral_blob(other_keys, referral_id=shared_id)).status_code == 202
    # Each partner's status update reaches its own referral only.
    assert _post(status_blob(other_keys, shared_id, "withdraw")).status_code == 202
    states = dict(Referral.objects.values_list("partner__name", "state"))
    assert states == {"Partner ES": "received", "Partner FR": "withdrawn"}
    # The same partner sending the same referral id again is a replay.
    assert _post(referral_blob(keys, referral_id=shared_id)).json() == {"error": "replay"}


def test_each_address_is_rate_limited(settings) -> None:
    settings.JISR_REFERRAL_INBOX_RATE = "3/min"
    cache.clear()
    try:
        for _ in range(3):
            assert _raw_post(b"JISR\x01garbage").status_code == 400
        refusals = len(events("referrals.envelope_refused"))
        before = table_counts()
        limited = _raw_post(b"JISR\x01garbage")
        assert limited.status_code == 429 and limited.json() == {"error": "rate_limited"}
        assert 1 <= int(limited["Retry-After"]) <= 60
        assert table_counts() == before and len(events("referrals.envelope_refused")) == refusals
        # Another address is counted on its own.
        assert _raw_post(b"JISR\x01garbage", REMOTE_ADDR="192.0.2.7").status_code == 400
    finally:
        cache.clear()


def test_the_rate_setting_is_checked(settings) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from jisr.referrals.api import inbox_rate

    settings.JISR_REFERRAL_INBOX_RATE = "10/hour"
    assert inbox_rate() == (10, 3600)
    settings.JISR_REFERRAL_INBOX_RATE = "lots"
    with pytest.raises(ImproperlyConfigured):
        inbox_rate()
