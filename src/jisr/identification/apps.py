from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class IdentificationConfig(AppConfig):
    name = "jisr.identification"
    label = "identification"
    verbose_name = gettext_lazy("Identification")
    audit_action_labels = {
        "screening.record": gettext_lazy("Screening recorded"),
        "screening.reevaluate": gettext_lazy("Screening evaluated again"),
    }

    def ready(self) -> None:
        # A broken rule file must stop start-up, not a case worker's screening later on.
        from jisr.identification.engine import load_all_rulesets

        load_all_rulesets()
