"""Outcomes screens (mounted through jisr.care.urls). UUIDs only in paths."""

from django.urls import path

from jisr.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("cases/<uuid:case_id>/outcomes/", views.case_outcomes, name="case_outcomes"),
    path("cases/<uuid:case_id>/outcomes/alerts/<uuid:alert_id>/ack/", views.alert_ack, name="alert_ack"),
]
