"""The follow-ups tab: those still to do first (soonest due first), then those done (latest first), a
page at a time, the page links keeping the tab."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jisr.care import services as svc
from jisr.care import views

TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db


def _schedule(cast, case, days: list[int]):  # type: ignore[no-untyped-def]
    return [
        svc.followup_schedule(actor=cast.ma_case_worker, case=case, kind="call", due_on=TODAY + dt.timedelta(days=d),
                              notes=f"follow-up {d:+03d}")
        for d in days
    ]


def _shown(html: str) -> list[str]:
    return re.findall(r"follow-up [+-]\d\d", html)


def test_to_do_first_then_done_a_page_at_a_time(login_as, cast, fatima_case, monkeypatch) -> None:
    monkeypatch.setattr(views, "FOLLOWUPS_PER_PAGE", 3)
    done = _schedule(cast, fatima_case, [-20, -10])
    for i, fu in enumerate(done):
        svc.followup_complete(actor=cast.ma_case_worker, follow_up=fu, done_on=TODAY - dt.timedelta(days=9 - i))
    _schedule(cast, fatima_case, [5, -3, 1])
    client = login_as(cast.ma_case_worker, "ar")
    url = reverse("care:case_care", args=[fatima_case.pk])
    first = client.get(url, {"tab": "followups"}).content.decode()
    second = client.get(url, {"tab": "followups", "page": "٢"}).content.decode()
    assert _shown(first) == ["follow-up -03", "follow-up +01", "follow-up +05"]
    assert _shown(second) == ["follow-up -10", "follow-up -20"]  # done, the latest done first
    assert 'href="?tab=followups&amp;page=2"' in first
    assert 'href="?tab=followups&amp;page=1"' in second
    # One "mark as done" form per follow-up still to do on the page, none for those done.
    assert first.count("/done/") == 3 and second.count("/done/") == 0


def test_other_tabs_ignore_the_page_number(login_as, cast, fatima_case, monkeypatch) -> None:
    monkeypatch.setattr(views, "FOLLOWUPS_PER_PAGE", 1)
    _schedule(cast, fatima_case, [1, 2])
    html = login_as(cast.ma_case_worker).get(
        reverse("care:case_care", args=[fatima_case.pk]), {"tab": "overview", "page": "2"}
    ).content.decode()
    assert "pagination" not in html


def test_marking_done_or_scheduling_from_page_two_comes_back_to_page_two(login_as, cast, fatima_case,
                                                                         monkeypatch) -> None:
    monkeypatch.setattr(views, "FOLLOWUPS_PER_PAGE", 2)
    later = _schedule(cast, fatima_case, [1, 2, 3, 4])[-1]
    client = login_as(cast.ma_case_worker)
    url = reverse("care:case_care", args=[fatima_case.pk])
    second = client.get(url, {"tab": "followups", "page": "2"}).content.decode()
    done_action = reverse("care:followup_done", args=[fatima_case.pk, later.pk]) + "?page=2"
    assert f'action="{done_action}"' in second
    assert f'action="{reverse("care:followup_add", args=[fatima_case.pk])}?page=2"' in second
    response = client.post(done_action, {"done_on": TODAY.strftime("%d/%m/%Y")})
    assert response.status_code == 303 and response["Location"].endswith("?tab=followups&page=2")
    add = reverse("care:followup_add", args=[fatima_case.pk])
    response = client.post(add + "?page=٢", {"kind": "call", "due_on": "01/01/2030"})  # Eastern Arabic digit
    assert response.status_code == 303 and response["Location"].endswith("?tab=followups&page=2")
    response = client.post(add + "?page=2%3Cscript%3E", {"kind": "call", "due_on": "01/01/2030"})
    assert response.status_code == 303 and response["Location"].endswith("?tab=followups")  # not a number: dropped


def test_a_refused_mark_as_done_shows_its_form_open_with_the_error(login_as, cast, fatima_case) -> None:
    """The 'mark as done' form sits folded in a <details>; after a refusal (a date in the future) it is drawn
    open, so the error next to the field is seen, with the value typed kept; the others stay folded."""
    first, second = _schedule(cast, fatima_case, [1, 2])
    client = login_as(cast.ma_case_worker, "ar")
    tomorrow = (TODAY + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(reverse("care:followup_done", args=[fatima_case.pk, second.pk]), {"done_on": tomorrow})
    assert response.status_code == 400
    html = response.content.decode()
    folded = re.findall(r"<details( open)?><summary>تحديد كمنجزة", html)  # the "mark as done" forms (ar)
    action = f'action="{reverse("care:followup_done", args=[fatima_case.pk, second.pk])}'
    refused = html.split(action, 1)[1].split("</form>", 1)[0]
    # The refused follow-up's form is the second one on the page (soonest due first): open; the other folded.
    assert folded == ["", " open"]
    # The service's refusal is drawn inside that form, with the date as typed; no other form shows it.
    assert 'class="alert alert-danger"' in refused and f'value="{tomorrow}"' in refused
    assert html.count(f'value="{tomorrow}"') == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.done_on is None and first.done_on is None
