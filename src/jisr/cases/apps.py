from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "jisr.cases"
    label = "cases"
