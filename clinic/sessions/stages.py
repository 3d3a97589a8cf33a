"""Where the couple stands in its model, for the note form to open at (#18).

`current_stage(template, answers, session_number)` is pure: from the answers of the couple's most recent
**signed** note on the same template (drafts are ignored: a draft's stage is not settled yet), it says
the current stage and which parts of the note form belong to it. With no signed note yet it is the
model's first stage. `earlier_signed_notes(therapy_session)` reads those answers in one statement.

- EFT: the stage recorded on that note (1, 2 or 3), with the steps worked on; Stage 1 when none.
- CBCT: the template records no phase, so the "stage" is the modules last worked on (communication
  training opens Skill practice, cognitive restructuring opens Cognitions identified).
- Integrative (IBCT): the phase recorded (assessment, feedback, treatment); assessment when none.

The risk check is opened separately (`risk_raised`): when the last signed note of any template
recorded a moderate or high risk for either partner, or the couple's safety safeguard holds.
"""

from dataclasses import dataclass

from sqlalchemy import select

from clinic.extensions import db
from clinic.sessions.completeness import RAISED
from clinic.sessions.models import ProgressNote, TherapySession
from clinic.sessions.note_forms import CBCT_MODULES, EFT_STAGES, EFT_STEPS, IBCT_PHASES

# Parts always open for a model: where the stage itself is recorded.
ALWAYS_OPEN = {
    "efct": ("Stage and steps",),
    "cbct": ("Check-in and agenda", "Modules worked on"),
    "integrative": ("Phase",),
}
# Common parts open whatever the stage: the plan is short and every note needs it to be signed.
COMMON_OPEN = ("Plan for next session",)
EFT_STAGE_PARTS = {
    "1": ("The cycle this session", "Primary emotions and attachment needs accessed"),
    "2": ("Stage 2, per partner (steps 5–7 run once for each partner)", "Enactment"),
    "3": ("Change events and observations",),
}
CBCT_MODULE_PARTS = {
    "communication_sharing": "Skill practice",
    "communication_problem_solving": "Skill practice",
    "cognitive_restructuring": "Cognitions identified",
    "guided_behaviour_change": "Observations",
    "emotion_regulation": "Observations",
    "environmental_stressors": "Observations",
}
IBCT_PHASE_PARTS = {
    "assessment": ("DEEP formulation",),
    "feedback": ("DEEP formulation",),
    "treatment": ("Strategies used",),
}
FIRST = {"efct": "1", "integrative": "assessment"}


@dataclass(frozen=True)
class Stage:
    label: str  # "Stage 2 · Restructuring interactional positions"
    detail: str  # where it comes from, in words
    parts: tuple[str, ...]  # headings of the form's parts that open for it
    session_number: int | None = None  # the session whose signed note recorded it; None: the first stage


def current_stage(template: str, answers: dict | None, session_number: int | None = None) -> Stage:
    """The couple's current stage from the answers of its last signed note on `template` (None: no
    signed note yet, so the model's first stage)."""
    answers = answers or {}
    if template == "efct":
        return _eft_stage(answers, session_number)
    if template == "cbct":
        return _cbct_stage(answers, session_number)
    return _ibct_stage(answers, session_number)


def _source(session_number: int | None, what: str) -> str:
    if session_number is None:
        return f"no signed note yet: {what}"
    return f"as recorded in session {session_number}’s signed note"


def _eft_stage(answers: dict, session_number: int | None) -> Stage:
    stage = str(answers.get("stage") or "")
    if stage not in EFT_STAGES:
        stage, session_number = FIRST["efct"], None
    steps = [s for s in answers.get("steps") or [] if s in EFT_STEPS]
    detail = _source(session_number, "the first stage")
    if steps and session_number is not None:
        detail += f"; steps {', '.join(steps)}"
    return Stage(EFT_STAGES[stage], detail, (*ALWAYS_OPEN["efct"], *EFT_STAGE_PARTS[stage]), session_number)


