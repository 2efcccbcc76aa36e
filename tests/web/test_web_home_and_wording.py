"""The home page per role (a role without cases is pointed to what it does; the follow-ups line names
the scope the role really has) and the wording of the person page in each language (Arabic comma in
Arabic, no repeated "estimé" in French)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_analyst_is_pointed_to_the_statistics_not_to_follow_ups(cast, fatima_case, login_as):
    html = login_as(cast.ma_analyst).get(reverse("web:dashboard")).content.decode()
    main = html.split('<main id="main"', 1)[1]
    assert f'href="{reverse("statistics:dashboard")}"' in main
    assert "Suivis à faire" not in main and "Aucun suivi" not in main  # no empty follow-ups panel
    assert reverse("web:person_list") not in html  # nor a way to a page she may not open


def test_the_roadmap_member_is_pointed_to_the_roadmap(cast, login_as):
    html = login_as(cast.ma_roadmap).get(reverse("web:dashboard")).content.decode()
    main = html.split('<main id="main"', 1)[1]
    assert f'href="{reverse("roadmap:dashboard")}"' in main
    assert "Suivis à faire" not in main


def test_an_account_without_organisation_is_told_whom_to_ask(cast, login_as):
    html = login_as(cast.outsider).get(reverse("web:dashboard")).content.decode()
    assert "coordination de votre organisation" in html


@pytest.fixture
def overdue_elsewhere(cast, fatima_case):  # type: ignore[no-untyped-def]
    """An overdue follow-up of the Moroccan case, assigned to the case worker."""
    from jisr.care.services import followup_schedule

    return followup_schedule(
        actor=cast.ma_case_worker, case=fatima_case, kind="call", due_on=dt.date.today() - dt.timedelta(days=2)
    )


@pytest.mark.parametrize(
    ("who", "language", "expected", "wrong"),
    [
        ("ma_coordinator", "ar", "متابعة متأخرة في المنظمة", "في فريقي"),
        ("ma_coordinator", "fr", "suivi en retard dans l'organisation", "mon équipe"),
        ("ma_supervisor", "ar", "متابعة متأخرة في فريقي", "في المنظمة"),
        ("ma_supervisor", "fr", "suivi en retard dans mon équipe", "l'organisation"),
    ],
)
def test_the_follow_ups_line_names_the_scope(cast, overdue_elsewhere, login_as, who, language, expected, wrong):
    html = login_as(getattr(cast, who), language).get(reverse("web:dashboard")).content.decode()
    text = _text(html).replace("&#x27;", "'")
    assert expected in text
    assert wrong not in text


def _age_and_languages(html: str) -> tuple[str, str]:
    dds = re.findall(r"<dd[^>]*>(.*?)</dd>", html, flags=re.S)
    age = next(_text(d) for d in dds if "(" in d)
    return age.strip(), _text(dds[dds.index(next(d for d in dds if "(" in d)) + 3]).strip()


@pytest.mark.parametrize(
    ("language", "age_line", "languages_line"),
    [
        ("ar", "24 (قُدِّر في {d}، بفارق بضع سنوات)", "العربية، الفرنسية"),
        ("fr", "24 (estimé le {d}, à quelques années près)", "arabe, français"),
        ("es", "24 (estimada el {d}, con unos años de margen)", "árabe, francés"),
    ],
)
def test_age_and_languages_are_worded_per_language(cast, fatima_case, login_as, language, age_line, languages_line):
    person = fatima_case.person
    person.languages = ["ar", "fr"]
    person.save(update_fields=["languages"])
    html = login_as(cast.ma_case_worker, language).get(
        reverse("web:person_detail", kwargs={"person_id": person.pk})
    ).content.decode()
    age, spoken = _age_and_languages(html)
    assert age == age_line.format(d=person.age_estimated_on.strftime("%d/%m/%Y"))
    assert spoken == languages_line
    if language == "ar":
        assert "," not in age and "," not in spoken  # the Latin comma, inside Arabic text
    if language == "fr":
        assert age.lower().count("estimé") == 1


def test_documents_are_listed_with_the_arabic_comma(cast, fatima_case, login_as):
    from django.utils import translation

    from jisr.web.templatetags.jisr_web import document_kinds

    with translation.override("ar"):
        shown = document_kinds("national_id AB1, passport X9")
    assert shown.count("،") == 1 and "," not in shown
    with translation.override("fr"):
        assert document_kinds("national_id AB1, passport X9").count(", ") == 1
    # Each number isolated left to right: "123-45" after an Arabic label keeps its order.
    with translation.override("ar"):
        assert "\u2066123-45\u2069" in document_kinds("national_id 123-45")
