"""The practice's today: homework days count in the practice's time zone."""

from datetime import date

from clinic.db import utcnow


def practice_today() -> date:
    from clinic.admin.services import practice_zone  # admin imports domains at start-up: resolve at call time

    return utcnow().astimezone(practice_zone()).date()
