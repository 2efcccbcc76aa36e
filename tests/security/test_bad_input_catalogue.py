"""The bad-input catalogue of issue 8, in one place (pieces also live beside their apps; this file makes
the catalogue explicit and fills the gaps):

1. oversize uploads are refused (roadmap evidence, referral envelope import, an oversize form body);
2. CSV in Windows-1256, with a BOM, with semicolons, imported by `jisr import_persons`;
3. names with right-to-left override, zero-width or control characters are normalised on registration
   (web form and API) and never rendered raw;
4. HTML and `<script>` in every reachable free-text field render inert on every page that shows them;
5. spreadsheet formula injection is neutralised in every export (statistics CSV/XLSX, roadmap XLSX).

Every person is generated (common given and family names combined).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from jisr.survivors.models import Person
from jisr.survivors.services import person_identity

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCRIPT = '<script>alert("x")</script><b onmouseover="alert(1)">bold</b>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b onmouseover=&quot;alert(1)&quot;&gt;bold&lt;/b&gt;"
# Hidden and control characters an attacker (or a bad copy-paste) can put in a name.
# (NUL is refused outright by the forms and the API: see test_nul_character_is_refused.)
HIDDEN = ["\u202e", "\u202d", "\u200b", "\u200f", "\u2066", "\ufeff", "\x1b", "\x07", "\x7f"]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def assert_inert(html: str, where: str) -> None:
    assert ESCAPED in html, f"{where}: the escaped text is not shown"
    assert "<script>alert" not in html and 'onmouseover="alert' not in html, f"{where}: raw markup rendered"


# --- 1. Oversize uploads ------------------------------------------------------------------------------------------


def test_oversize_roadmap_evidence_is_refused(cast, settings, tmp_path) -> None:
    from jisr.roadmap.files import MAX_UPLOAD_BYTES
    from jisr.roadmap.models import Action, ProgressUpdate, StoredFile
    from jisr.roadmap.services import action_create

    settings.DATA_DIR = tmp_path
    action = action_create(actor=cast.ma_roadmap, title="Former les juges", lead_organisation=cast.ma)
    url = reverse("roadmap:action_progress", kwargs={"action_id": action.pk})
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_UPLOAD_BYTES, content_type="application/pdf")
    client_for(cast.ma_roadmap).post(url, {"note": "oversize", "file": big})
    assert not StoredFile.objects.exists()
    assert not ProgressUpdate.objects.filter(note="oversize").exists()
    assert Action.objects.filter(pk=action.pk).exists()


def test_oversize_referral_envelope_is_refused(cast) -> None:
    from jisr.referrals.envelope import MAX_ENVELOPE_BYTES
    from jisr.referrals.models import Referral

    big = SimpleUploadedFile("big.jisr", b"JISR" + b"\0" * MAX_ENVELOPE_BYTES, content_type="application/octet-stream")
    response = client_for(cast.ma_coordinator).post(reverse("referrals:import"), {"file": big})
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_oversize_form_body_is_refused(cast, fatima_case) -> None:
    from django.conf import settings

    from jisr.cases.models import CaseNote

    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client_for(cast.ma_case_worker).post(
        reverse("web:case_note", kwargs={"case_id": fatima_case.pk}), {"body": body}
    )
    assert response.status_code == 400
    assert not CaseNote.objects.exists()
    # Below the request limit the note's own limit (20,000 characters) still refuses it.
    response = client_for(cast.ma_case_worker).post(
        reverse("web:case_note", kwargs={"case_id": fatima_case.pk}), {"body": "x" * 20_001}
    )
    assert response.status_code == 400 and not CaseNote.objects.exists()


# --- 2. CSV encodings and separators ------------------------------------------------------------------------------

HEADER = ["given_name", "family_name", "given_name_latin", "family_name_latin", "sex", "estimated_age", "nationality"]
ROWS = [
    ["خديجة", "العلوي", "Khadija", "Alaoui", "F", "31", "MA"],
    ["مريم", "التازي", "Meryem", "Tazi", "F", "27", "NG"],
]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1256", ","), ("utf-8-sig", ","), ("utf-8", ";"), ("cp1256", ";"), ("utf-8-sig", ";")],
    ids=["windows-1256", "bom", "semicolons", "windows-1256+semicolons", "bom+semicolons"],
)
def test_csv_import_encodings_and_separators(cast, tmp_path: Path, encoding: str, delimiter: str) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(ROWS)
    path = tmp_path / "people.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    out = io.StringIO()
    call_command("import_persons", str(path), organisation="test-ma", no_progress=True, stdout=out)
    assert "Registered 2 person(s)" in out.getvalue()
    names = {(i.given_name, i.family_name, i.given_name_latin) for i in map(person_identity, Person.objects.all())}
    assert names == {("خديجة", "العلوي", "Khadija"), ("مريم", "التازي", "Meryem")}
    # The BOM is not part of the first column's name, and no name went to the output.
    assert "\ufeff" not in "".join(n for t in names for n in t) and "خديجة" not in out.getvalue()


# --- 3. Hidden and control characters in names --------------------------------------------------------------------


def _dirty(name: str) -> str:
    return HIDDEN[0] + name[:2] + "".join(HIDDEN[1:]) + name[2:] + "\u202c"


def _assert_clean(text: str, where: str) -> None:
    # Jisr's own Arabic texts isolate a number or code left to right (U+2066 … U+2069, e.g. "2026-0001",
    # "448-1"): those are the page's, not the user's, and are taken out before looking.
    text = re.sub("\u2066[0-9+\\-]+\u2069", "", text)
    for ch in [*HIDDEN, "\u202c"]:
        assert ch not in text, f"{where}: {ch!r} rendered raw"


def test_hidden_characters_normalised_on_web_registration(cast) -> None:
    client = client_for(cast.ma_case_worker)
    response = client.post(
        reverse("web:person_register"),
        {"given_name_latin": _dirty("Salma"), "family_name_latin": _dirty("Tazi"), "family_name": _dirty("التازي"),
         "sex": "Feminine", "estimated_age": "23", "nationality": "MA", "confirm_different": "on"},
    )
    assert response.status_code == 303, response.content[:500]
    person = Person.objects.get()
    identity = person_identity(person)
    assert (identity.given_name_latin, identity.family_name_latin, identity.family_name) == ("Salma", "Tazi", "التازي")
    html = client.get(response["Location"]).content.decode()
    assert "Salma" in html
    _assert_clean(html, "person page")
    listing = client.post(reverse("web:person_list"), {"name": _dirty("Salma")}).content.decode()
    assert person.code in listing  # the search query is cleaned the same way
    _assert_clean(listing, "search results")


def test_hidden_characters_normalised_on_api_registration(cast) -> None:
    api = APIClient()
    api.force_authenticate(cast.ma_case_worker)
    response = api.post(
        "/api/v1/persons/",
        {"given_name_latin": _dirty("Nadia"), "family_name_latin": _dirty("Bennani"), "sex": "Feminine",
         "nationality": "MA", "estimated_age": 30},
        format="json",
    )
    assert response.status_code == 201, response.json()
    person = Person.objects.get(pk=response.json()["id"])
    identity = person_identity(person)
    assert (identity.given_name_latin, identity.family_name_latin) == ("Nadia", "Bennani")
    body = api.get(f"/api/v1/persons/{person.pk}/").content.decode("utf-8")
    assert "Nadia" in body
    _assert_clean(body.encode().decode("unicode_escape", errors="ignore") + body, "API detail")


def test_nul_character_is_refused(cast) -> None:
    response = client_for(cast.ma_case_worker).post(
        reverse("web:person_register"),
        {"given_name_latin": "Sal\x00ma", "sex": "Feminine", "estimated_age": "23", "confirm_different": "on"},
    )
    assert response.status_code in (200, 400) and response.context["form"].errors
    api = APIClient()
    api.force_authenticate(cast.ma_case_worker)
    response = api.post("/api/v1/persons/", {"given_name_latin": "Sal\x00ma", "estimated_age": 30}, format="json")
    assert response.status_code == 400
    assert not Person.objects.exists()


def test_only_hidden_characters_is_no_name(cast) -> None:
    client = client_for(cast.ma_case_worker)
    response = client.post(
        reverse("web:person_register"),
        {"given_name_latin": "".join(HIDDEN), "sex": "Feminine", "estimated_age": "23", "confirm_different": "on"},
    )
    assert response.status_code in (200, 400) and not Person.objects.exists()


def test_lookalike_letters_of_another_alphabet_in_a_name_are_refused(cast) -> None:
    """"Кһadija" (Cyrillic К and һ) looks like "Khadija" on screen but would match no blind index: the
    duplicate check would miss her. Refused on the screen (in the user's language) and the API; a name
    written wholly in Cyrillic is a name, and is registered."""
    fields = {"sex": "Feminine", "estimated_age": "23", "nationality": "MA", "confirm_different": "on"}
    client = client_for(cast.ma_case_worker)
    response = client.post(reverse("web:person_register"),
                           {"given_name_latin": "Кһadija", "family_name_latin": "El Fassi", **fields})
    assert response.status_code in (200, 400) and "أبجديات مختلفة" in response.content.decode()
    api = APIClient()
    api.force_authenticate(cast.ma_case_worker)
    response = api.post("/api/v1/persons/", {"given_name_latin": "Khadija", "family_name_latin": "El Fаssi",
                                              "estimated_age": 30, "confirm_not_duplicate": True}, format="json")
    assert response.status_code == 400
    assert not Person.objects.exists()
    response = client.post(reverse("web:person_register"),
                           {"given_name_latin": "Ольга", "family_name_latin": "Петренко", **fields})
    assert response.status_code == 303 and Person.objects.count() == 1


# --- 4. HTML and script in free text ----------------------------------------------------------------------------------


def test_person_name_markup_is_inert(cast) -> None:
    from jisr.cases.services import case_open
    from jisr.survivors.identity import Identity
    from jisr.survivors.services import person_register

    person = person_register(actor=cast.ma_case_worker, organisation=cast.ma,
                             identity=Identity(given_name_latin=SCRIPT, family_name_latin="Benali"), estimated_age=20)
    case = case_open(actor=cast.ma_case_worker, person=person)
    client = client_for(cast.ma_case_worker)
    for url in [
        reverse("web:person_detail", kwargs={"person_id": person.pk}),
        reverse("web:case_detail", kwargs={"case_id": case.pk}),
        reverse("web:dashboard"),
        reverse("web:person_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)
    html = client.get(reverse("care:case_care", kwargs={"case_id": case.pk})).content.decode()
    assert "<script>alert" not in html and 'onmouseover="alert' not in html
    # The supervisor sees the masked name: still no raw markup.
    html = client_for(cast.ma_supervisor).get(reverse("web:case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "<script>alert" not in html


def test_case_note_markup_is_inert(cast, fatima_case) -> None:
    client = client_for(cast.ma_case_worker)
    url = reverse("web:case_note", kwargs={"case_id": fatima_case.pk})
    assert client.post(url, {"body": SCRIPT}).status_code == 303
    html = client.get(reverse("web:case_detail", kwargs={"case_id": fatima_case.pk})).content.decode()
    assert_inert(html, "case page")


def _care_tab(client: Client, case, tab: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("care:case_care", kwargs={"case_id": case.pk}) + f"?tab={tab}")
    assert response.status_code == 200
    return response.content.decode()


def test_care_plan_goal_markup_is_inert(cast, fatima_case) -> None:
    from jisr.care.models import Domain

    client = client_for(cast.ma_case_worker)
    response = client.post(reverse("care:goal_add", kwargs={"case_id": fatima_case.pk}),
                           {"domain": Domain.choices[0][0], "description": SCRIPT})
    assert response.status_code == 303, response.content[:300]
    assert_inert(_care_tab(client, fatima_case, "plan"), "care plan")


def test_follow_up_note_markup_is_inert(cast, fatima_case) -> None:
    from jisr.care.models import FollowUp

    client = client_for(cast.ma_case_worker)
    due = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client.post(reverse("care:followup_add", kwargs={"case_id": fatima_case.pk}),
                           {"kind": "call", "due_on": due, "notes": SCRIPT})
    assert response.status_code == 303, response.content[:300]
    assert FollowUp.objects.filter(case=fatima_case).exists()
    pages = [_care_tab(client, fatima_case, "followups"), client.get(reverse("care:followups_due")).content.decode(),
             client.get(reverse("web:dashboard")).content.decode()]
    for html in pages:
        assert "<script>alert" not in html and 'onmouseover="alert' not in html
    assert ESCAPED in "".join(pages), "the follow-up note is shown nowhere"


def test_consent_witness_markup_is_inert(cast, fatima_case) -> None:
    from jisr.care.services import consent_record

    consent_record(actor=cast.ma_case_worker, case=fatima_case, purpose="referral", recipient=SCRIPT[:200],
                   given_by="survivor", method="oral_witnessed", language="ar", given_on=dt.date.today(),
                   witness_name=SCRIPT[:200])
    html = _care_tab(client_for(cast.ma_case_worker), fatima_case, "consent")
    assert "<script>alert" not in html and 'onmouseover="alert' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_roadmap_recommendation_markup_is_inert(cast) -> None:
    from jisr.roadmap.demo import ensure_default_areas
    from jisr.roadmap.models import StrategicArea
    from jisr.roadmap.services import event_create, recommendation_create

    ensure_default_areas()  # a flushed test database may have lost the migration-seeded areas
    area = StrategicArea.objects.first()
    event = event_create(actor=cast.ma_roadmap, title_ar="لقاء", title_fr=SCRIPT[:200], starts_on=dt.date(2025, 5, 8),
                         place="Rabat", country="MA", organisers=[cast.ma])
    rec = recommendation_create(actor=cast.ma_roadmap, event=event, area=area, scope="MA",
                                text_ar=SCRIPT, text_fr=SCRIPT, addressee=SCRIPT[:300])
    client = client_for(cast.ma_roadmap)
    for url in [reverse("roadmap:recommendation_detail", kwargs={"recommendation_id": rec.pk}),
                reverse("roadmap:recommendation_list"),
                reverse("roadmap:event_detail", kwargs={"event_id": event.pk})]:
        for language in ("ar", "fr"):
            client.cookies["django_language"] = language
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert "<script>alert" not in html and 'onmouseover="alert' not in html, url
    html = client.get(reverse("roadmap:recommendation_detail", kwargs={"recommendation_id": rec.pk})).content.decode()
    assert "&lt;script&gt;" in html


def test_referral_message_markup_is_inert(cast, fatima_case) -> None:
    from jisr.care.services import consent_record
    from jisr.referrals.services import referral_create
    from personas import _user

    consent_record(actor=cast.ma_case_worker, case=fatima_case, purpose="referral", recipient="test es",
                   given_by="survivor", method="written", language="ar", given_on=dt.date.today())
    referral = referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                               reason="Other", organisation=cast.es, message=SCRIPT)
    from jisr.accounts.roles import Role

    es_focal = _user("es-focal", cast.es, Role.PARTNER_FOCAL_POINT)
    url = reverse("referrals:detail", kwargs={"referral_id": referral.pk})
    shown = ""
    for user in (cast.ma_case_worker, es_focal):
        response = client_for(user).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert" not in html and 'onmouseover="alert' not in html
        shown += html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown, "the message is shown to no one"


def test_referral_message_keeps_its_lines_but_not_hidden_characters(cast, fatima_case) -> None:
    from jisr.care.services import consent_record
    from jisr.referrals.models import Referral
    from jisr.referrals.services import referral_create, referral_message

    consent_record(actor=cast.ma_case_worker, case=fatima_case, purpose="referral", recipient="test es",
                   given_by="survivor", method="written", language="ar", given_on=dt.date.today())
    referral = referral_create(actor=cast.ma_case_worker, case=fatima_case, categories=["identity"],
                               reason="Other", organisation=cast.es,
                               message="She needs \u202eretlehs\u202c tonight\u200b\u0007\r\nCall first.")
    assert referral_message(Referral.objects.get(pk=referral.pk)) == "She needs retlehs tonight\nCall first."


# --- 5. Formula injection in exports ------------------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://x.example\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]
_DANGEROUS = re.compile(r"^[=+\-@\t\r]")


def _cells_xlsx(data: bytes) -> list[object]:
    book = load_workbook(io.BytesIO(data))
    return [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


def _assert_no_formula(values: list[object], where: str) -> None:
    for value in values:
        if isinstance(value, str):
            assert not _DANGEROUS.match(value), f"{where}: {value!r} would run as a formula"


def test_statistics_exports_neutralise_formulas(cast, fatima_case, monkeypatch) -> None:
    from jisr.statistics import services as stats

    real = stats.suppressed_table

    def with_formulas(query, table):  # type: ignore[no-untyped-def]
        header, rows = real(query, table)
        return [*header[:1], *FORMULAS[:1], *header[1:]], [*rows, *[[f, 1] for f in FORMULAS]]

    monkeypatch.setattr(stats, "suppressed_table", with_formulas)
    client = client_for(cast.ma_coordinator)
    table = next(iter(stats.TABLES))
    csv_response = client.get(reverse("statistics:export_aggregate", kwargs={"table": table, "fmt": "csv"}))
    assert csv_response.status_code == 200
    text = b"".join(csv_response).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'=HYPERLINK(\"http://x.example\",\"y\")" in cells
    _assert_no_formula(cells, "statistics CSV")
    xlsx = client.get(reverse("statistics:export_aggregate", kwargs={"table": table, "fmt": "xlsx"}))
    assert xlsx.status_code == 200
    values = _cells_xlsx(b"".join(xlsx))
    assert "'+1+1" in values
    _assert_no_formula(values, "statistics XLSX")


def test_roadmap_xlsx_neutralises_formulas(cast) -> None:
    from jisr.roadmap.demo import ensure_default_areas
    from jisr.roadmap.models import StrategicArea
    from jisr.roadmap.services import event_create, recommendation_create

    ensure_default_areas()  # a flushed test database may have lost the migration-seeded areas
    area = StrategicArea.objects.first()
    event = event_create(actor=cast.ma_roadmap, title_ar="=1+1", title_fr="@SUM(A1)", starts_on=dt.date(2025, 5, 8),
                         place="-2+3", country="MA", organisers=[cast.ma])
    for i, formula in enumerate(FORMULAS):
        recommendation_create(actor=cast.ma_roadmap, event=event, area=area, scope="MA", text_ar=formula,
                              text_fr=formula, addressee=formula, reference=f"R{i}")
    response = client_for(cast.ma_roadmap).get(reverse("roadmap:export_xlsx"))
    assert response.status_code == 200
    values = _cells_xlsx(response.content)
    assert "'=HYPERLINK(\"http://x.example\",\"y\")" in values
    _assert_no_formula(values, "roadmap XLSX")


def test_a_partners_package_is_shown_without_hidden_characters() -> None:
    """A partner's package is not cleaned by our forms: what the referral screen shows of it is."""
    from jisr.referrals.templatetags.jisr_referrals import labelled_package

    shown = labelled_package({"identity": {"jisr_FirstNameLatin": "Evil\u202eName\u200b",
                                           "jisr_Aliases": ["A\u2066b\u2069", "C\u0007"], "prs_Sex": "Feminine"}})
    assert shown["identity"] == {"jisr_FirstNameLatin": "EvilName", "jisr_Aliases": ["Ab", "C"],
                                 "prs_Sex": "Feminine"}
