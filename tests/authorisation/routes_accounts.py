"""MFA enrolment and verification pages (second factor optional in tests: JISR_REQUIRE_MFA off)."""

from matrix import STAFF, Route, expect

ROUTES = {
    # Any staff member may enrol an authenticator; posting a wrong first code is a 400.
    "accounts:mfa_setup": Route(get=expect(STAFF), post=expect(STAFF, ok=400), data=lambda w: {"code": "000000"}),
    # Without a confirmed authenticator, verification sends to enrolment.
    "accounts:mfa_verify": Route(get=expect(STAFF, ok=302), post=expect(STAFF, ok=302), data=lambda w: {"code": "1"}),
}
