"""`/api/v1/`: people and cases. Identifiers in paths are UUIDs only."""

from rest_framework.routers import SimpleRouter

from jisr.api.views import CaseViewSet, PersonViewSet

router = SimpleRouter(trailing_slash=True)
router.register("persons", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")
urlpatterns = router.urls
