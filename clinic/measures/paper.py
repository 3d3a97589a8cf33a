"""Paper questionnaires for the printed session packet: plain data, no ORM objects.

Only measures requested and currently due are included; the safety screen never is (the packet
may be seen by both partners).
"""

from sqlalchemy import select

from clinic.db import utcnow
from clinic.extensions import db
from clinic.measures import schedule
from clinic.measures.library import MEASURES
from clinic.measures.models import MeasureRequest


def due_paper_forms(couple) -> list[dict]:
    """One dict per due request: title, instructions, items with option labels, partner and request id.

    Each form belongs to one partner (`partner_id`): a printed packet filters by it, so that one file
    never holds both partners' private questionnaires.
    """
    requests = db.session.scalars(
        select(MeasureRequest)
        .where(MeasureRequest.couple_id == couple.id, MeasureRequest.stopped_at.is_(None))
        .order_by(MeasureRequest.id)
    )
    sessions = schedule.last_session_times([couple.id])
    names = {p.id: (p.name, p.position) for p in couple.partners}
    forms = []
    for request in requests:
        if not schedule.is_due(request, utcnow(), sessions):
            continue
        measure = MEASURES[request.measure_key]
        name, position = names[request.partner_id]
        forms.append(
            {
                "request_id": request.id,
                "measure_key": measure.key,
                "title": measure.title,
                "short_title": measure.short_title,
                "instructions": measure.instructions,
                "partner_id": request.partner_id,
                "partner_name": name,
                "partner_position": position,
                "citation": measure.citation,
                "licence": measure.licence,
                "items": [
                    {
                        "number": item.number,
                        "text": item.text,
                        "options": [{"value": v, "label": _plain(v, label)} for v, label in item.options.items()],
                    }
                    for item in measure.items
                ],
            }
        )
    return forms


def _plain(value: int, label: str) -> str:
    """Option text without a leading number ('1 – Strongly disagree' -> 'Strongly disagree', '2' -> '')."""
    if label == str(value):
        return ""
    return label.removeprefix(f"{value} – ")
