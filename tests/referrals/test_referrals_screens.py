"""The referral screens read in Arabic, French and Spanish: dates as day/month/year and language names,
a history that says from which state to which, distinct column headers, a consent error that leads to
the consent tab, one recipient on the "To" line, the reader's list separator, no form for an erased
person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jisr.referrals import services as svc
from jisr.referrals.models import Category, Referral, ReferralState
from referrals.conftest import give_consent

pytestmark = pytest.mark.django_db


def _client(user, language: str) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _to_es(cast, case, categories=("identity", "contact")) -> Referral:  # type: ignore[no-untyped-def]
    give_consent(cast.ma_case_worker, case, "Test ES")
    return svc.referral_create(actor=cast.ma_case_worker, case=case, categories=list(categories),
                               reason="MigrationOrChangeOfLocation", organisation=cast.es)


def _es_focal(cast):  # type: ignore[no-untyped-def]
    from jisr.accounts.roles import Role
    from personas import _user

    return _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)


def _labels(language: str, *codes: str) -> list[str]:
    with translation.override(language):
        return [str(dict(ReferralState.choices)[c]) for c in codes]


def test_consent_date_and_language_are_shown_for_people(cast, fatima_case) -> None:
    r = _to_es(cast, fatima_case)
    today = dt.date.today()
    arabic = _client(cast.ma_case_worker, "ar").get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert today.strftime("%d/%m/%Y") in arabic and today.isoformat() not in arabic
    assert f"بتاريخ {today:%d/%m/%Y} · اللغة: العربية" in arabic and "· ar<" not in arabic
    french = _client(cast.ma_case_worker, "fr").get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert f"{today:%d/%m/%Y} · langue : Arabe" in french


def test_history_shows_the_state_before_and_after(cast, fatima_case) -> None:
    r = _to_es(cast, fatima_case)
    focal = _es_focal(cast)
    svc.referral_transition(actor=focal, referral=r, event="receive")
    svc.referral_transition(actor=focal, referral=r, event="decline", code="no_capacity")
    svc.referral_transition(actor=focal, referral=r, event="reopen", note="capacity again")
    response = _client(cast.ma_case_worker, "ar").get(reverse("referrals:detail", args=[r.pk]))
    html = response.content.decode()
    draft, sent, received, declined = _labels("ar", "draft", "sent", "received", "declined")
    assert f"{draft} ← {sent}" in html and f"{sent} ← {sent}" not in html
    assert f"{sent} ← {received}" in html and f"{received} ← {declined}" in html
    rows = response.context["transitions"]
    assert [(t["from"], t["to"]) for t in rows] == [(draft, sent), (sent, received), (received, declined),
                                                    (declined, received)]
    assert [bool(t["label"]) for t in rows] == [False, False, False, True]  # "Reopened" says more than the states
    assert "السجل" in html  # "History" as a record of steps, not "date"


def test_outbox_headers_are_distinct(cast, fatima_case) -> None:
    _to_es(cast, fatima_case)
    arabic = _client(cast.ma_case_worker, "ar").get(reverse("referrals:outbox")).content.decode()
    head = arabic.split("<thead>", 1)[1].split("</thead>", 1)[0]
    # The case is "الحالة" throughout; the referral's state is "الوضعية", as every status is.
    assert '<th scope="col">الحالة</th>' in head and '<th scope="col">الوضعية</th>' in head
    french = _client(cast.ma_case_worker, "fr").get(reverse("referrals:outbox")).content.decode()
    assert '<th scope="col">Dossier</th>' in french.split("</thead>", 1)[0]


def test_no_consent_error_links_to_the_consent_tab(cast, fatima_case) -> None:
    url = reverse("referrals:create", args=[fatima_case.pk])
    response = _client(cast.ma_case_worker, "ar").post(url, {
        "recipient": f"org:{cast.es.pk}", "categories": ["identity"], "reason": "Other"})
    assert response.status_code == 403 and not Referral.objects.exists()
    html = response.content.decode()
    consent_tab = reverse("care:case_care", args=[fatima_case.pk]) + "?tab=consent"
    assert f'<a href="{consent_tab}">التكفل المندمج ← ' in html  # named as the case page's button
    assert "(الرعاية ← الموافقة)" not in html


def test_the_recipient_reads_one_name_on_the_to_line(cast, fatima_case) -> None:
    r = _to_es(cast, fatima_case)
    html = _client(_es_focal(cast), "es").get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert f'<dt class="col-sm-3">De</dt><dd class="col-sm-9"><bdi>{cast.ma.name}</bdi></dd>' in html
    assert f'<dt class="col-sm-3">A</dt><dd class="col-sm-9"><bdi>{r.counterpart_label}</bdi></dd>' in html
    # The shared estimated age says when it was estimated as day/month/year, like every date on the page.
    assert dt.date.today().isoformat() not in html and f"{dt.date.today():%d/%m/%Y}" in html


def test_shared_data_uses_the_reader_s_list_separator(cast, fatima_case) -> None:
    r = _to_es(cast, fatima_case, ["identity", "contact"])
    with translation.override("ar"):
        contact, identity = (str(dict(Category.choices)[c]) for c in ("contact", "identity"))
    arabic = _client(cast.ma_case_worker, "ar").get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert f"{identity}، {contact}" in arabic or f"{contact}، {identity}" in arabic
    french = _client(cast.ma_case_worker, "fr").get(reverse("referrals:detail", args=[r.pk])).content.decode()
    assert "، " not in french


def test_no_referral_form_for_an_erased_person(cast, fatima_case) -> None:
    from jisr.survivors.services import person_erase

    give_consent(cast.ma_case_worker, fatima_case, "Test ES")
    person_erase(actor=cast.ma_supervisor, person=fatima_case.person, reason="asked by the person")
    client = _client(cast.ma_case_worker, "fr")
    url = reverse("referrals:create", args=[fatima_case.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "data-erased-notice" in html and 'name="categories"' not in html
    response = client.post(url, {"recipient": f"org:{cast.es.pk}", "categories": ["identity"], "reason": "Other"})
    assert response.status_code == 409 and not Referral.objects.exists()


def test_data_package_boxes_are_bootstrap_checkboxes(cast, fatima_case) -> None:
    """Each box carries Bootstrap's class, so it sits before its label on the reading side (right in
    Arabic) instead of inline after the text."""
    html = _client(cast.ma_case_worker, "ar").get(reverse("referrals:create", args=[fatima_case.pk])).content.decode()
    boxes = [tag for tag in html.split("<input")[1:] if 'name="categories"' in tag.split(">")[0]]
    assert len(boxes) == len(Category.choices)
    assert all('class="form-check-input"' in tag.split(">")[0] for tag in boxes)
