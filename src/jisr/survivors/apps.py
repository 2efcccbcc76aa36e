from django.apps import AppConfig


class SurvivorsConfig(AppConfig):
    name = "jisr.survivors"
    label = "survivors"
