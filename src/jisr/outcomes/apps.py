from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OutcomesConfig(AppConfig):
    name = "jisr.outcomes"
    label = "outcomes"
    verbose_name = gettext_lazy("Recovery outcomes")
    audit_action_labels = {
        "outcomes.measure": gettext_lazy("Wellbeing measured"),
        "outcomes.safety_alert": gettext_lazy("Safety alert raised"),
        "outcomes.safety_alert_ack": gettext_lazy("Safety alert acknowledged"),
    }
