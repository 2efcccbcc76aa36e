"""Identification routes in the authorisation matrix: screens of a case's screenings and the API."""

from matrix import MA_CASE_TEAM, MA_WRITERS, Route, expect

API_ANON = 403  # DRF with session authentication first: 403 for an anonymous request
CASE_ROLES = ("ma_case_worker", "ma_case_worker_2", "ma_supervisor", "ma_other_supervisor", "ma_coordinator",
              "es_case_worker", "es_supervisor")

OBSERVATION = {"age_at_act": 25, "acts": ["recruitment"], "means": ["deception"], "purposes": ["forced_labour"]}


def _screening(world):  # type: ignore[no-untyped-def]
    """A screening of the world's case, recorded by its case worker (once per test)."""
    from jisr.identification.models import Screening
    from jisr.identification.services import screening_record

    existing = Screening.objects.filter(case=world.case).first()
    if existing is None:
        existing = screening_record(actor=world.ma_case_worker, case=world.case, observation=OBSERVATION,
                                    rulesets=["palermo-2000", "ma-law-27-14", "ilo-ec-2009"])
    return {"screening_id": existing.pk}


ROUTES = {
    "identification:screening_new": Route(
        kwargs=lambda w: {"case_id": w.case.pk},
        # the coordinator reads the case but may not screen (403); everyone else cannot see it (404)
        get=expect(MA_WRITERS, ma_coordinator=403),
        post=expect(MA_WRITERS, ok=303, ma_coordinator=403),
        data=lambda w: {"acts": ["recruitment"], "means": ["deception"], "purposes": ["forced_labour"],
                        "age_at_act": "٢٥", "rulesets": ["palermo-2000"]},
    ),
    "identification:screening_detail": Route(kwargs=_screening, get=expect(MA_CASE_TEAM)),
    "identification:screening_reevaluate": Route(
        kwargs=_screening, post=expect(MA_WRITERS, ok=303, ma_coordinator=403),
    ),
    "identification_api:evaluate": Route(
        # the permission check comes before the method check: GET is 405 only for those allowed to POST
        get=expect(CASE_ROLES, ok=405, denied=403, anonymous=API_ANON),
        post=expect(CASE_ROLES, denied=403, anonymous=API_ANON), data=lambda w: OBSERVATION, json=True,
    ),
}
