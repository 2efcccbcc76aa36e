"""Care routes in the authorisation matrix (see matrix.py). Objects that a URL names are created
once in `kwargs` (before the persona loop), never in `data` (which runs inside each request)."""

import datetime as dt

from matrix import MA_CASE_TEAM, MA_WRITERS, STAFF, Route, expect

TODAY = dt.date.today().isoformat()
ORG_STAFF = ("ma_case_worker", "ma_case_worker_2", "ma_supervisor", "ma_other_supervisor", "ma_coordinator",
             "es_case_worker", "es_supervisor")
ORG_WRITERS = tuple(p for p in ORG_STAFF if p != "ma_coordinator")

READ = expect(MA_CASE_TEAM)
WRITE = expect(MA_WRITERS, ok=303, ma_coordinator=403)


def case(w):
    return {"case_id": w.case.pk}


def _consent(w):
    from jisr.care.services import consent_record

    c = consent_record(actor=w.ma_case_worker, case=w.case, purpose="assistance", given_by="survivor",
                       method="written", language="ar", given_on=dt.date.today())
    return {"case_id": w.case.pk, "consent_id": c.pk}


def _goal(w):
    from jisr.care.services import goal_add

    g = goal_add(actor=w.ma_case_worker, case=w.case, domain="health", description="see a doctor")
    return {"case_id": w.case.pk, "goal_id": g.pk}


def _service(w):
    from jisr.care.services import service_record

    s = service_record(actor=w.ma_case_worker, case=w.case, service_type="medical", domain="health",
                       starts_on=dt.date.today())
    return {"case_id": w.case.pk, "service_id": s.pk}


def _followup(w):
    from jisr.care.services import followup_schedule

    f = followup_schedule(actor=w.ma_case_worker, case=w.case, kind="call", due_on=dt.date.today())
    return {"case_id": w.case.pk, "followup_id": f.pk}


def _closure(w):
    from jisr.care.services import closure_request

    a = closure_request(actor=w.ma_case_worker, case=w.case, reason="lost_contact")
    return {"case_id": w.case.pk, "approval_id": a.pk}


def _with_goal(w):
    _goal(w)
    return case(w)


def _with_training(w):
    from jisr.care.services import training_create

    w.training = training_create(actor=w.ma_supervisor, kind="workshop", topic="Digital skills",
                                 organiser="Demo", starts_on=dt.date.today())
    return case(w)


ROUTES = {
    "care:case_care": Route(kwargs=case, get=READ),
    "care:consent_add": Route(kwargs=case, post=WRITE, data=lambda w: {
        "purpose": "sharing", "recipient": "Partner ES", "recipient_country": "ES", "given_by": "survivor",
        "method": "written", "language": "ar", "given_on": TODAY}),
    "care:consent_withdraw": Route(kwargs=_consent, post=WRITE, data=lambda w: {"withdrawn_on": ""}),
    "care:consent_pdf": Route(kwargs=_consent, get=READ),
    "care:risk_add": Route(kwargs=case, post=WRITE, data=lambda w: {
        "level": "high", "reasons": ["threats"], "assessed_on": TODAY, "safety_plan": "plan"}),
    "care:reflection_add": Route(kwargs=case, post=WRITE, data=lambda w: {"jurisdiction": "ES", "starts_on": TODAY}),
    "care:proceeding_add": Route(kwargs=case, post=WRITE, data=lambda w: {"kind": "hearing", "on": TODAY}),
    "care:need_add": Route(kwargs=case, post=WRITE, data=lambda w: {
        "domain": "shelter", "level": "high", "assessed_on": TODAY}),
    "care:goal_add": Route(kwargs=case, post=WRITE, data=lambda w: {"domain": "legal", "description": "lawyer"}),
    # "current": the status the page showed (optimistic locking; required).
    "care:goal_status": Route(kwargs=_goal, post=WRITE, data=lambda w: {"status": "achieved", "current": "planned"}),
    "care:service_add": Route(kwargs=case, post=WRITE, data=lambda w: {
        "service_type": "legal_aid", "domain": "legal", "in_house": "on", "starts_on": TODAY,
        "status": "arranged"}),
    "care:service_status": Route(kwargs=_service, post=WRITE,
                                 data=lambda w: {"status": "delivered", "current": "arranged"}),
    "care:followup_add": Route(kwargs=case, post=WRITE, data=lambda w: {"kind": "visit", "due_on": TODAY}),
    "care:followup_done": Route(kwargs=_followup, post=WRITE, data=lambda w: {"done_on": TODAY}),
    "care:followup_cancel": Route(kwargs=_followup, post=WRITE, data=lambda w: {"reason": "mistake"}),
    "care:attendance_add": Route(kwargs=_with_training, post=WRITE, data=lambda w: {
        "training": str(w.training.pk), "attended": "on"}),
    "care:plan_submit": Route(kwargs=_with_goal, post=WRITE),
    "care:closure_request": Route(kwargs=case, post=WRITE, data=lambda w: {"reason": "reintegrated_recovered"}),
    # Only a supervisor decides, never on her own request (the case worker asked: 403 for her).
    "care:approval_decide": Route(kwargs=_closure, post=expect(("ma_supervisor",), ok=303, ma_case_worker=403,
                                                                ma_coordinator=403),
                                  data=lambda w: {"decision": "approve"}),
    "care:followups_due": Route(get=expect(STAFF)),
    "care:trainings": Route(get=expect(ORG_STAFF, denied=403), post=expect(ORG_WRITERS, ok=303, denied=403),
                            data=lambda w: {"kind": "training", "topic": "Sewing", "organiser": "Demo",
                                            "starts_on": TODAY}),
}
