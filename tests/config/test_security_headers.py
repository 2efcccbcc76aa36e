"""Browser protections and login throttling."""

from __future__ import annotations

from django.test import Client

from personas import PASSWORD


def test_pages_carry_strict_headers(cast) -> None:
    response = Client().get("/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "geolocation=()" in response["Permissions-Policy"] and "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def _login(password: str, address: str) -> int:
    client = Client(REMOTE_ADDR=address)
    return client.post("/login/", {"username": "ma-cw", "password": password}).status_code


def test_lockout_is_per_username_and_address(cast) -> None:
    for _ in range(4):
        assert _login("wrong password", "10.0.0.1") == 200  # the form again
    assert _login("wrong password", "10.0.0.1") == 429  # the fifth failure locks
    assert (
        "15" in Client(REMOTE_ADDR="10.0.0.1").post("/login/", {"username": "ma-cw", "password": "x"}).content.decode()
    )
    assert _login(PASSWORD, "10.0.0.1") == 429  # locked from that address, even with the right password
    assert _login(PASSWORD, "10.0.0.2") == 302  # the case worker can still log in from her own office


def test_pages_for_staff_are_never_stored(cast, fatima_case) -> None:
    client = Client()
    client.force_login(cast.ma_case_worker)
    for url in ("/", f"/persons/{fatima_case.person.pk}/", f"/cases/{fatima_case.pk}/",
                f"/api/v1/persons/{fatima_case.person.pk}/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url
