"""`/api/v1/statistics/`: analyst-only aggregates."""

from django.urls import path

from jisr.statistics import api

app_name = "statistics-api"
urlpatterns = [
    path("caseload/", api.CaseloadAggregatesView.as_view(), name="caseload"),
    path("context/", api.GlotipContextView.as_view(), name="context"),
]
