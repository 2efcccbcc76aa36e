from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "jisr.identification"
    label = "identification"

    def ready(self) -> None:
        # A broken rule file must stop start-up, not a case worker's screening later on.
        from jisr.identification.engine import load_all_rulesets

        load_all_rulesets()
