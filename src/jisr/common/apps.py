from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "jisr.common"
    label = "common"
