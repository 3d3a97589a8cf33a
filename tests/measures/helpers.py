"""Small builders for measures tests (fictional data only)."""

from datetime import timedelta

from clinic.extensions import db
from clinic.measures import safety, services
from clinic.measures.screen import DIRECTIONAL_ITEMS


def request_for(world, position="a", measure_key="csi4", schedule="once", interval_days=None):
    couple = world.couple
    (request,) = services.request_measure(
        couple, [couple.partner(position)], measure_key, schedule, interval_days, world.therapist
    )
    return request


def answer(request, values, by, *, method="portal"):
    response = services.submit_answers(
        request, services.next_sequence(request), dict(enumerate(values, start=1)), by, method=method
    )
    db.session.flush()
    return response


def age(response, days):
    """Move an answer back in time (as if given `days` ago)."""
    response.answered_at = response.answered_at - timedelta(days=days)
    db.session.flush()


def csi_form(values, sequence=1):
    return {"sequence": str(sequence), **{f"item_{n}": str(v) for n, v in enumerate(values, start=1)}}


NONE_V1 = {
    "tension": "none",
    "arguments": "none",
    "down": "never",
    "hitting": "never",
    "frightened": "never",
    "abuse_physical": "never",
    "abuse_emotional": "never",
    "abuse_sexual": "never",
}
NONE = {**NONE_V1, **{item.key: "no" for item in DIRECTIONAL_ITEMS}}
NEGATIVE = {**NONE, "tension": "some", "arguments": "some", "down": "often"}
CONCERN = {**NONE, "tension": "a_lot", "arguments": "great", "down": "often"}
POSITIVE = {**CONCERN, "recv_physical": "yes"}
SEVERE = {**POSITIVE, "recv_strangulation": "yes"}


def screen_for(world, position="a", answers=None):
    partner = world.couple.partner(position)
    sent = safety.send_screen(world.couple, partner, world.therapist)
    if answers is not None:
        safety.answer_screen(sent, answers, partner.user)
    return sent
