"""Screens of identification. Every identifier in a path is a UUID; observations travel in POST bodies."""

from django.urls import path

from jisr.identification import views

app_name = "identification"
urlpatterns = [
    path("cases/<uuid:case_id>/screenings/new/", views.screening_new, name="screening_new"),
    path("screenings/<uuid:screening_id>/", views.screening_detail, name="screening_detail"),
    path("screenings/<uuid:screening_id>/reevaluate/", views.screening_reevaluate, name="screening_reevaluate"),
]
