"""Rendered in Arabic, a screen shows its own app's wording for a word several apps translate
(Django merges every catalogue of a language into one: the global catalogue and the apps listed first win)."""

from __future__ import annotations

from django.urls import reverse

from jisr.referrals import services as referral_services
from jisr.referrals.models import Referral, ReferralState


def test_care_page_names_the_case_as_a_case_not_a_state(cast, fatima_case, login_as) -> None:
    html = login_as(cast.ma_case_worker, "ar").get(reverse("care:case_care", args=[fatima_case.pk])).content.decode()
    breadcrumb = html.split('class="breadcrumb"', 1)[1].split("</ol>", 1)[0]
    # "الحالة" is the case throughout (as in Arabic case management); a state or status is "الوضعية".
    assert "الحالة <bdi" in breadcrumb and "الوضعية" not in breadcrumb and "الملف" not in breadcrumb


def test_completed_referral_reads_as_a_state_not_as_she_completed(cast, fatima_case, login_as) -> None:
    from referrals.conftest import give_consent

    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    referral = referral_services.referral_create(
        actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
        reason="MigrationOrChangeOfLocation", organisation=cast.es,
    )
    Referral.objects.filter(pk=referral.pk).update(state=ReferralState.COMPLETED)
    client = login_as(cast.ma_case_worker, "ar")
    for url in (reverse("referrals:detail", args=[referral.pk]), reverse("referrals:outbox")):
        html = client.get(url).content.decode()
        assert 'data-state="completed" class="badge text-bg-success">مكتملة</span>' in html, url
        assert "أكملت" not in html, url
