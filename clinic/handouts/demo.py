"""The demo practice's handouts (fictional): the demo EFCT couple has one from the start."""

from clinic.handouts.library import get_builtin
from clinic.handouts.services import give_handout


def seed_handouts(practice) -> None:
    """Give the demo EFCT couple one handout, so both portals show something from the start."""
    couple = practice.couples["efct"]
    give_handout(
        couple,
        get_builtin("understanding-abandonment-fears"),
        "Alex and Jordan: read this before our next session, and mark one trigger that sounds "
        "familiar. (Fictional demo note.)",
        practice.therapist,
    )
