"""What a new user found on the screens: every language box reachable, follow-ups as cards on a phone,
numbers and codes left to right in Arabic, the date of birth day first, risk reasons laid out as
Bootstrap form-checks, the month chart high enough on a phone, a phone error that says to add the prefix."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

import jisr
from jisr.care import services as care_services
from jisr.survivors.identity import Identity
from jisr.survivors.services import person_register
from jisr.web.forms import COMMON_LANGUAGES, PersonRegisterForm

PACKAGE = Path(jisr.__file__).parent
CSS = (PACKAGE / "web" / "static" / "web" / "jisr.css").read_text(encoding="utf-8")
STATS_CSS = (PACKAGE / "statistics" / "static" / "statistics" / "statistics.css").read_text(encoding="utf-8")
LRI, PDI = "\u2066", "\u2069"


def _rule(css: str, selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert match, f"no CSS rule for {selector}"
    return match.group(1)


def _checkbox_inputs(html: str, name: str) -> list[str]:
    return re.findall(r'<input[^>]*name="' + name + r'"[^>]*>', html)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_register_every_language_is_a_form_check_in_wrapping_columns(cast, login_as, language):
    html = login_as(cast.ma_case_worker, language).get(reverse("web:person_register")).content.decode()
    boxes = _checkbox_inputs(html, "languages")
    assert len(boxes) == len(set(COMMON_LANGUAGES)) >= 30
    assert all('class="form-check-input' in box and 'type="checkbox"' in box for box in boxes)
    assert 'class="check-columns check-columns-short' in html
    assert "language-choices" not in html  # the old box: CSS columns in a fixed height, growing sideways
    # A grid that wraps into as many columns as fit, never a box of fixed height hiding its overflow.
    for selector in (".check-columns", ".check-columns-short"):
        rule = _rule(CSS, selector)
        assert "max-height" not in rule and "overflow" not in rule and not re.search(r"(^|[;\s])columns:", rule)
    assert "display: grid" in _rule(CSS, ".check-columns")
    assert "auto-fill" in _rule(CSS, ".check-columns-short")


@pytest.mark.django_db
def test_register_keeps_the_ticked_languages_after_an_error(cast, login_as):
    response = login_as(cast.ma_case_worker).post(reverse("web:person_register"), {
        "given_name_latin": "Salma", "sex": "Feminine", "age_precision": "approximate",
        "languages": ["ar", "es"], "phone": "12",
    })
    assert response.status_code == 200
    ticked = [box for box in _checkbox_inputs(response.content.decode(), "languages") if " checked" in box]
    assert sorted(re.search(r'value="([^"]+)"', box).group(1) for box in ticked) == ["ar", "es"]


@pytest.mark.django_db
def test_followups_due_are_cards_on_a_phone(cast, fatima_case, login_as):
    today = timezone.localdate()
    for days in (-3, 2):
        care_services.followup_schedule(actor=cast.ma_case_worker, case=fatima_case, kind="call",
                                        due_on=today + dt.timedelta(days=days), notes="")
    html = login_as(cast.ma_case_worker, "ar").get(reverse("care:followups_due")).content.decode()
    tables = re.findall(r"<table[^>]*>.*?</table>", html, flags=re.S)
    assert len(tables) == 2  # overdue and due soon, mine
    for table in tables:
        assert "table-cards" in re.match(r"<table[^>]*>", table).group(0)
        cells = re.findall(r"<td([^>]*)>", table)
        assert cells and all('data-label="' in attrs for attrs in cells)
    with translation.override("ar"):
        labels = {translation.gettext(w) for w in ("Case", "Kind", "Due on", "Assigned to")}
    assert all(f'data-label="{label}"' in html for label in labels)


def _salma(cast):  # type: ignore[no-untyped-def]
    return person_register(
        actor=cast.ma_case_worker, organisation=cast.ma,
        identity=Identity(given_name="سلمى", family_name="العمراني", phone="+212661234567",
                          date_of_birth=dt.date(1999, 3, 15)),
        sex="Feminine", nationality="MA",
    )


@pytest.mark.django_db
def test_person_page_phone_left_to_right_and_date_of_birth_day_first(cast, login_as):
    person = _salma(cast)
    html = login_as(cast.ma_case_worker, "ar").get(
        reverse("web:person_detail", kwargs={"person_id": person.pk})).content.decode()
    assert '<bdi dir="ltr">+212661234567</bdi>' in html
    assert '<bdi dir="ltr">15/03/1999</bdi>' in html
    assert "1999-03-15" not in html


@pytest.mark.django_db
def test_revealed_date_of_birth_and_phone_day_first_and_left_to_right(cast, login_as):
    person = _salma(cast)
    client = login_as(cast.ma_supervisor, "ar")
    url = reverse("web:person_reveal", kwargs={"person_id": person.pk})
    masked = client.get(reverse("web:person_detail", kwargs={"person_id": person.pk})).content.decode()
    assert "15/03/1999" not in masked and "1999" not in masked  # masked: no date to format
    html = client.post(url, {"field": "date_of_birth", "reason": "Vérifier son âge pour la procédure"})
    assert html.status_code == 200
    assert '<bdi dir="ltr">15/03/1999</bdi>' in html.content.decode()
    html = client.post(url, {"field": "phone", "reason": "Vérifier le numéro avant l'appel"}).content.decode()
    assert '<bdi dir="ltr">+212661234567</bdi>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_risk_reasons_are_bootstrap_form_checks(cast, fatima_case, login_as, language):
    html = login_as(cast.ma_case_worker, language).get(
        reverse("care:case_care", args=[fatima_case.pk]), {"tab": "risk"}).content.decode()
    boxes = _checkbox_inputs(html, "reasons")
    assert len(boxes) >= 5
    assert all('class="form-check-input' in box for box in boxes)
    # Each box and its label inside one .form-check, the label right after its box.
    ids = [re.search(r'id="([^"]+)"', box).group(1) for box in boxes]
    for box_id in ids:
        pattern = (r'<div class="form-check"><input[^>]*id="' + box_id
                   + r'"[^>]*><label class="form-check-label" for="' + box_id + '">')
        assert re.search(pattern, html)


def _ar_strings() -> list[tuple[str, str]]:
    found = []
    for po_path in sorted(PACKAGE.glob("**/locale/ar/LC_MESSAGES/django.po")):
        with po_path.open("rb") as f:
            catalog = read_po(f, locale="ar")
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
            found += [(str(po_path.relative_to(PACKAGE)), s) for s in strings if s]
    return found


def test_arabic_catalogues_isolate_hyphenated_numbers_and_prefixes():
    """In Arabic text a '448-1' or '2026-0001' reads '1-448' / '0001-2026' and '+212' reads '212+' (the
    digits become Arabic numbers after an Arabic letter, and the hyphen or plus no longer binds them):
    such a number sits between LRI and PDI in the msgstr."""
    bad = []
    for where, text in _ar_strings():
        outside = re.sub(LRI + ".*?" + PDI, "", text)
        if re.search(r"[\u0600-\u06ff]", text) and re.search(r"\d[-\u2010\u2011]\d|\+\d", outside):
            bad.append(f"{where}: {text!r}")
    assert not bad, "\n".join(bad)
    texts = [text for _where, text in _ar_strings()]
    assert any(f"{LRI}2026-0001{PDI}" in t for t in texts)
    assert any(f"{LRI}448-1{PDI}" in t for t in texts)


@pytest.mark.django_db
def test_search_hint_example_code_is_isolated_in_arabic(cast, login_as):
    html = login_as(cast.ma_case_worker, "ar").get(reverse("web:person_list")).content.decode()
    assert f"{LRI}2026-0001{PDI}" in html


@pytest.mark.parametrize(("language", "country", "expected"), [
    ("es", "ES", ["+34", "+212", "España", "prefijo"]),
    ("fr", "MA", ["+34", "+212", "Maroc", "indicatif"]),
    ("ar", "MA", [f"{LRI}+34{PDI}", f"{LRI}+212{PDI}", "المغرب"]),
])
def test_phone_without_prefix_error_says_to_add_the_country_prefix(language, country, expected):
    with translation.override(language):
        form = PersonRegisterForm(
            {"given_name_latin": "Blessing", "sex": "Feminine", "age_precision": "approximate",
             "phone": "0612345678" if country == "ES" else "612345"},
            country=country,
        )
        assert not form.is_valid()
        message = " ".join(form.errors["phone"])
    assert all(part in message for part in expected), message


def test_phone_error_without_an_organisation_country_still_names_the_prefix():
    with translation.override("es"):
        form = PersonRegisterForm({"given_name_latin": "B", "sex": "Feminine", "age_precision": "approximate",
                                   "phone": "12"}, country="")
        assert not form.is_valid()
        assert "+212" in " ".join(form.errors["phone"])


def test_month_chart_fills_a_box_high_enough_on_a_phone():
    spec = {"type": "bar", "labels": ["11/2026"], "datasets": [{"label": "a", "data": [1]}], "stacked": True}
    vertical = render_to_string("statistics/_chart.html", {"spec": spec, "chart_id": "chart-x", "title": "t"})
    assert 'class="chart-box chart-box-vertical"' in vertical
    horizontal = render_to_string("statistics/_chart.html",
                                  {"spec": {**spec, "horizontal": True}, "chart_id": "chart-y", "title": "t"})
    assert 'class="chart-box chart-box-horizontal"' in horizontal
    rule = _rule(STATS_CSS, ".chart-box-vertical")
    assert re.search(r"min-height:\s*(\d+)rem", rule) and int(re.search(r"min-height:\s*(\d+)rem", rule).group(1)) >= 16
    script = (PACKAGE / "statistics" / "static" / "statistics" / "charts.js").read_text(encoding="utf-8")
    assert "chart-box-vertical" in script and 'position: narrow && !horizontal ? "bottom"' in script
