"""`/statistics/`: dashboards, context, exports. No personal data in any path or query string."""

from django.urls import path

from jisr.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("drilldown/", views.drilldown, name="drilldown"),
    path("context/", views.context, name="context"),
    path("exports/", views.exports, name="exports"),
    path("exports/<slug:table>.<slug:fmt>", views.export_aggregate, name="export_aggregate"),
    path("exports/microdata/", views.export_microdata, name="export_microdata"),
    path("exports/dp/", views.dp_release, name="dp_release"),
    path("exports/donor-report/", views.donor_report, name="donor_report"),
    path("releases/", views.release_request, name="release_request"),
    path("releases/<uuid:pk>/approve/", views.release_approve, name="release_approve"),
    path("releases/<uuid:pk>/withdraw/", views.release_withdraw, name="release_withdraw"),
    path("releases/<uuid:pk>/download/", views.release_download, name="release_download"),
]
