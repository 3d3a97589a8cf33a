"""Answers written on earlier versions of the EFT template, kept readable.

Signed notes are never rewritten (their hash covers the answers), so old keys are shown under their old
labels. A draft is upgraded when it is opened: values that map one to one move to the new fields, and the
old keys are kept beside them so nothing recorded is dropped.
"""

from clinic.sessions.note_forms import MILESTONE, SKILL_LEVELS

# The enactment colour rating had no published source; its values map onto the described rating.
OLD_RECEIVER = {
    "green": "Green · reached (old colour rating)",
    "orange": "Orange · partly reached (old colour rating)",
    "red": "Red · not reached (old colour rating)",
}
COLOUR_TO_DESCRIBED = {"green": "took_in", "orange": "partly", "red": "not_received"}

LEGACY_FIELDS = {
    "efct": {
        "withdrawer_reengagement": ("Withdrawer re-engagement (couple-level, earlier template)", MILESTONE),
        "blamer_softening": ("Blamer softening (couple-level, earlier template)", MILESTONE),
        "enactment_response": ("Receiving partner's response (earlier template)", OLD_RECEIVER),
    },
    "cbct": {
        "skill_level_a": ("Skill level, speaker and listener together — {a} (earlier)", SKILL_LEVELS),
        "skill_level_b": ("Skill level, speaker and listener together — {b} (earlier)", SKILL_LEVELS),
        "homework_review": ("Homework reviewed, both partners (earlier template)", {}),
    },
}
LEGACY_HEADING = "Recorded on an earlier version of this template"


def legacy_pairs(template: str, answers: dict | None, names: dict | None = None) -> list[tuple[str, str]]:
    """(label, value) for each old key a note still holds, in a fixed order; {a}/{b} become `names`."""
    answers, names = answers or {}, names or {"a": "Partner A", "b": "Partner B"}
    out = []
    for key, (label, choices) in LEGACY_FIELDS.get(template, {}).items():
        value = answers.get(key)
        if value:
            label = label.replace("{a}", names["a"]).replace("{b}", names["b"])
            out.append((label, choices.get(value, str(value))))
    return out


def kept_legacy(template: str, answers: dict | None) -> dict:
    """The old keys of `answers`, to carry forward when a draft is saved on the new template."""
    answers = answers or {}
    return {k: answers[k] for k in LEGACY_FIELDS.get(template, {}) if answers.get(k)}


def upgrade_answers(template: str, answers: dict | None, couple) -> dict:
    """A draft's answers with old values mapped onto the new fields (the new fields win when set).

    - enactment colour → the described rating;
    - couple-level re-engagement / softening → each partner whose mapped cycle position is withdrawer or
      pursuer gets that role and status (partners with an unclear position are left for the therapist).
    """
    answers = dict(answers or {})
    if template != "efct":
        return answers
    colour = answers.get("enactment_response")
    if colour in COLOUR_TO_DESCRIBED and not answers.get("enactment_received"):
        answers["enactment_received"] = COLOUR_TO_DESCRIBED[colour]
    by_role = {"withdrawer": answers.get("withdrawer_reengagement"), "pursuer": answers.get("blamer_softening")}
    for partner in couple.partners if couple is not None else []:
        role = partner.cycle_position
        status = by_role.get(role)
        if status in MILESTONE and not answers.get(f"stage2_{partner.position}"):
            answers.setdefault(f"stage2_role_{partner.position}", role)
            answers[f"stage2_{partner.position}"] = status
    return answers
