"""The people list and its search: one box for a code or a name, sent in a POST body, so that a name
never travels in a URL; a code may still come in a link. Roles without cases get the same 404 as on
every other case screen."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from web_helpers import FATIMA_NAMES, urls_in

from jisr.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/persons/"


def test_the_search_form_posts_and_no_form_on_the_page_uses_get(cast, fatima_case, login_as):
    html = login_as(cast.ma_case_worker).get(URL).content.decode()
    forms = re.findall(r"<form\b[^>]*>", html)
    search = [f for f in forms if 'role="search"' in f]
    assert len(search) == 1 and 'method="post"' in search[0] and f'action="{URL}"' in search[0]
    assert not [f for f in forms if 'method="get"' in f.lower()], forms


@pytest.mark.parametrize("typed", ["Fatma", "فاطمة", "Fatima Benali"])
def test_a_name_is_searched_by_name_from_the_post_body(cast, fatima_case, login_as, typed):
    response = login_as(cast.ma_case_worker).post(URL, {"q": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert fatima_case.person.code in html
    assert "Recherche par nom" in html
    # Found through the blind indexes (audited without the query), and the name is in no URL.
    assert AuditEvent.objects.filter(action="person.search").count() == 1
    assert not [u for u in urls_in(html) if any(n in u for n in (*FATIMA_NAMES, typed, "Fatma"))]


def _eastern(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


@pytest.mark.parametrize("shape", ["whole", "tail", "tail in Eastern Arabic digits", "lower case"])
def test_a_code_is_searched_by_code(cast, fatima_case, login_as, shape):
    code = fatima_case.person.code  # MA-TEST-<year>-0001
    typed = {"whole": code, "tail": code[-9:], "tail in Eastern Arabic digits": _eastern(code[-9:]),
             "lower case": code.lower()}[shape]
    html = login_as(cast.ma_case_worker).post(URL, {"q": typed}).content.decode()
    assert "Recherche par code" in html and f">{code}</a>" in html
    assert not AuditEvent.objects.filter(action="person.search").exists()  # not a name search
    # Nothing outside the user's scope.
    assert f">{code}</a>" not in login_as(cast.es_case_worker).post(URL, {"q": code}).content.decode()


def test_text_without_a_digit_is_a_name(cast, fatima_case, login_as):
    html = login_as(cast.ma_case_worker).post(URL, {"q": "MA-TEST"}).content.decode()
    assert "Recherche par nom" in html and fatima_case.person.code not in html


def test_a_name_in_the_address_is_refused_and_never_echoed(cast, fatima_case, login_as):
    for who in ("ma_case_worker", "ma_supervisor"):
        response = login_as(getattr(cast, who)).get(URL, {"q": "Zineb"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Zineb" not in html
        assert "Seul un code" in html
    assert not AuditEvent.objects.filter(action="person.search").exists()


def test_a_code_in_the_address_still_finds_the_person(cast, fatima_case, login_as):
    client = login_as(cast.ma_case_worker)
    response = client.get(URL, {"q": fatima_case.person.code})
    assert response.status_code == 200
    assert fatima_case.person.code in response.content.decode()


def test_the_earlier_name_field_still_searches(cast, fatima_case, login_as):
    html = login_as(cast.ma_case_worker).post(URL, {"name": "Fatma"}).content.decode()
    assert fatima_case.person.code in html and "Recherche par nom" in html


def test_the_plain_list_pages_with_the_page_number_only(cast, login_as):
    from jisr.survivors.identity import Identity
    from jisr.survivors.services import person_register

    for i in range(26):
        person_register(
            actor=cast.ma_case_worker,
            organisation=cast.ma,
            identity=Identity(given_name_latin=f"Person{i}"),
            sex="Feminine",
            estimated_age=30,
        )
    client = login_as(cast.ma_case_worker)
    first = client.get(URL).content.decode()
    assert 'href="?page=2"' in first
    assert [u for u in urls_in(first) if "?" in u] == ["?page=2"]
    second = client.get(URL, {"page": "2"})
    assert second.status_code == 200 and 'href="?page=1"' in second.content.decode()


@pytest.mark.parametrize("who", ["ma_analyst", "ma_roadmap", "ma_focal_point", "outsider"])
def test_roles_without_cases_get_404(cast, fatima_case, login_as, who):
    client = login_as(getattr(cast, who))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"q": "Fatima"}).status_code == 404
    assert client.get(reverse("web:person_list"), {"q": fatima_case.person.code}).status_code == 404
    assert not AuditEvent.objects.filter(action="person.search").exists()


def test_a_name_search_page_is_one_audit_event_naming_who_was_shown(cast, fatima_case, login_as):
    """The search's own event names the people found and shown; the page adds no list event for them."""
    before = AuditEvent.objects.count()
    html = login_as(cast.ma_case_worker).post(URL, {"q": "Fatima Benali"}).content.decode()
    assert "Fatima" in html  # the case worker sees the name in clear
    [event] = AuditEvent.objects.order_by("seq")[before:]
    assert event.action == "person.search" and event.details == {"found": [str(fatima_case.person.pk)]}
