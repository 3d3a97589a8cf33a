"""The demo practice's handouts (fictional): the demo EFCT couple has one from the start."""

from clinic.handouts.library import get_builtin
from clinic.handouts.services import give_handout


def seed_handouts(practice) -> None:
    """Give the demo EFCT couple one handout, so both portals show something from the start."""
    couple = practice.couples["efct"]
    handout = get_builtin("understanding-abandonment-fears")
    if handout is None:
        raise LookupError("the built-in handout 'understanding-abandonment-fears' is missing")
    give_handout(
        couple,
        handout,
        "Alex and Jordan: read this before our next session, and mark one trigger that sounds "
        "familiar. (Fictional demo note.)",
        practice.therapist,
    )
