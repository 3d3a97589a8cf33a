"""The couple's cycle in plain data, for handouts and anything else that prints the couple's own words."""

from clinic.sessions.models import CYCLE_STEPS


def current_cycle_words(couple) -> dict | None:
    """The latest cycle map as plain data, or None when the couple has none yet.

    {"cycle_name": str, "version": int, "updated_at": datetime,
     "partners": {"a": {"name": str, "trigger": str, "reactive_emotion": str, "action_tendency": str,
                        "primary_emotion": str, "attachment_need": str}, "b": {...}}}
    Empty steps are empty strings.
    """
    from clinic.sessions.services import current_cycle_map

    current = current_cycle_map(couple)
    if current is None:
        return None
    partners = {}
    for partner in couple.partners:
        words = current.words(partner.position)
        partners[partner.position] = {"name": partner.name, **{key: words.get(key, "") for key in CYCLE_STEPS}}
    return {
        "cycle_name": current.cycle_name,
        "version": current.number,
        "updated_at": current.created_at,
        "partners": partners,
    }
