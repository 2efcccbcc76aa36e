"""The consent form PDF: plain language in ar/fr/es, Arabic shaped and right-to-left. The text is
extracted back (pypdf, NFKC-normalised so presentation forms compare equal to logical letters) and
page 1 is rendered to PNG with pdftoppm under test-artefacts/ for a person to look at."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jisr.care.services import consent_record

pytestmark = pytest.mark.django_db
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"


def _pdf(cast, case, language, **kw):
    consent = consent_record(actor=cast.ma_case_worker, case=case, given_by="survivor", method="written",
                             language=language, given_on=timezone.localdate(), **kw)
    client = Client()
    client.force_login(cast.ma_case_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get(reverse("care:consent_pdf", kwargs={"case_id": case.pk, "consent_id": consent.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert str(consent.pk) in response["Content-Disposition"]  # the file name carries no personal data
    return response.content


def _text(pdf: bytes) -> str:
    import pypdf

    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in pages))


def _squash(text: str) -> str:
    return "".join(text.split())


def test_arabic_consent_form_is_shaped_and_complete(cast, fatima_case):
    pdf = _pdf(cast, fatima_case, "ar", purpose="sharing", recipient="Partner ES", recipient_country="ES")
    text = _squash(_text(pdf))
    for phrase in ("استمارة الموافقة", "حقوقك", "يمكنك أن تقولي لا", "هذه المنظمة موجودة في بلد آخر"):
        assert _squash(unicodedata.normalize("NFKC", phrase)) in text, phrase
    assert fatima_case.code in text
    for name in ("فاطمة", "Fatima", "Benali"):  # the form names no one: the code only
        assert name not in text
    if shutil.which("pdftoppm"):
        ARTEFACTS.mkdir(exist_ok=True)
        (ARTEFACTS / "consent-ar.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(ARTEFACTS / "consent-ar.pdf"), str(ARTEFACTS / "consent-ar-page1")], check=True)
        assert (ARTEFACTS / "consent-ar-page1.png").stat().st_size > 10_000


@pytest.mark.parametrize("language,phrases", [
    ("fr", ("Formulaire de consentement", "Vous pouvez dire non", "J'accepte que cette organisation m'aide")),
    ("es", ("Formulario de consentimiento", "Puede decir que no", "Acepto que esta organización me ayude")),
])
def test_french_and_spanish_forms(cast, fatima_case, language, phrases):
    text = _squash(_text(_pdf(cast, fatima_case, language, purpose="assistance")))
    for phrase in phrases:
        assert _squash(phrase) in text.replace("’", "'"), phrase


@pytest.mark.parametrize(
    ("language", "country"), [("fr", "Espagne"), ("es", "España"), ("ar", "إسبانيا")]
)
def test_a_referral_abroad_names_the_country_and_says_its_law_differs(cast, fatima_case, language, country):
    """Informed consent to a transfer abroad (Moroccan law 09-08 art. 43; GDPR art. 13(1)(f), 49(1)(a)):
    the form says which country the recipient is in, for a referral as for a sharing."""
    text = _squash(_text(_pdf(cast, fatima_case, language, purpose="referral", recipient="Partner ES",
                              recipient_country="ES")))
    assert _squash(unicodedata.normalize("NFKC", country)) in text
    here = _squash(_text(_pdf(cast, fatima_case, language, purpose="referral", recipient="Tanger team",
                              recipient_country="MA")))
    assert _squash(unicodedata.normalize("NFKC", country)) not in here


def test_an_oral_consent_names_its_witness_and_asks_no_signature_of_the_person(cast, fatima_case):
    consent = consent_record(actor=cast.ma_case_worker, case=fatima_case, given_by="survivor",
                             method="oral_witnessed", witness_name="Nadia Witness", language="fr",
                             given_on=timezone.localdate(), purpose="assistance")
    client = Client()
    client.force_login(cast.ma_case_worker)
    pdf = client.get(reverse("care:consent_pdf", kwargs={"case_id": fatima_case.pk, "consent_id": consent.pk}))
    text = _text(pdf.content)
    assert "Nadia Witness" in text and "Signature du témoin" in _text(pdf.content)
    assert "Signature de la personne" not in text
    written = _text(_pdf(cast, fatima_case, "fr", purpose="assistance"))
    assert "Signature de la personne" in written and "témoin" not in written.lower()
