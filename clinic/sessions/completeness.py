"""What a progress note must hold before it can be signed, read from its stored answers.

`sign_problems(template, answers, took_place=…)` maps each missing or inconsistent field to the message
shown next to it; an empty mapping means the note is complete. The same rules apply however the answers
got there (the form, autosave, an import), because the signing service reads the stored answers.
"""

from collections.abc import Callable, Mapping

STEP_STAGE = {"1": "1", "2": "1", "3": "1", "4": "1", "5": "2", "6": "2", "7": "2", "8": "3", "9": "3"}
RAISED = ("moderate", "high")

Answers = Mapping[str, object]


def sign_problems(template: str, answers: Answers | None, *, took_place: bool = True) -> dict[str, str]:
    """Field name -> what is missing before signing. Empty when the note is complete.

    For a session that did not take place (no show, late cancellation) only the plan is required.
    """
    answers = answers or {}
    if not took_place:
        return {} if answers.get("plan") else {"plan": "Write what happens next (e.g. the follow-up agreed)."}
    return _common_problems(answers) | TEMPLATE_RULES.get(template, _no_rules)(answers)


def _common_problems(answers: Answers) -> dict[str, str]:
    problems = {}
    for pos in ("a", "b"):
        if not answers.get(f"risk_{pos}"):
            problems[f"risk_{pos}"] = "Record the risk check for each partner before signing."
        elif answers.get(f"risk_{pos}") in RAISED and not answers.get(f"risk_note_{pos}"):
            problems[f"risk_note_{pos}"] = "Describe the risk and what you did about it."
    if not answers.get("plan"):
        problems["plan"] = "Write the plan for the next session."
    return problems


def _listed(answers: Answers, name: str) -> list:
    value = answers.get(name)
    return list(value) if isinstance(value, list | tuple) else []


def _efct_problems(answers: Answers) -> dict[str, str]:
    problems = {}
    stage, steps = answers.get("stage"), _listed(answers, "steps")
    if not stage:
        problems["stage"] = "Choose the stage you worked in."
    if not steps:
        problems["steps"] = "Tick at least one step you worked on."
    elif stage and any(STEP_STAGE.get(s, "0") > str(stage) for s in steps):
        problems["steps"] = "A step from a later stage is ticked: check the stage or the steps."
    problems |= _stage2_problems(answers, stage, steps)
    if answers.get("enactment") == "yes":
        if not answers.get("enactment_speaker"):
            problems["enactment_speaker"] = "Say who spoke."
        if not answers.get("enactment_received") and not answers.get("enactment_response"):
            problems["enactment_received"] = "Say what the receiving partner did with it."
        if not answers.get("enactment_note"):
            problems["enactment_note"] = "Describe the enactment in words."
    elif not answers.get("enactment"):
        problems["enactment"] = "Say whether an enactment was attempted."
    if answers.get("injury") == "yes":
        if not answers.get("injured_partner"):
            problems["injured_partner"] = "Say which partner was injured."
        if not answers.get("injury_description"):
            problems["injury_description"] = "Describe the injury as the injured partner tells it."
    return problems


def _stage2_problems(answers: Answers, stage, steps: list) -> dict[str, str]:
    """In Stage 2 each partner's role and status is recorded; the two may overlap in time (no ordering
    rule: softening can be under way before re-engagement is complete, and both partners may share a role)."""
    problems = {}
    in_stage2 = str(stage) == "2" or any(s in ("5", "6", "7") for s in steps)
    for pos in ("a", "b"):
        worked = bool(_listed(answers, f"stage2_steps_{pos}")) or answers.get(f"stage2_{pos}") in (
            "in_progress",
            "reached",
        )
        if (in_stage2 or worked) and not answers.get(f"stage2_role_{pos}"):
            problems[f"stage2_role_{pos}"] = "Say whether this partner is worked with as withdrawer or pursuer."
        if in_stage2 and not answers.get(f"stage2_{pos}"):
            problems[f"stage2_{pos}"] = "Record where this partner stands (Not started is fine)."
    return problems


def _cbct_problems(answers: Answers) -> dict[str, str]:
    problems = {}
    modules = _listed(answers, "modules")
    if not answers.get("agenda"):
        problems["agenda"] = "Write the session's agenda."
    if not modules:
        problems["modules"] = "Tick at least one module you worked on."
    if "cognitive_restructuring" in modules and not answers.get("cognition_types"):
        problems["cognition_types"] = "Tick the cognition types you worked with."
    if any(str(m).startswith("communication") for m in modules):
        for pos in ("a", "b"):
            for role in ("speaker", "listener"):
                if not answers.get(f"{role}_skill_{pos}"):
                    problems[f"{role}_skill_{pos}"] = f"Rate the {role} skills you observed (or Not practised)."
    return problems


def _integrative_problems(answers: Answers) -> dict[str, str]:
    phase = answers.get("phase")
    if not phase:
        return {"phase": "Choose the phase of treatment."}
    if phase == "treatment" and not (answers.get("acceptance") or answers.get("change")):
        return {"acceptance": "Tick the acceptance or change strategies you used."}
    if phase != "treatment" and not answers.get("deep_elements"):
        return {"deep_elements": "Tick the DEEP elements you addressed."}
    return {}


def _no_rules(answers: Answers) -> dict[str, str]:
    return {}


TEMPLATE_RULES: dict[str, Callable[[Answers], dict[str, str]]] = {
    "efct": _efct_problems,
    "cbct": _cbct_problems,
    "integrative": _integrative_problems,
}
