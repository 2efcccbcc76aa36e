"""Referral routes in the authorisation matrix (see matrix.py). Objects a URL names are created once
in `kwargs` (before the persona loop).

The world's case (MA, Tanger team, ma_case_worker) is referred to the Rabat team: its sender side is
ma_case_worker and ma_supervisor (writers) plus ma_coordinator (reads); its recipient side is
ma_other_supervisor. A Spanish case referred to the Moroccan organisation has ma_focal_point as its
recipient and es_case_worker / es_supervisor as its sender side."""

import datetime as dt

from matrix import STAFF, Route, expect

API_ANON = 403
CASE_STAFF = ("ma_case_worker", "ma_case_worker_2", "ma_supervisor", "ma_other_supervisor", "ma_coordinator",
              "es_case_worker", "es_supervisor")
RECEIVERS = ("ma_case_worker", "ma_case_worker_2", "ma_supervisor", "ma_other_supervisor", "ma_focal_point",
             "es_case_worker", "es_supervisor")


def _consent(user, case, recipient):
    from jisr.care.services import consent_record

    return consent_record(actor=user, case=case, purpose="referral", recipient=recipient, given_by="survivor",
                          method="written", language="ar", given_on=dt.date.today())


def _team_referral(w):
    from jisr.referrals.services import referral_create

    _consent(w.ma_case_worker, w.case, w.ma_other_team.name)
    return referral_create(actor=w.ma_case_worker, case=w.case, categories=["identity", "risk"],
                           reason="AdditionalServicesRequired", team=w.ma_other_team)


def _es_referral_accepted(w):
    from jisr.cases.services import case_open
    from jisr.referrals.services import referral_create, referral_transition
    from jisr.survivors.identity import Identity
    from jisr.survivors.services import person_register

    person = person_register(actor=w.es_case_worker, organisation=w.es,
                             identity=Identity(given_name_latin="Lucia", family_name_latin="Moreno"), estimated_age=30)
    case = case_open(actor=w.es_case_worker, person=person)
    _consent(w.es_case_worker, case, w.ma.name)
    r = referral_create(actor=w.es_case_worker, case=case, categories=["identity"],
                        reason="MigrationOrChangeOfLocation", organisation=w.ma)
    referral_transition(actor=w.ma_focal_point, referral=r, event="receive")
    referral_transition(actor=w.ma_focal_point, referral=r, event="accept")
    return r


def _partner(w, confirmed):
    from jisr.referrals.envelope import InstanceKeys
    from jisr.referrals.services import current_instance_key, instance_keys_init, partner_add, partner_confirm

    if current_instance_key() is None:
        instance_keys_init(name="test-ma")
    keys = InstanceKeys.generate("test-es").public
    p = partner_add(actor=None, organisation=w.ma, name="Partner ES", inbox_url="https://es.invalid/api/v1/referrals/inbox/",
                    public_keys=keys.to_json(), country="ES")
    if confirmed:
        partner_confirm(actor=None, partner=p, fingerprint=p.fingerprint)
    return p


def detail(w):
    return {"referral_id": _team_referral(w).pk}


def outgoing_envelope(w):
    from jisr.referrals.services import referral_create

    p = _partner(w, confirmed=True)
    _consent(w.ma_case_worker, w.case, p.name)
    r = referral_create(actor=w.ma_case_worker, case=w.case, categories=["screening"],
                        reason="MigrationOrChangeOfLocation", partner=p)
    return {"referral_id": r.pk, "message_id": r.outbound.get().message_id}


def with_consent(w):
    _consent(w.ma_case_worker, w.case, w.ma_other_team.name)
    return {"case_id": w.case.pk}


def with_keys(w):
    from jisr.referrals.services import current_instance_key, instance_keys_init

    if current_instance_key() is None:
        instance_keys_init(name="test-ma")
    return {}


def _new_keys(w):
    from jisr.referrals.envelope import InstanceKeys

    return {"name": "Another partner", "inbox_url": "https://other.invalid/api/v1/referrals/inbox/",
            "country": "ES", "public_keys": InstanceKeys.generate("other").public.to_json()}


COORD = expect(("ma_coordinator",))
SENDER_READ = ("ma_case_worker", "ma_supervisor", "ma_coordinator")
TEAM_DETAIL = expect((*SENDER_READ, "ma_other_supervisor"))

ROUTES = {
    "referrals:outbox": Route(get=expect(CASE_STAFF)),
    "referrals:inbox": Route(get=expect(RECEIVERS)),
    "referrals:import": Route(get=expect(("ma_focal_point", "ma_coordinator")),
                              post=expect(("ma_focal_point", "ma_coordinator"), ok=400)),
    "referrals:partners": Route(get=COORD),
    "referrals:partner_add": Route(post=expect(("ma_coordinator",), ok=303), data=_new_keys),
    "referrals:partner_confirm": Route(
        kwargs=lambda w: {"partner_id": _partner(w, confirmed=False).pk},
        post=expect(("ma_coordinator",), ok=303),
        data=lambda w: {"fingerprint": __import__("jisr.referrals.models", fromlist=["Partner"]).Partner.objects.get(
            name="Partner ES").fingerprint.lower()}),
    "referrals:public_keys": Route(kwargs=with_keys, get=COORD),
    "referrals:detail": Route(kwargs=detail, get=TEAM_DETAIL),
    "referrals:act": Route(kwargs=detail, data=lambda w: {"event": "withdraw"},
                           post=expect(("ma_case_worker", "ma_supervisor"), ok=303, ma_coordinator=403,
                                       ma_other_supervisor=403)),
    "referrals:open_case": Route(kwargs=lambda w: {"referral_id": _es_referral_accepted(w).pk},
                                 data=lambda w: {"assignee": w.ma_case_worker.pk},
                                 post=expect(("ma_focal_point",), ok=303, es_case_worker=403, es_supervisor=403)),
    "referrals:envelope": Route(kwargs=outgoing_envelope, get=expect(("ma_case_worker", "ma_supervisor"))),
    "referrals:create": Route(
        kwargs=with_consent, get=expect(("ma_case_worker", "ma_supervisor"), ma_coordinator=403),
        post=expect(("ma_case_worker", "ma_supervisor"), ok=303, ma_coordinator=403),
        data=lambda w: {"recipient": f"team:{w.ma_other_team.pk}", "categories": ["identity"],
                        "reason": "AdditionalServicesRequired", "message": ""}),
    "referrals:api_list": Route(get=expect(STAFF, anonymous=API_ANON)),
    "referrals:api_detail": Route(kwargs=detail, get=expect((*SENDER_READ, "ma_other_supervisor"),
                                                            anonymous=API_ANON)),
    "referrals:api_inbox": Route(post=expect(STAFF, ok=400, anonymous=400)),
}
