"""Demo data for integrated care: `seed_care_demo(org)` adds, through the services (so the audit
chain holds), consent, risk, reflection period, needs, goals, services, follow-ups (one overdue),
a training with attendance and two WHO-5 measurements to the organisation's open cases.

Called by `jisr seed_demo` after the organisation's people and cases exist. Generated content only.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jisr.accounts.models import Membership, Organisation
from jisr.accounts.roles import Role
from jisr.care import services as svc
from jisr.cases.models import Case, CaseStatus
from jisr.outcomes.services import measurement_record

TEXT = {
    "MA": {"language": "ar", "plan": "كلمة سر متفق عليها مع المركز؛ لا تخرج وحدها ليلاً.",
           "goal": ["الحصول على سكن آمن", "متابعة نفسية أسبوعية", "تسوية الوثائق", "بدء تكوين في الخياطة"],
           "training": ("ورشة التربية المالية", "المركز المندمج - طنجة"), "jurisdiction": "MA", "days": 30},
    "ES": {"language": "es", "plan": "Palabra clave acordada con el centro; no salir sola por la noche.",
           "goal": ["Alojamiento seguro", "Apoyo psicológico semanal", "Regularizar la documentación",
                    "Curso de formación profesional"],
           "training": ("Taller de educación financiera", "ONG de demostración"), "jurisdiction": "ES", "days": None},
}


@transaction.atomic
def seed_care_demo(org: Organisation) -> None:
    """Idempotent per organisation: does nothing when any of its cases already has a consent."""
    country = "MA" if org.country.code == "MA" else "ES"
    t = TEXT[country]
    cases = list(Case.objects.filter(organisation=org, status=CaseStatus.OPEN).select_related("person",
                                                                                               "assigned_to"))
    if not cases or cases[0].consents.exists():
        return
    worker = cases[0].assigned_to or Membership.objects.filter(organisation=org, role=Role.CASE_WORKER).first().user
    today = timezone.localdate()
    topic, organiser = t["training"]
    training = svc.training_create(actor=worker, kind="workshop", topic=topic, organiser=organiser,
                                   starts_on=today - dt.timedelta(days=20))
    for n, case in enumerate(cases[:3]):
        actor = case.assigned_to or worker
        given_on = today - dt.timedelta(days=40)
        # A child's consent is her parent's or legal guardian's (care.services.consent_giver_error).
        given_by = "guardian" if svc.is_child(svc.person_age_on(case.person, given_on)) else "survivor"
        for purpose in ("assistance", "statistics"):
            svc.consent_record(actor=actor, case=case, purpose=purpose, given_by=given_by, method="written",
                               language=t["language"], given_on=given_on)
        svc.risk_assessment_record(actor=actor, case=case, level="medium", reasons=["debt", "no_safe_shelter"],
                                   assessed_on=today - dt.timedelta(days=39),
                                   review_on=today + dt.timedelta(days=20), safety_plan=t["plan"])
        svc.reflection_period_start(actor=actor, case=case, jurisdiction=t["jurisdiction"],
                                    starts_on=today - dt.timedelta(days=80 if n == 0 else 10),
                                    # MA: a demo length (the law's figure is to be confirmed); ES: 90 by default
                                    length_days=t["days"])
        for domain, level in (("shelter", "urgent"), ("psychosocial", "high"), ("documents_residence", "medium"),
                              ("economic_empowerment", "medium")):
            svc.need_assess(actor=actor, case=case, domain=domain, level=level,
                            assessed_on=today - dt.timedelta(days=38))
        for domain, text in zip(("shelter", "psychosocial", "documents_residence", "economic_empowerment"),
                                t["goal"], strict=True):
            svc.goal_add(actor=actor, case=case, domain=domain, description=text,
                         target_on=today + dt.timedelta(days=60),
                         training=training if domain == "economic_empowerment" else None)
        svc.service_record(actor=actor, case=case, service_type="accommodation", domain="shelter",
                           starts_on=today - dt.timedelta(days=37), status="in_progress")
        svc.followup_schedule(actor=actor, case=case, kind="visit", due_on=today - dt.timedelta(days=2 + n))
        svc.followup_schedule(actor=actor, case=case, kind="call", due_on=today + dt.timedelta(days=3))
        svc.attendance_record(actor=actor, case=case, training=training, attended=True, completed=n == 0)
        measurement_record(actor=actor, case=case, instrument="who-5", answers=[2, 2, 2, 2, 2],
                           administered_on=today - dt.timedelta(days=35))
        measurement_record(actor=actor, case=case, instrument="who-5", answers=[3, 3, 3, 2, 3],
                           administered_on=today - dt.timedelta(days=5))
