"""`/api/v1/identification/`: evaluate an observation without storing anything."""

from django.urls import path

from jisr.identification.api import EvaluateView

app_name = "identification_api"
urlpatterns = [
    path("evaluate/", EvaluateView.as_view(), name="evaluate"),
]
