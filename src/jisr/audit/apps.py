from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jisr.audit"
    label = "audit"
