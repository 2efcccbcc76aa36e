"""Demo seed (a referral consent naming the partner), `jisr referral demo_pair` refusals, the consent
form's known recipients, the "referrals of this case" panel (case team only), and the package shown
with labels instead of raw codes."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from jisr.referrals import services as svc
from referrals.conftest import give_consent

pytestmark = pytest.mark.django_db


def _client(user, lang="en") -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    c.cookies["jisr_language"] = lang
    return c


def test_seed_demo_records_a_referral_consent_naming_the_partner() -> None:
    from jisr.accounts.models import Organisation
    from jisr.care.models import Consent

    call_command("seed_demo", "--password", "generated for this test only 42", "--people", "2")
    for slug, peer, partner in (("demo-ma", "demo-es", "Demo ES"), ("demo-es", "demo-ma", "Demo MA")):
        consents = Consent.objects.filter(case__organisation__slug=slug, purpose="referral")
        # The partner instance (two-instance demo) and the other organisation on this one (`make run`).
        assert sorted(c.recipient for c in consents) == sorted([partner, Organisation.objects.get(slug=peer).name])
        assert all(c.in_force_on(c.given_on) for c in consents)
        assert len({c.case_id for c in consents}) == 1
    # Idempotent.
    call_command("seed_demo", "--password", "generated for this test only 42")
    assert Consent.objects.filter(purpose="referral").count() == 4


def test_demo_pair_refuses_non_loopback_and_production(cast, tmp_path, settings) -> None:
    with pytest.raises(CommandError, match="loopback"):
        call_command("referral", "demo_pair", "--peer-data-dir", str(tmp_path), "--peer-url", "https://example.org",
                     "--organisation", cast.ma.slug)
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="development only"):
        call_command("referral", "demo_pair", "--peer-data-dir", str(tmp_path), "--peer-url", "http://127.0.0.1:9",
                     "--organisation", cast.ma.slug)
    from jisr.referrals.models import InstanceKey, Partner

    assert not InstanceKey.objects.exists() and not Partner.objects.exists()


def test_consent_form_offers_known_recipients_and_keeps_their_spelling(cast, fatima_case, remote) -> None:
    from jisr.accounts.models import Organisation
    from jisr.care.models import Consent

    _, partner = remote
    unconfirmed = svc.partner_add(actor=None, organisation=cast.ma, name="Not Yet Confirmed",
                                  inbox_url="http://127.0.0.1:9/", public_keys=__import__(
                                      "jisr.referrals.envelope", fromlist=["x"]).InstanceKeys.generate("x")
                                  .public.to_json())
    page = _client(cast.ma_case_worker).get(reverse("care:case_care", args=[fatima_case.pk]) + "?tab=consent")
    html = page.content.decode()
    assert 'list="consent_recipient_choices"' in html and '<datalist id="consent_recipient_choices">' in html
    for name in (partner.name, cast.ma_team.name, *Organisation.objects.exclude(pk=cast.ma.pk)
                 .values_list("name", flat=True)):
        assert f'<option value="{name}">' in html
    assert unconfirmed.name not in html  # only confirmed partners are offered

    response = _client(cast.ma_case_worker).post(reverse("care:consent_add", args=[fatima_case.pk]), {
        "purpose": "referral", "recipient": "  partner   es ", "given_by": "survivor", "method": "written",
        "language": "ar", "given_on": "01/01/2025"})
    assert response.status_code == 303
    assert Consent.objects.get(purpose="referral").recipient == "Partner ES"  # the directory's spelling
    svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["screening"],
                        reason="AdditionalServicesRequired", partner=partner)


def test_case_page_panel_for_the_case_team_only(cast, fatima_case) -> None:
    url = reverse("web:case_detail", args=[fatima_case.pk])
    html = _client(cast.ma_case_worker).get(url).content.decode()
    assert 'id="case-referrals-title"' in html and "No referral yet." in html
    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    r = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                            reason="AdditionalServicesRequired", organisation=cast.es)
    for user in (cast.ma_case_worker, cast.ma_supervisor):
        html = _client(user).get(url).content.decode()
        assert f'data-referral="{r.pk}"' in html and 'data-state="sent"' in html
        assert reverse("referrals:detail", args=[r.pk]) in html
    # The coordinator reads the case page (masked) but is not the case team: no panel.
    page = _client(cast.ma_coordinator).get(url)
    assert page.status_code == 200 and "case-referrals-title" not in page.content.decode()
    # The recipient organisation's focal point opens a case from it; her case team sees where it came from.
    from jisr.accounts.roles import Role
    from personas import _user

    focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    for event in ("receive", "accept"):
        r = svc.referral_transition(actor=focal, referral=r, event=event)
    new_case = svc.referral_open_case(actor=focal, referral=r, assignee=cast.es_case_worker)
    html = _client(cast.es_case_worker).get(reverse("web:case_detail", args=[new_case.pk])).content.decode()
    assert "Opened from a referral by" in html and str(fatima_case.pk) not in html
    assert reverse("referrals:detail", args=[r.pk]) not in html  # she is not on the referral's side


def test_package_shows_labels_not_codes(cast, fatima_case) -> None:
    from jisr.accounts.roles import Role
    from personas import _user

    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    r = svc.referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity", "documents"],
                            reason="AdditionalServicesRequired", organisation=cast.es)
    focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    html = _client(focal).get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert "National identity card AB123456 (MA)" in html
    assert "kind:" not in html and "number:" not in html and "estimated_on" not in html
