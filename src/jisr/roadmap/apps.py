from django.apps import AppConfig
from django.utils.translation import gettext_lazy


def _reads_roadmap(user) -> bool:  # type: ignore[no-untyped-def]
    from jisr.roadmap.access import may_read_roadmap

    return may_read_roadmap(user)


class RoadmapConfig(AppConfig):
    name = "jisr.roadmap"
    label = "roadmap"
    verbose_name = gettext_lazy("Roadmap")
    # Entries for the main navigation (CONTRIBUTING.md, "Screens"): (url name, label, predicate(user)).
    # Several entries: the web app shows them as a dropdown titled with verbose_name ("Roadmap").
    nav_items = [
        ("roadmap:dashboard", gettext_lazy("Dashboard"), _reads_roadmap),
        ("roadmap:event_list", gettext_lazy("Events"), _reads_roadmap),
        ("roadmap:recommendation_list", gettext_lazy("Recommendations"), _reads_roadmap),
        ("roadmap:action_list", gettext_lazy("Actions"), _reads_roadmap),
        ("roadmap:training_list", gettext_lazy("Trainings"), _reads_roadmap),
        ("roadmap:practice_list", gettext_lazy("Good practices"), _reads_roadmap),
    ]
