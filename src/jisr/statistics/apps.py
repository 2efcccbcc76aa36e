from django.apps import AppConfig
from django.utils.translation import gettext_lazy


def _may_view(user: object) -> bool:
    from jisr.statistics.selectors import may_view_statistics

    return may_view_statistics(user)  # type: ignore[arg-type]


def _is_analyst(user: object) -> bool:
    from jisr.statistics.selectors import is_analyst

    return is_analyst(user)  # type: ignore[arg-type]


class StatisticsConfig(AppConfig):
    name = "jisr.statistics"
    label = "statistics"
    verbose_name = gettext_lazy("Statistics")
    nav_items = [
        ("statistics:dashboard", gettext_lazy("Statistics"), _may_view),
        ("statistics:context", gettext_lazy("Morocco and Spain in context"), _may_view),
        ("statistics:exports", gettext_lazy("Exports and releases"), _may_view),
    ]
