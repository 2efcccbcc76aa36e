"""`/api/v1/`: people and cases. Identifiers in paths are UUIDs only."""

from rest_framework.routers import DefaultRouter

from jisr.api.views import CaseViewSet, PersonViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("persons", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")
urlpatterns = router.urls
