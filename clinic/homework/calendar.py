"""The practice's today: homework days count in the practice's time zone."""

from datetime import date

from clinic.db import utcnow


def practice_today() -> date:
    from clinic.settings import practice_zone

    return utcnow().astimezone(practice_zone()).date()
