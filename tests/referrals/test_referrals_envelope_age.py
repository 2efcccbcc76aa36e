"""Incoming envelopes have a maximum age (JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS, default 14), counted from
their signed issue time whatever expiry the sender wrote: an older one is refused (code `expired`, a clear
message), stores nothing, and leaves one audit event in the partner's organisation's chain. The replay
cache remembers an id no longer than the envelope could be accepted under any setting."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jisr.referrals import envelope as env
from jisr.referrals import services as svc
from jisr.referrals.models import Referral, RefusedEnvelope, SeenMessage
from referrals.conftest import events, table_counts
from referrals.test_referrals_upkeep import _blob as upkeep_blob

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _blob(keys: env.InstanceKeys, *, issued: dt.datetime, ttl: dt.timedelta) -> tuple[bytes, str]:
    """A new referral from the partner holding `keys`, signed at `issued`, valid (it says) for `ttl`; and
    its message id."""
    blob = upkeep_blob(keys, now=issued, ttl=ttl)
    opened = env.open_envelope(blob, own_keys=svc.own_private_keys(), now=issued,
                               sender_verify_key=lambda _id: keys.public.signing_public)
    return blob, opened.payload["message_id"]


def test_open_envelope_refuses_an_envelope_older_than_max_age(remote) -> None:
    keys, _ = remote
    now = timezone.now()
    blob, message_id = _blob(keys, issued=now - 20 * DAY, ttl=365 * DAY)  # its sender says: valid a year
    own = svc.own_private_keys()
    verify = lambda _id: keys.public.signing_public  # noqa: E731
    with pytest.raises(env.TooOldError) as refused:
        env.open_envelope(blob, own_keys=own, sender_verify_key=verify, now=now, max_age=14 * DAY)
    exc = refused.value
    assert isinstance(exc, env.ExpiredError) and exc.code == "expired"
    assert "more than 14 days" in str(exc)
    assert (exc.sender_instance_id, exc.message_id) == (keys.instance_id, message_id)
    # Younger than the maximum: accepted; and a maximum above MAX_AGE_LIMIT is capped there.
    env.open_envelope(blob, own_keys=own, sender_verify_key=verify, now=now, max_age=21 * DAY)
    old, _ = _blob(keys, issued=now - 400 * DAY, ttl=1000 * DAY)
    with pytest.raises(env.TooOldError):
        env.open_envelope(old, own_keys=own, sender_verify_key=verify, now=now, max_age=10_000 * DAY)
    # An envelope past the expiry it was signed with is still refused as expired (not as too old).
    expired, _ = _blob(keys, issued=now - 20 * DAY, ttl=2 * DAY)
    with pytest.raises(env.ExpiredError) as refused:
        env.open_envelope(expired, own_keys=own, sender_verify_key=verify, now=now, max_age=14 * DAY)
    assert not isinstance(refused.value, env.TooOldError)


def test_inbox_refuses_an_old_envelope_stores_nothing_and_audits_it(cast, remote) -> None:
    keys, partner = remote
    issued = timezone.now() - 15 * DAY
    blob, message_id = _blob(keys, issued=issued, ttl=60 * DAY)
    before = table_counts()
    with pytest.raises(env.TooOldError):
        svc.inbox_receive(blob, via="file")
    # Nothing of it is stored: not even its id in the replay cache (which holds accepted envelopes only);
    # the memo of refusals on record names it, so that a copy is not put on record again.
    assert not SeenMessage.objects.exists() and table_counts() == before
    assert [(r.key, r.code) for r in RefusedEnvelope.objects.all()] == [
        (f"message:{partner.instance_id}:{message_id}", "expired")]
    [event] = events("referrals.envelope_too_old")
    assert event.organisation_id == cast.ma.pk and event.target_id == str(partner.pk)
    assert event.actor_id is None and event.actor_label == partner.name
    assert event.details == {"partner": str(partner.pk), "message": message_id, "via": "file",
                             "issued_at": issued.astimezone(dt.UTC).isoformat(timespec="seconds"),
                             "max_age_days": 14}
    assert not events("referral.arrive")
    # The same envelope a day younger would have been accepted.
    fresh, _ = _blob(keys, issued=timezone.now() - 13 * DAY, ttl=60 * DAY)
    assert svc.inbox_receive(fresh).state == "received"


def test_the_maximum_age_is_a_setting(settings, remote) -> None:
    keys, _ = remote
    blob, _ = _blob(keys, issued=timezone.now() - 20 * DAY, ttl=60 * DAY)
    settings.JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS = 30
    assert svc.envelope_max_age() == 30 * DAY
    assert isinstance(svc.inbox_receive(blob), Referral)
    settings.JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS = 7
    blob, _ = _blob(keys, issued=timezone.now() - 8 * DAY, ttl=60 * DAY)
    with pytest.raises(env.TooOldError):
        svc.inbox_receive(blob)
    assert events("referrals.envelope_too_old")[0].details["max_age_days"] == 7


@pytest.mark.parametrize("value", ["0", "366", "two weeks"])
def test_a_bad_setting_stops_the_start(value) -> None:
    environment = {**os.environ, "JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS": value}
    done = subprocess.run([sys.executable, "-c", "import jisr.config.settings"], env=environment,
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "JISR_REFERRAL_MAX_ENVELOPE_AGE_DAYS must be" in done.stderr


def test_http_inbox_and_file_import_say_why(cast, remote, tmp_path) -> None:
    keys, _ = remote
    blob, _ = _blob(keys, issued=timezone.now() - 15 * DAY, ttl=60 * DAY)
    response = Client().post(reverse("referrals:api_inbox"), data=blob,
                             content_type="application/vnd.jisr.envelope")
    assert response.status_code == 400 and json.loads(response.content) == {"error": "expired"}
    assert events("referrals.envelope_too_old")[0].details["via"] == "http"
    path = tmp_path / "old.jisr"
    path.write_bytes(blob)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("referral", "import", str(path), stderr=err)
    assert "refused (expired: this envelope was issued more than 14 days ago" in err.getvalue()
    # The same envelope by both ways: refused both times, on record once.
    assert len(events("referrals.envelope_too_old")) == 1 and not Referral.objects.exists()


def test_the_replay_cache_remembers_an_id_no_longer_than_it_could_be_accepted(remote) -> None:
    keys, _ = remote
    issued = timezone.now() - DAY
    blob, message_id = _blob(keys, issued=issued, ttl=1000 * DAY)  # a sender's (absurd) thousand days
    svc.inbox_receive(blob)
    seen = SeenMessage.objects.get(pk=message_id)
    assert abs(seen.expires_at - (issued + env.MAX_AGE_LIMIT)) < dt.timedelta(seconds=2)
    # Jisr's own envelopes: the signed expiry, as before.
    blob, message_id = _blob(keys, issued=issued, ttl=svc.ENVELOPE_TTL)
    svc.inbox_receive(blob)
    expires_at = SeenMessage.objects.get(pk=message_id).expires_at
    assert abs(expires_at - (issued + svc.ENVELOPE_TTL)) < dt.timedelta(seconds=2)


def test_the_same_old_envelope_posted_again_is_put_on_record_once(cast, remote) -> None:
    """Anyone holding a copy could otherwise grow the audit trail by posting it again and again."""
    keys, _partner = remote
    blob, message_id = _blob(keys, issued=timezone.now() - 15 * DAY, ttl=60 * DAY)
    client = Client()
    statuses = {client.post(reverse("referrals:api_inbox"), data=blob,
                            content_type="application/vnd.jisr.envelope").status_code for _ in range(5)}
    assert statuses == {400}
    assert [e.details["message"] for e in events("referrals.envelope_too_old")] == [message_id]
