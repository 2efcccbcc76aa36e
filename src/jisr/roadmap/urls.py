"""Roadmap URLs (mounted at /roadmap/). Identifiers are UUIDs; every route is in
tests/authorisation/routes_roadmap.py."""

from django.urls import path

from jisr.roadmap import views

app_name = "roadmap"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("areas/", views.area_list, name="area_list"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<uuid:event_id>/", views.event_detail, name="event_detail"),
    path("events/<uuid:event_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<uuid:event_id>/participants/", views.event_participant_add, name="event_participant_add"),
    path("events/<uuid:event_id>/documents/", views.event_document_add, name="event_document_add"),
    path("recommendations/", views.recommendation_list, name="recommendation_list"),
    path("recommendations/new/", views.recommendation_create, name="recommendation_create"),
    path("recommendations/<uuid:recommendation_id>/", views.recommendation_detail, name="recommendation_detail"),
    path("recommendations/<uuid:recommendation_id>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/<uuid:action_id>/", views.action_detail, name="action_detail"),
    path("actions/<uuid:action_id>/edit/", views.action_edit, name="action_edit"),
    path("actions/<uuid:action_id>/status/", views.action_status, name="action_status"),
    path("actions/<uuid:action_id>/link/", views.action_link, name="action_link"),
    path("actions/<uuid:action_id>/progress/", views.action_progress, name="action_progress"),
    path("actions/<uuid:action_id>/indicators/", views.action_indicator, name="action_indicator"),
    path("indicators/<uuid:indicator_id>/values/", views.indicator_measurement, name="indicator_measurement"),
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_create, name="training_create"),
    path("trainings/<uuid:training_id>/", views.training_detail, name="training_detail"),
    path("trainings/<uuid:training_id>/attendance/", views.training_attendance, name="training_attendance"),
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/new/", views.practice_create, name="practice_create"),
    path("practices/<uuid:practice_id>/", views.practice_detail, name="practice_detail"),
    path("files/<uuid:file_id>/", views.file_download, name="file_download"),
]
