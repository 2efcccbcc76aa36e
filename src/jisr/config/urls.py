"""URL map. Every route here appears in tests/test_authorisation_matrix.py."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from jisr.api.schema import SCHEMA_SETTINGS

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("account/", include("jisr.accounts.urls")),
    path("api/v1/identification/", include("jisr.identification.api_urls")),
    path("api/v1/statistics/", include("jisr.statistics.api_urls")),
    path("statistics/", include("jisr.statistics.urls")),
    path("api/v1/", include("jisr.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(custom_settings=SCHEMA_SETTINGS), name="api-schema"),
    path("roadmap/", include("jisr.roadmap.urls")),
    path("", include("jisr.care.urls")),
    path("identification/", include("jisr.identification.urls")),
    path("", include("jisr.referrals.urls")),
    path("", include("jisr.survivors.urls")),
    path("", include("jisr.web.urls")),
]

# JSON, not the HTML page, for an /api/ URL that matches no route (e.g. an id that is not a UUID).
handler404 = "jisr.api.errors.not_found"
