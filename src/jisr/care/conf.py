"""Care settings with their defaults (override in settings: `JISR_REFLECTION_PERIOD_DAYS`, etc.)."""

from __future__ import annotations

from django.conf import settings

#: Reflection and recovery period, in days, per jurisdiction (ISO country code).
#: - ES: 90 days — Ley Orgánica 4/2000 art. 59 bis(2) as amended (at least 90 days).
#: - MA: Law 27-14 provides protection and assistance but the length of a reflection period (if any)
#:   is TO BE CONFIRMED by the Moroccan partner's legal advisers. Until then the default is None: the
#:   case worker types the length agreed for the case. Set e.g. {"ES": 90, "MA": 30} in settings.
DEFAULT_REFLECTION_PERIOD_DAYS: dict[str, int | None] = {"ES": 90, "MA": None}

#: How many days before the end of a reflection period the follow-up dashboard warns.
DEFAULT_REFLECTION_ALERT_DAYS = 14

#: Follow-ups due within this many days show as "due soon" on the dashboard.
DEFAULT_FOLLOWUP_HORIZON_DAYS = 7


def reflection_period_days(jurisdiction: str) -> int | None:
    """The configured length for `jurisdiction`, or None when it must be typed per case."""
    table = {**DEFAULT_REFLECTION_PERIOD_DAYS, **getattr(settings, "JISR_REFLECTION_PERIOD_DAYS", {})}
    return table.get(jurisdiction)


def reflection_alert_days() -> int:
    return int(getattr(settings, "JISR_REFLECTION_ALERT_DAYS", DEFAULT_REFLECTION_ALERT_DAYS))


def followup_horizon_days() -> int:
    return int(getattr(settings, "JISR_FOLLOWUP_HORIZON_DAYS", DEFAULT_FOLLOWUP_HORIZON_DAYS))
