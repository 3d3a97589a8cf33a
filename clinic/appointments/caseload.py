"""What appointments add to the caseload: "Next session", and an alert for an active couple with no
appointment booked. One query for any number of couples."""

from clinic.appointments.services import next_by_couple
from clinic.db import utcnow
from clinic.registry import CaseloadInfo

NEEDS_BOOKING = ("intake", "active")


def appointments_caseload(couples: list) -> dict[int, CaseloadInfo]:
    from clinic.templating import format_datetime

    upcoming = next_by_couple([couple.id for couple in couples], utcnow())
    info: dict[int, CaseloadInfo] = {}
    for couple in couples:
        if couple.id in upcoming:
            info[couple.id] = CaseloadInfo(facts={"Next session": format_datetime(upcoming[couple.id])})
        elif couple.status in NEEDS_BOOKING:
            info[couple.id] = CaseloadInfo(alerts=["No appointment booked."])
    return info
