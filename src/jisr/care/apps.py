from django.apps import AppConfig
from django.utils.translation import gettext_lazy


def _sees_cases(user) -> bool:  # type: ignore[no-untyped-def]
    return user.is_authenticated and user.capabilities.case_scope != "none"


class CareConfig(AppConfig):
    name = "jisr.care"
    label = "care"
    verbose_name = gettext_lazy("Integrated care")
    audit_action_labels = {
        "consent.record": gettext_lazy("Consent recorded"),
        "consent.withdraw": gettext_lazy("Consent withdrawn"),
        "care.risk_assessment": gettext_lazy("Risk assessed"),
        "care.reflection_period": gettext_lazy("Reflection period started"),
        "care.proceeding": gettext_lazy("Proceedings updated"),
        "care.need": gettext_lazy("Needs assessed"),
        "care.goal_add": gettext_lazy("Care plan goal added"),
        "care.goal_status": gettext_lazy("Care plan goal updated"),
        "care.service": gettext_lazy("Service recorded"),
        "care.service_status": gettext_lazy("Service updated"),
        "care.followup_schedule": gettext_lazy("Follow-up scheduled"),
        "care.followup_done": gettext_lazy("Follow-up done"),
        "care.followup_cancel": gettext_lazy("Follow-up cancelled"),
        "care.plan_submit": gettext_lazy("Care plan submitted for approval"),
        "care.closure_request": gettext_lazy("Closure requested"),
        "care.attendance": gettext_lazy("Training attendance recorded"),
        "care.training_create": gettext_lazy("Training created"),
        "care.care_plan_approve": gettext_lazy("Care plan approved"),
        "care.care_plan_reject": gettext_lazy("Care plan returned"),
        "care.closure_approve": gettext_lazy("Closure approved"),
        "care.closure_reject": gettext_lazy("Closure refused"),
    }
    nav_items = [
        ("care:followups_due", gettext_lazy("Follow-ups due"), _sees_cases),
        ("care:trainings", gettext_lazy("Trainings and workshops"), _sees_cases),
    ]
