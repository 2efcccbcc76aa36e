"""Core and API routes in the authorisation matrix."""

from matrix import MA_CASE_TEAM, MA_WRITERS, STAFF, Route, case_version, expect

API_ANON = 403  # DRF with session authentication first: 403 for an anonymous request

person = {"kwargs": lambda w: {"pk": w.person.pk}}
case = {"kwargs": lambda w: {"pk": w.case.pk}}

ROUTES = {
    "login": Route(
        get=expect(STAFF, anonymous=200, ok=(200, 302)), post=expect(STAFF, ok=200, anonymous=200)
    ),  # no credentials: the form again
    "logout": Route(post=expect(STAFF, ok=302, anonymous=302)),
    "set_language": Route(
        get=expect(STAFF, ok=302, anonymous=302),
        post=expect(STAFF, ok=302, anonymous=302),
        data=lambda w: {"language": "ar"},
    ),
    "api-schema": Route(get=expect(STAFF, anonymous=API_ANON)),
    "person-list": Route(
        get=expect(STAFF, anonymous=API_ANON),
        # 409: a duplicate of the world's person exists and is visible; 403 for roles that may not register
        post=expect(
            (
                "ma_case_worker",
                "ma_case_worker_2",
                "ma_supervisor",
                "ma_other_supervisor",
                "es_case_worker",
                "es_supervisor",
            ),
            ok=(201, 409),
            denied=403,
            anonymous=API_ANON,
        ),
        data=lambda w: {"given_name_latin": "Fatma", "family_name_latin": "Ben Ali"},
        json=True,
    ),
    "person-duplicates": Route(
        post=expect(
            (
                "ma_case_worker",
                "ma_case_worker_2",
                "ma_supervisor",
                "ma_other_supervisor",
                "es_case_worker",
                "es_supervisor",
            ),
            denied=403,
            anonymous=API_ANON,
        ),
        data=lambda w: {"given_name_latin": "Fatma"},
        json=True,
    ),
    "person-detail": Route(get=expect(MA_CASE_TEAM, anonymous=API_ANON), **person),
    "person-reveal": Route(
        post=expect(("ma_supervisor",), anonymous=API_ANON, ma_case_worker=403, ma_coordinator=403),
        data=lambda w: {"field": "phone", "reason": "safety check tonight"},
        **person,
    ),
    "case-list": Route(
        get=expect(STAFF, anonymous=API_ANON),
        # POST opens a case: the world's person already has one (409); the coordinator sees her but may not
        # open cases (403); nobody else can see her (404)
        post=expect(MA_WRITERS, ok=409, anonymous=API_ANON, ma_coordinator=403),
        data=lambda w: {"person": str(w.person.pk)},
        json=True,
    ),
    "case-detail": Route(get=expect(MA_CASE_TEAM, anonymous=API_ANON), **case),
    "case-assign": Route(
        post=expect(("ma_supervisor", "ma_coordinator"), anonymous=API_ANON, ma_case_worker=403),
        data=lambda w: {"assignee": "ma-cw2", "version": case_version(w)},
        **case,
    ),
    "case-stage": Route(
        post=expect(MA_WRITERS, anonymous=API_ANON, ma_coordinator=403),
        data=lambda w: {"trm_stage": "first_assistance", "version": case_version(w)},
        **case,
    ),
    "case-risk": Route(
        post=expect(MA_WRITERS, anonymous=API_ANON, ma_coordinator=403),
        data=lambda w: {"risk_level": "high", "version": case_version(w)},
        **case
    ),
    "case-close": Route(
        # closing is the supervisor's decision; the case worker asks for it on the care page
        post=expect(MA_WRITERS, anonymous=API_ANON, ma_coordinator=403, ma_case_worker=403),
        data=lambda w: {"reason": "lost_contact", "version": case_version(w)},
        **case,
    ),
    "case-reopen": Route(
        # the world's case is open: writers get 409 (state), not a 404
        post=expect(MA_WRITERS, ok=409, anonymous=API_ANON, ma_coordinator=403),
        data=lambda w: {"body": "back"},
        **case,
    ),
    "case-notes": Route(
        get=expect(MA_CASE_TEAM, anonymous=API_ANON),
        post=expect(MA_WRITERS, ok=201, anonymous=API_ANON, ma_coordinator=403),
        data=lambda w: {"body": "call"},
        **case,
    ),
}
