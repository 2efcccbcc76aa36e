"""Survivors screens (mounted at the site root, beside the person pages of jisr.web). Identifiers are
UUIDs; every route is in tests/authorisation/routes_web.py."""

from django.urls import path

from jisr.survivors import views

app_name = "survivors"
urlpatterns = [
    path("persons/<uuid:person_id>/erase/", views.person_erase_view, name="person_erase"),
]
