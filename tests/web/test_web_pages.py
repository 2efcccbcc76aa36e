"""Each page renders for the right persona, in Arabic (RTL) and French; strangers get 404."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jisr.audit.models import AuditEvent
from jisr.cases.models import Case, CaseStatus, TrmStage
from jisr.cases.services import case_note_add

pytestmark = pytest.mark.django_db


def _page_urls(case: Case) -> dict[str, str]:
    return {
        "dashboard": reverse("web:dashboard"),
        "person_list": reverse("web:person_list"),
        "person_register": reverse("web:person_register"),
        "person_detail": reverse("web:person_detail", kwargs={"person_id": case.person_id}),
        "case_detail": reverse("web:case_detail", kwargs={"case_id": case.pk}),
    }


@pytest.mark.parametrize(
    "language,direction,marker",
    [
        ("ar", "rtl", "bootstrap.rtl.min.css"),
        ("fr", "ltr", "bootstrap.min.css"),
    ],
)
@pytest.mark.parametrize("page", ["dashboard", "person_list", "person_register", "person_detail", "case_detail"])
def test_page_renders_for_case_worker(cast, fatima_case, login_as, page, language, direction, marker):
    client = login_as(cast.ma_case_worker, language)
    response = client.get(_page_urls(fatima_case)[page])
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert marker in html
    # Translated chrome: the navigation is not in English.
    assert {"ar": "لوحتي", "fr": "Mon tableau de bord"}[language] in html
    # No inline script and no third-party asset on any page (a strict CSP comes next).
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


def test_login_page_renders_in_arabic(client):
    client.cookies["jisr_language"] = "ar"
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert 'for="id_username"' in html and 'for="id_password"' in html


def test_login_and_logout_flow(cast, client):
    from personas import PASSWORD

    response = client.post(reverse("login"), {"username": "ma-cw", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    assert client.get(reverse("web:dashboard")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_dashboard_lists_own_open_cases_with_clear_name(cast, fatima_case, login_as):
    html = login_as(cast.ma_case_worker).get(reverse("web:dashboard")).content.decode()
    assert fatima_case.code in html
    assert "فاطمة بن علي" in html  # the case worker sees her own case's identity in clear
    assert "Identification" in html  # TRM stage, in French (same word)
    assert "Aucun suivi" in html  # follow-ups: empty state


def test_dashboard_masks_names_for_supervisor(cast, fatima_case, login_as):
    html = login_as(cast.ma_supervisor).get(reverse("web:dashboard")).content.decode()
    assert fatima_case.code in html
    assert "Fatima" not in html and "فاطمة" not in html
    assert "F•••" in html


def test_other_case_worker_does_not_see_the_case_on_dashboard(cast, fatima_case, login_as):
    html = login_as(cast.ma_case_worker_2).get(reverse("web:dashboard")).content.decode()
    assert fatima_case.code not in html


def test_person_list_search_by_code(cast, fatima_case, login_as):
    client = login_as(cast.ma_case_worker)
    html = client.post(reverse("web:person_list"), {"q": fatima_case.person.code[-4:]}).content.decode()
    assert fatima_case.person.code in html
    html = client.post(reverse("web:person_list"), {"q": "NO-SUCH-CODE-9"}).content.decode()
    assert fatima_case.person.code not in html


@pytest.mark.parametrize(
    "who",
    [
        "es_case_worker",
        "es_supervisor",
        "ma_case_worker_2",
        "ma_other_supervisor",
        "ma_analyst",
        "ma_roadmap",
        "ma_focal_point",
        "outsider",
    ],
)
def test_strangers_get_404_on_person_and_case(cast, fatima_case, login_as, who):
    client = login_as(getattr(cast, who))
    before = Case.objects.get(pk=fatima_case.pk)
    urls = _page_urls(fatima_case)
    assert client.get(urls["person_detail"]).status_code == 404
    assert client.get(urls["case_detail"]).status_code == 404
    for name in ("case_stage", "case_note", "case_close", "case_risk", "case_assign"):
        url = reverse(f"web:{name}", kwargs={"case_id": fatima_case.pk})
        assert (
            client.post(
                url,
                {
                    "trm_stage": "proceedings",
                    "body": "x",
                    "reason": "other",
                    "risk_level": "high",
                    "assignee": str(getattr(cast, who).pk),
                },
            ).status_code
            == 404
        )
    reveal = reverse("web:person_reveal", kwargs={"person_id": fatima_case.person_id})
    assert client.post(reveal, {"field": "name", "reason": "I would like to know"}).status_code == 404
    after = Case.objects.get(pk=fatima_case.pk)
    assert (after.trm_stage, after.status, after.risk_level, after.assigned_to_id) == (
        before.trm_stage,
        before.status,
        before.risk_level,
        before.assigned_to_id,
    )
    assert not AuditEvent.objects.filter(actor=getattr(cast, who)).exclude(action="case.view").exists()


def test_anonymous_is_sent_to_login(client, fatima_case):
    response = client.get(reverse("web:case_detail", kwargs={"case_id": fatima_case.pk}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_register_page_refused_to_roles_that_may_not_register(cast, login_as):
    assert login_as(cast.ma_analyst).get(reverse("web:person_register")).status_code == 403
    assert login_as(cast.ma_coordinator).get(reverse("web:person_register")).status_code == 403


def test_case_detail_shows_notes_timeline_and_forms(cast, fatima_case, login_as):
    case_note_add(actor=cast.ma_case_worker, case=fatima_case, body="Premier entretien au centre.")
    html = (
        login_as(cast.ma_case_worker, "ar")
        .get(reverse("web:case_detail", kwargs={"case_id": fatima_case.pk}))
        .content.decode()
    )
    assert "Premier entretien au centre." in html  # decrypted note
    assert "فُتحت الحالة" in html or "فتح الحالة" in html  # translated timeline label (case.open)
    assert reverse("web:case_stage", kwargs={"case_id": fatima_case.pk}) in html
    assert reverse("web:case_assign", kwargs={"case_id": fatima_case.pk}) not in html  # case worker: no assign


def _v(case: Case) -> int:
    """The case version as stored: a case form carries the version its page showed (required)."""
    return Case.objects.values_list("version", flat=True).get(pk=case.pk)


def test_case_worker_changes_stage_and_adds_note(cast, fatima_case, login_as):
    client = login_as(cast.ma_case_worker)
    url = reverse("web:case_stage", kwargs={"case_id": fatima_case.pk})
    unversioned = client.post(url, {"trm_stage": TrmStage.FIRST_ASSISTANCE})  # a forged or stale form
    assert unversioned.status_code == 400 and Case.objects.get(pk=fatima_case.pk).trm_stage == TrmStage.IDENTIFICATION
    response = client.post(url, {"trm_stage": TrmStage.FIRST_ASSISTANCE, "version": _v(fatima_case)})
    assert response.status_code == 303
    fatima_case.refresh_from_db()
    assert fatima_case.trm_stage == TrmStage.FIRST_ASSISTANCE
    client.post(reverse("web:case_note", kwargs={"case_id": fatima_case.pk}), {"body": "Appel de suivi."})
    assert fatima_case.notes.count() == 1
    html = client.get(reverse("web:case_detail", kwargs={"case_id": fatima_case.pk})).content.decode()
    assert "Appel de suivi." in html
    assert "Étape TRM modifiée" in html  # timeline label of case.stage in French
    assert "Identification → Première assistance et protection" in html
    html = (
        login_as(cast.ma_case_worker, "ar")
        .get(reverse("web:case_detail", kwargs={"case_id": fatima_case.pk}))
        .content.decode()
    )
    assert "تحديد الهوية ← المساعدة الأولى والحماية" in html  # the arrow follows the reading direction


def test_empty_note_is_refused_with_message(cast, fatima_case, login_as):
    response = login_as(cast.ma_case_worker).post(
        reverse("web:case_note", kwargs={"case_id": fatima_case.pk}), {"body": "   "}
    )
    assert response.status_code == 400
    assert fatima_case.notes.count() == 0
    assert "obligatoire" in response.content.decode()  # Django's "This field is required." in French


def test_close_needs_a_chosen_reason(cast, fatima_case, login_as):
    response = login_as(cast.ma_case_worker).post(
        reverse("web:case_close", kwargs={"case_id": fatima_case.pk}), {"reason": ""}
    )
    assert response.status_code == 400
    fatima_case.refresh_from_db()
    assert fatima_case.status == CaseStatus.OPEN


def test_close_then_reopen(cast, fatima_case, login_as):
    client = login_as(cast.ma_case_worker)
    # Closing is the supervisor's decision: the case worker is refused and pointed to the request.
    response = client.post(reverse("web:case_close", kwargs={"case_id": fatima_case.pk}),
                           {"reason": "lost_contact", "version": _v(fatima_case)})
    assert response.status_code == 403
    fatima_case.refresh_from_db()
    assert fatima_case.status == CaseStatus.OPEN
    login_as(cast.ma_supervisor).post(
        reverse("web:case_close", kwargs={"case_id": fatima_case.pk}),
        {"reason": "lost_contact", "version": _v(fatima_case)},
    )
    client = login_as(cast.ma_case_worker)
    fatima_case.refresh_from_db()
    assert fatima_case.status == CaseStatus.CLOSED
    # Refused while closed: the stage does not change and a translated message says why.
    response = client.post(
        reverse("web:case_stage", kwargs={"case_id": fatima_case.pk}),
        {"trm_stage": TrmStage.PROCEEDINGS, "version": _v(fatima_case)},
    )
    assert response.status_code == 409
    fatima_case.refresh_from_db()
    assert fatima_case.trm_stage == TrmStage.IDENTIFICATION
    assert "Le dossier est clos" in response.content.decode()
    client.post(reverse("web:case_reopen", kwargs={"case_id": fatima_case.pk}),
                {"note": "Elle a rappelé.", "version": _v(fatima_case)})
    fatima_case.refresh_from_db()
    assert fatima_case.status == CaseStatus.OPEN


def test_case_worker_cannot_assign_and_nothing_changes(cast, fatima_case, login_as):
    client = login_as(cast.ma_case_worker)
    response = client.post(
        reverse("web:case_assign", kwargs={"case_id": fatima_case.pk}),
        {"assignee": str(cast.ma_case_worker_2.pk), "version": _v(fatima_case)},
    )
    assert response.status_code == 403
    fatima_case.refresh_from_db()
    assert fatima_case.assigned_to == cast.ma_case_worker
    assert not AuditEvent.objects.filter(action="case.assign").exists()
    assert "ne vous permet pas" in response.content.decode()


def test_supervisor_assigns(cast, fatima_case, login_as):
    client = login_as(cast.ma_supervisor)
    html = client.get(reverse("web:case_detail", kwargs={"case_id": fatima_case.pk})).content.decode()
    assert reverse("web:case_assign", kwargs={"case_id": fatima_case.pk}) in html
    client.post(
        reverse("web:case_assign", kwargs={"case_id": fatima_case.pk}),
        {"assignee": str(cast.ma_case_worker_2.pk), "version": _v(fatima_case)},
    )
    fatima_case.refresh_from_db()
    assert fatima_case.assigned_to == cast.ma_case_worker_2


def test_open_case_from_person_page(cast, fatima_case, login_as):
    login_as(cast.ma_supervisor).post(
        reverse("web:case_close", kwargs={"case_id": fatima_case.pk}),
        {"reason": "transferred", "version": _v(fatima_case)},
    )
    client = login_as(cast.ma_case_worker)
    response = client.post(reverse("web:case_open", kwargs={"person_id": fatima_case.person_id}))
    new = Case.objects.get(person=fatima_case.person, number=2)
    assert response["Location"] == reverse("web:case_detail", kwargs={"case_id": new.pk})
    # A second open case is refused with a message, nothing written.
    response = client.post(reverse("web:case_open", kwargs={"person_id": fatima_case.person_id}))
    assert response.status_code == 409
    assert Case.objects.filter(person=fatima_case.person).count() == 2
    assert "a déjà un dossier ouvert" in response.content.decode()


def test_dashboard_shows_overdue_follow_ups_to_the_team_only(cast, fatima_case, login_as):
    import datetime as dt

    from jisr.care.services import followup_schedule

    followup_schedule(
        actor=cast.ma_case_worker, case=fatima_case, kind="call", due_on=dt.date.today() - dt.timedelta(days=2)
    )
    page = login_as(cast.ma_case_worker).get(reverse("web:dashboard")).content.decode()
    assert "En retard" in page and fatima_case.code in page
    assert fatima_case.code not in login_as(cast.es_case_worker).get(reverse("web:dashboard")).content.decode()
    assert "En retard" not in login_as(cast.ma_case_worker_2).get(reverse("web:dashboard")).content.decode()


def test_stale_case_form_is_refused_with_a_conflict(cast, fatima_case, login_as):
    page = login_as(cast.ma_supervisor).get(reverse("web:case_detail", kwargs={"case_id": fatima_case.pk}))
    assert f'name="version" value="{fatima_case.version}"' in page.content.decode()
    url = reverse("web:case_stage", kwargs={"case_id": fatima_case.pk})
    worker = login_as(cast.ma_case_worker)
    assert worker.post(url, {"trm_stage": TrmStage.FIRST_ASSISTANCE, "version": fatima_case.version}).status_code == 303
    # The supervisor submits the form she loaded before that change.
    response = login_as(cast.ma_supervisor).post(
        url, {"trm_stage": TrmStage.PROCEEDINGS, "version": fatima_case.version}
    )
    assert response.status_code == 409
    fatima_case.refresh_from_db()
    assert fatima_case.trm_stage == TrmStage.FIRST_ASSISTANCE


def test_search_by_name_is_a_post_and_finds_spellings(cast, fatima_case, login_as):
    client = login_as(cast.ma_case_worker)
    page = client.post(reverse("web:person_list"), {"name": "Fatma"}).content.decode()
    assert fatima_case.person.code in page and "Fatma" in page  # the query stays in the form, not the URL
    page = login_as(cast.es_case_worker).post(reverse("web:person_list"), {"name": "Fatima"}).content.decode()
    assert fatima_case.person.code not in page
