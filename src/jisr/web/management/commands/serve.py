"""`jisr serve`: Jisr behind a production WSGI server (gunicorn), static files collected first.

Put a TLS-terminating reverse proxy in front (README, "Security"). Defaults: 127.0.0.1:8000, two
worker processes with four threads each (a 2-core machine), 60 s timeout.
"""

from __future__ import annotations

import gc
import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Jisr with gunicorn (collects static files first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=f"127.0.0.1:{os.environ.get('PORT', '8000')}")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--timeout", type=int, default=60)

    def handle(self, *args: object, **options: object) -> None:
        from gunicorn.app.base import BaseApplication

        from jisr.config.wsgi import application

        call_command("collectstatic", interactive=False, verbosity=0)

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key in ("bind", "workers", "threads", "timeout"):
                    self.cfg.set(key, options[key])
                # A browser's next request often comes a few seconds after the last one: keep its
                # connection open 5 s (gunicorn's 2 s closes it just as the request is sent: a reset).
                self.cfg.set("keepalive", 5)
                self.cfg.set("accesslog", None)  # request lines carry paths only; keep logs lean anyway
                self.cfg.set("proc_name", "jisr")

            def load(self) -> object:
                # Django, the URL map and the templates are loaded for good: move them out of the garbage
                # collector's sight (Python docs, gc.freeze), so its full passes stop walking them (one
                # pass over a worker took ~90 ms with every request in the worker waiting).
                gc.collect()
                gc.freeze()
                return application

        self.stdout.write(f"Jisr serving on http://{options['bind']}/")
        Server().run()
