"""Outcomes routes in the authorisation matrix (see matrix.py)."""

import datetime as dt

from matrix import MA_CASE_TEAM, MA_WRITERS, Route, expect

TODAY = dt.date.today().isoformat()


def case(w):
    return {"case_id": w.case.pk}


def _alert(w):
    from jisr.outcomes.services import measurement_record

    m = measurement_record(actor=w.ma_case_worker, case=w.case, instrument="phq-9", answers=[0] * 8 + [1],
                           administered_on=dt.date.today())
    return {"case_id": w.case.pk, "alert_id": m.safety_alert.pk}


ROUTES = {
    "outcomes:case_outcomes": Route(
        kwargs=case, get=expect(MA_CASE_TEAM),
        post=expect(MA_WRITERS, ok=303, ma_coordinator=403),
        data=lambda w: {"instrument": "who-5", "administered_on": TODAY, "who5_1": "3", "who5_2": "٣",
                        "who5_3": "2", "who5_4": "2", "who5_5": "2"},
    ),
    "outcomes:alert_ack": Route(kwargs=_alert, post=expect(MA_WRITERS, ok=303, ma_coordinator=403)),
}