def _cbct_stage(answers: dict, session_number: int | None) -> Stage:
    modules = [m for m in answers.get("modules") or [] if m in CBCT_MODULES]
    if not modules:
        label = "Assessment and the first module"
        return Stage(label, _source(None, "check-in, agenda and modules"), ALWAYS_OPEN["cbct"], None)
    parts = tuple(dict.fromkeys(CBCT_MODULE_PARTS[m] for m in modules))
    label = "; ".join(CBCT_MODULES[m] for m in modules)
    return Stage(label, _source(session_number, ""), (*ALWAYS_OPEN["cbct"], *parts), session_number)


def _ibct_stage(answers: dict, session_number: int | None) -> Stage:
    phase = str(answers.get("phase") or "")
    if phase not in IBCT_PHASES:
        phase, session_number = FIRST["integrative"], None
    detail = _source(session_number, "the first phase")
    parts = (*ALWAYS_OPEN["integrative"], *IBCT_PHASE_PARTS[phase])
    return Stage(f"Phase · {IBCT_PHASES[phase]}", detail, parts, session_number)


def risk_raised(answers: dict | None) -> bool:
    """Whether a note's answers rate either partner's risk moderate or high."""
    answers = answers or {}
    return any(answers.get(f"risk_{pos}") in RAISED for pos in ("a", "b"))


@dataclass(frozen=True)
class EarlierNotes:
    same_template: dict | None  # answers of the last signed note on the session's template
    same_number: int | None  # its session number
    any_template: dict | None  # answers of the last signed note whatever its template


def earlier_signed_notes(therapy_session: TherapySession, template: str) -> EarlierNotes:
    """The couple's last signed note on `template` and its last signed note of any template,
    both from sessions before this one (entered-in-error sessions left out): one statement, two rows at most."""

    def latest(*extra):
        return (
            select(ProgressNote.id)
            .join(TherapySession, TherapySession.id == ProgressNote.therapy_session_id)
            .where(
                TherapySession.couple_id == therapy_session.couple_id,
                TherapySession.number < therapy_session.number,
                TherapySession.entered_in_error_at.is_(None),
                ProgressNote.signed_at.is_not(None),
                *extra,
            )
            .order_by(TherapySession.number.desc())
            .limit(1)
            .scalar_subquery()
        )

    rows = db.session.execute(
        select(TherapySession.number, ProgressNote.template, ProgressNote.answers)
        .join(TherapySession, TherapySession.id == ProgressNote.therapy_session_id)
        .where(ProgressNote.id.in_([latest(), latest(ProgressNote.template == template)]))
        .order_by(TherapySession.number.desc())
    ).all()
    newest = rows[0] if rows else None
    same = next((row for row in rows if row.template == template), None)
    return EarlierNotes(
        same_template=same.answers if same else None,
        same_number=same.number if same else None,
        any_template=newest.answers if newest else None,
    )


RISK_PART = "Risk check"


@dataclass
class Part:
    """One part of the note form as the edit page shows it: folded or open, and why."""

    id: str
    heading: str
    rows: list
    errors: int = 0
    has_text: bool = False  # a free-text field holds words
    answered: bool = False  # a choice or number is filled in
    is_open: bool = False
    current: bool = False  # one of the current stage's own parts (not one always open for the model)
    why: str = ""  # shown inside an open part when it opened for a reason other than its content

    @property
    def filled(self) -> bool:
        return self.has_text or self.answered

    @property
    def mark(self) -> str:
        return "has text" if self.has_text else "answered" if self.answered else ""


def note_parts(form, stage: Stage, risk_reason: str = "") -> list[Part]:
    """The form's parts in order. Open: the current stage's parts, the plan, any part with content or a
    problem, and the risk check when `risk_reason` says why; every other part is folded (its fields are
    still in the form and still sent)."""
    parts = []
    for index, (heading, rows) in enumerate(form.sections, start=1):
        part = Part(id=f"note-part-{index}", heading=heading, rows=rows)
        for name in (name for row in rows for name in row):
            field = form[name]
            part.errors += bool(field.errors)
            if field.data not in (None, "", [], False):
                if field.type in ("TextAreaField", "StringField"):
                    part.has_text = True
                else:
                    part.answered = True
        if heading == RISK_PART:
            part.why = risk_reason
        part.current = heading in stage.parts and heading not in ALWAYS_OPEN.get(form.template, ())
        part.is_open = bool(part.errors or part.filled or part.why or heading in stage.parts + COMMON_OPEN)
        parts.append(part)
    return parts
