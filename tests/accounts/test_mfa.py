"""Second factor (TOTP + recovery codes) for roles that touch survivor data."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.db import connection
from django.test import Client

from jisr.accounts.models import MfaDevice
from jisr.audit.models import AuditEvent
from personas import PASSWORD


@pytest.fixture
def mfa_on(settings):  # type: ignore[no-untyped-def]
    settings.JISR_REQUIRE_MFA = True


def _login(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _enrol(client: Client) -> tuple[str, list[str]]:
    page = client.get("/account/mfa/setup/").content.decode()
    secret = re.search(r'user-select-all">([A-Z2-7]+)<', page).group(1)
    response = client.post("/account/mfa/setup/", {"code": pyotp.TOTP(secret).now(), "next": "/"})
    assert response.status_code == 200
    codes = re.findall(r"<li>(\d{5}-\d{5})</li>", response.content.decode())
    return secret, codes


def test_pages_wait_for_the_second_factor(cast, fatima_case, mfa_on) -> None:
    client = _login("ma-cw")
    response = client.get(f"/cases/{fatima_case.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/account/mfa/setup/")
    assert client.get(f"/api/v1/cases/{fatima_case.pk}/").status_code == 403
    _secret, codes = _enrol(client)
    assert len(codes) == 10
    assert client.get(f"/cases/{fatima_case.pk}/").status_code == 200  # enrolment passed the factor
    assert AuditEvent.objects.filter(action="mfa.enrol", actor=cast.ma_case_worker).count() == 1


def test_next_login_asks_for_a_code_and_refuses_replay(cast, fatima_case, mfa_on) -> None:
    secret, _codes = _enrol(_login("ma-cw"))
    client = _login("ma-cw")
    assert client.get("/")["Location"].startswith("/account/mfa/verify/")
    # the code used to enrol was already used: refused (replay), nothing unlocked
    used = pyotp.TOTP(secret).now()
    assert client.post("/account/mfa/verify/", {"code": used}).status_code == 400
    assert client.get("/").status_code == 302
    assert client.post("/account/mfa/verify/", {"code": "000000"}).status_code == 400
    # the next time step's code works
    step_code = pyotp.TOTP(secret).at(time.time() + 30)
    assert client.post("/account/mfa/verify/", {"code": step_code, "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa.failure").count() == 2


def test_recovery_code_works_once(cast, mfa_on) -> None:
    _secret, codes = _enrol(_login("ma-sup"))
    first = _login("ma-sup")
    assert first.post("/account/mfa/verify/", {"code": codes[0]}).status_code == 302
    second = _login("ma-sup")
    assert second.post("/account/mfa/verify/", {"code": codes[0]}).status_code == 400
    assert second.post("/account/mfa/verify/", {"code": codes[1]}).status_code == 302


def test_wrong_codes_are_throttled(cast, mfa_on) -> None:
    _enrol(_login("ma-coord"))
    client = _login("ma-coord")
    statuses = [client.post("/account/mfa/verify/", {"code": "123456"}).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]


def test_secret_is_encrypted_at_rest(cast, mfa_on) -> None:
    secret, codes = _enrol(_login("ma-cw"))
    with connection.cursor() as cur:
        cur.execute(f'SELECT * FROM "{MfaDevice._meta.db_table}"')  # noqa: S608
        rows = cur.fetchall()
        cur.execute('SELECT code_hash FROM "accounts_recoverycode"')
        hashes = [r[0] for r in cur.fetchall()]
    raw = repr(rows) + "".join(bytes(v).decode("latin-1") for r in rows for v in r if isinstance(v, bytes | memoryview))
    assert secret not in raw
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)


def test_roles_without_survivor_data_and_setting_off(cast, fatima_case, settings) -> None:
    settings.JISR_REQUIRE_MFA = True
    assert _login("ma-roadmap").get("/roadmap/").status_code == 200  # roadmap only: no second factor asked
    settings.JISR_REQUIRE_MFA = False
    assert _login("ma-cw").get(f"/cases/{fatima_case.pk}/").status_code == 200


def test_reveal_needs_a_recent_second_factor(cast, fatima_case, mfa_on) -> None:
    secret, _codes = _enrol(_login("ma-sup"))
    client = _login("ma-sup")
    assert client.post("/account/mfa/verify/", {"code": pyotp.TOTP(secret).at(time.time() + 30)}).status_code == 302
    session = client.session
    session["jisr_mfa_verified_at"] = time.time() - 3600  # passed an hour ago
    session.save()
    url = f"/persons/{fatima_case.person.pk}/reveal/"
    response = client.post(url, {"field": "phone", "reason": "safety call tonight"})
    assert response.status_code == 303 and response["Location"].startswith("/account/mfa/verify/")
    assert not AuditEvent.objects.filter(action="person.reveal").exists()


def test_qr_code_is_a_valid_inline_svg(cast, mfa_on) -> None:
    from urllib.parse import unquote

    page = _login("ma-cw").get("/account/mfa/setup/").content.decode()
    src = re.search(r'<img src="(data:image/svg\+xml[^"]+)"', page).group(1)
    svg = unquote(src.split(",", 1)[1])
    assert "xmlns='http://www.w3.org/2000/svg'" in svg.replace('"', "'") and "<path" in svg


def test_partner_operations_need_a_recent_second_factor(cast, mfa_on) -> None:
    from jisr.referrals.models import Partner

    secret, _codes = _enrol(_login("ma-coord"))
    client = _login("ma-coord")
    assert client.post("/account/mfa/verify/", {"code": pyotp.TOTP(secret).at(time.time() + 30)}).status_code == 302
    session = client.session
    session["jisr_mfa_verified_at"] = time.time() - 3600
    session.save()
    response = client.post(
        "/referrals/partners/add/", {"name": "X"}, HTTP_REFERER="http://testserver/referrals/partners/"
    )
    assert (
        response.status_code == 302 and "/account/mfa/verify/?next=%2Freferrals%2Fpartners%2F" in response["Location"]
    )
    assert not Partner.objects.exists()


def test_exports_need_a_recent_second_factor(cast, fatima_case, mfa_on) -> None:
    secret, _codes = _enrol(_login("ma-analyst"))
    client = _login("ma-analyst")
    assert client.post("/account/mfa/verify/", {"code": pyotp.TOTP(secret).at(time.time() + 30)}).status_code == 302
    assert client.get("/statistics/exports/").status_code == 200
    session = client.session
    session["jisr_mfa_verified_at"] = time.time() - 3600
    session.save()
    response = client.get("/statistics/exports/sex.csv")
    assert response.status_code == 302 and response["Location"].startswith("/account/mfa/verify/")
