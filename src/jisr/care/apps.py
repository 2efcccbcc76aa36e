from django.apps import AppConfig
from django.utils.translation import gettext_lazy


def _sees_cases(user) -> bool:  # type: ignore[no-untyped-def]
    return user.is_authenticated and user.capabilities.case_scope != "none"


class CareConfig(AppConfig):
    name = "jisr.care"
    label = "care"
    verbose_name = gettext_lazy("Integrated care")
    nav_items = [
        ("care:followups_due", gettext_lazy("Follow-ups due"), _sees_cases),
        ("care:trainings", gettext_lazy("Trainings and workshops"), _sees_cases),
    ]
