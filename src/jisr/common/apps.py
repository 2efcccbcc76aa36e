from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _sqlite_optimize(using: str = "default", **kwargs: Any) -> None:
    """After migrations on SQLite, refresh the query planner's statistics: a new index on a table whose
    statistics are stale can make SQLite pick it over a far better one (seen in the load benchmark:
    the people list went from 30 ms to 400 ms until ANALYZE)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
            cursor.execute("ANALYZE")


class CommonConfig(AppConfig):
    name = "jisr.common"
    label = "common"

    def ready(self) -> None:
        # post_migrate is sent once per app: listen for this app only, so it runs once per migrate.
        post_migrate.connect(_sqlite_optimize, sender=self, dispatch_uid="jisr.common.sqlite_optimize")
        from jisr.common import pgtime

        connection_created.connect(pgtime.install, dispatch_uid="jisr.common.pgtime")
