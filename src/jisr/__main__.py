"""The `jisr` console script: Django's manage.py with Jisr's settings preset.

`jisr migrate`, `jisr createsuperuser`, `jisr seed_demo`, `jisr import_persons FILE --organisation SLUG`,
`jisr audit_verify` … all go through here.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisr.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
