"""Screen routes in the authorisation matrix.

Belongs in tests/authorisation/ as `routes_web.py` (the matrix loads every `routes_*.py` there); it is
kept here only because that folder is not the web team's to edit: `git mv tests/web/routes_web.py
tests/authorisation/routes_web.py`.

Statuses of the screens: 200 page; 303 after a successful write (post/redirect/get); 400 invalid input,
403 the role may not, 409 the record's state does not allow it (each with a translated message and
nothing changed); 404 a record the user may not see; 302 to the login page when anonymous.
"""

from matrix import MA_CASE_TEAM, MA_WRITERS, STAFF, Route, case_version, expect

REGISTERERS = (
    "ma_case_worker",
    "ma_case_worker_2",
    "ma_supervisor",
    "ma_other_supervisor",
    "es_case_worker",
    "es_supervisor",
)

# Roles with cases (a scope other than "none"), of either organisation.
CASE_STAFF = (*REGISTERERS, "ma_coordinator")

person = {"kwargs": lambda w: {"person_id": w.person.pk}}
case = {"kwargs": lambda w: {"case_id": w.case.pk}}

ROUTES = {
    "web:dashboard": Route(get=expect(STAFF)),
    # POST searches by code or name (never in a URL); roles without cases get 404, as on every case screen.
    "web:person_list": Route(get=expect(CASE_STAFF), post=expect(CASE_STAFF), data=lambda w: {"q": "Fatma"}),
    "web:person_register": Route(
        get=expect(REGISTERERS, denied=403),
        # A spelling variant of the world's person: the form comes back with the suggestion (or the
        # "possible match you cannot see" line) and nothing is written until the user ticks the box.
        # The Spanish organisation's users are not told of a Moroccan record (the check searches only
        # their own organisation): their own person is registered, 303 to her page.
        post=expect(REGISTERERS, denied=403, es_case_worker=303, es_supervisor=303),
        data=lambda w: {"given_name_latin": "Fatma", "family_name_latin": "Ben Ali", "sex": "Feminine"},
    ),
    "web:person_duplicates": Route(
        post=expect(REGISTERERS, denied=403),
        data=lambda w: {"given_name_latin": "Fatma", "family_name_latin": "Ben Ali", "sex": "Feminine"},
    ),
    "web:person_detail": Route(get=expect(MA_CASE_TEAM), **person),
    # Correcting her record: the roles that write cases, in her organisation, who see her (the case worker in
    # clear, the supervisor masked); the coordinator sees her but may not change her record (the refused
    # page, 403); everyone else gets 404. The version is the one the form was filled from.
    "web:person_edit": Route(
        get=expect(MA_WRITERS, ma_coordinator=403),
        post=expect(MA_WRITERS, ok=303, ma_coordinator=403),
        data=lambda w: {"given_name_latin": "Fatima", "family_name_latin": "Benali", "sex": "Feminine",
                        "age_precision": "approximate", "version": w.person.version},
        **person,
    ),
    "web:person_reveal": Route(
        post=expect(("ma_supervisor",), ma_case_worker=403, ma_coordinator=403),
        data=lambda w: {"field": "phone", "reason": "safety check tonight"},
        **person,
    ),
    # Erasure (survivors app): supervisors and coordinators of her organisation who can see her; the case
    # worker sees her but may not erase (403); everyone else gets 404. A second factor is not required in
    # tests (JISR_REQUIRE_MFA off); tests/survivors/test_erase_screen.py covers it.
    "survivors:person_erase": Route(
        get=expect(("ma_supervisor", "ma_coordinator"), ma_case_worker=403),
        post=expect(("ma_supervisor", "ma_coordinator"), ok=303, ma_case_worker=403),
        data=lambda w: {"reason": "she asked for it", "confirm_code": w.person.code},
        **person,
    ),
    # The world's person already has an open case: writers get 409; the coordinator may not open cases.
    "web:case_open": Route(post=expect(MA_WRITERS, ok=409, ma_coordinator=403), **person),
    "web:case_detail": Route(get=expect(MA_CASE_TEAM), **case),
    # The older notes and the whole timeline, a page at a time: who may read the case.
    "web:case_notes": Route(get=expect(MA_CASE_TEAM), **case),
    "web:case_timeline": Route(get=expect(MA_CASE_TEAM), **case),
    "web:case_stage": Route(
        post=expect(MA_WRITERS, ok=303, ma_coordinator=403),
        data=lambda w: {"trm_stage": "first_assistance", "version": case_version(w)},
        **case
    ),
    "web:case_risk": Route(
        post=expect(MA_WRITERS, ok=303, ma_coordinator=403),
        data=lambda w: {"risk_level": "high", "version": case_version(w)},
        **case
    ),
    "web:case_exploitation": Route(
        post=expect(MA_WRITERS, ok=303, ma_coordinator=403),
        data=lambda w: {"types": ["ForcedLabour"], "version": case_version(w)},
        **case
    ),
    "web:case_assign": Route(
        post=expect(("ma_supervisor", "ma_coordinator"), ok=303, ma_case_worker=403),
        data=lambda w: {"assignee": str(w.ma_case_worker_2.pk), "version": case_version(w)},
        **case,
    ),
    "web:case_note": Route(
        post=expect(MA_WRITERS, ok=303, ma_coordinator=403), data=lambda w: {"body": "call"}, **case
    ),
    "web:case_close": Route(
        post=expect(MA_WRITERS, ok=303, ma_coordinator=403, ma_case_worker=403),
        data=lambda w: {"reason": "lost_contact", "version": case_version(w)},
        **case,
    ),
    # The world's case is open: reopening it is a state refusal (409), not a 404.
    "web:case_reopen": Route(
        post=expect(MA_WRITERS, ok=409, ma_coordinator=403),
        data=lambda w: {"note": "back", "version": case_version(w)},
        **case
    ),
}
