"""Care screens, and the outcomes screens mounted beside them (one include in config/urls.py).
Every identifier in a path is a UUID; personal data travels in POST bodies only."""

from django.urls import include, path

from jisr.care import views

C = "cases/<uuid:case_id>/care/"
care_patterns = [
    path(C, views.case_care, name="case_care"),
    path(C + "consent/", views.consent_add, name="consent_add"),
    path(C + "consent/<uuid:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path(C + "consent/<uuid:consent_id>/form.pdf", views.consent_pdf, name="consent_pdf"),
    path(C + "risk/", views.risk_add, name="risk_add"),
    path(C + "reflection/", views.reflection_add, name="reflection_add"),
    path(C + "proceedings/", views.proceeding_add, name="proceeding_add"),
    path(C + "needs/", views.need_add, name="need_add"),
    path(C + "goals/", views.goal_add, name="goal_add"),
    path(C + "goals/<uuid:goal_id>/status/", views.goal_status, name="goal_status"),
    path(C + "services/", views.service_add, name="service_add"),
    path(C + "services/<uuid:service_id>/status/", views.service_status, name="service_status"),
    path(C + "follow-ups/", views.followup_add, name="followup_add"),
    path(C + "follow-ups/<uuid:followup_id>/done/", views.followup_done, name="followup_done"),
    path(C + "follow-ups/<uuid:followup_id>/cancel/", views.followup_cancel, name="followup_cancel"),
    path(C + "attendance/", views.attendance_add, name="attendance_add"),
    path(C + "plan/submit/", views.plan_submit, name="plan_submit"),
    path(C + "closure/", views.closure_request, name="closure_request"),
    path(C + "approvals/<uuid:approval_id>/", views.approval_decide, name="approval_decide"),
    path("care/follow-ups/", views.followups_due, name="followups_due"),
    path("care/trainings/", views.trainings, name="trainings"),
]

urlpatterns = [
    path("", include((care_patterns, "care"))),
    path("", include("jisr.outcomes.urls")),
]
