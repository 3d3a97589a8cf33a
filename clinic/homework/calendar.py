"""The practice's today: homework days count in the practice's time zone, on purpose, not the reader's:
the couple and their therapist agree on which day an entry belongs to (README: Times and time zones)."""

from datetime import date

from clinic.db import utcnow


def practice_today() -> date:
    from clinic.settings import practice_zone

    return utcnow().astimezone(practice_zone()).date()
