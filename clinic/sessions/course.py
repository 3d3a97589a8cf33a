"""The couple's course of therapy, computed from the structured answers of the signed notes.

Plain data out (dataclasses, dicts), so the page, the export and the tests read the same numbers.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from clinic.extensions import db
from clinic.sessions.models import ProgressNote, TherapySession
from clinic.sessions.note_forms import CBCT_MODULES, EFT_STAGES, EFT_STEPS, ENACTMENT_RECEIVED, MILESTONE, STAGE2_ROLES
from clinic.sessions.note_legacy import OLD_RECEIVER


@dataclass
class Milestone:
    status: str = "not_started"  # latest status recorded
    reached_in: TherapySession | None = None  # first session whose note says "reached"

    @property
    def label(self) -> str:
        return MILESTONE[self.status]


@dataclass
class EFTProgress:
    stage_reached: str | None = None
    steps: dict[str, list[TherapySession]] = field(default_factory=dict)  # step -> sessions working on it
    withdrawer: Milestone = field(default_factory=Milestone)
    softening: Milestone = field(default_factory=Milestone)
    by_session: list[tuple[TherapySession, str, list[str]]] = field(default_factory=list)  # (session, stage, steps)
    partners: dict[str, Milestone] = field(default_factory=dict)  # position -> Stage 2 change event
    roles: dict[str, str] = field(default_factory=dict)  # position -> latest Stage 2 role recorded
    has_legacy: bool = False  # a note recorded re-engagement / softening on the couple-level template

    def partner_rows(self, couple):
        """(partner, role label, milestone) for each partner with Stage 2 work recorded."""
        rows = []
        for partner in couple.partners:
            if partner.position in self.partners:
                role = STAGE2_ROLES.get(self.roles.get(partner.position, ""), "Role not recorded")
                rows.append((partner, role, self.partners[partner.position]))
        return rows

    @property
    def stage_label(self) -> str:
        return EFT_STAGES.get(self.stage_reached or "", "No signed EFT note yet")

    def step_rows(self):
        return [(key, label, self.steps.get(key, [])) for key, label in EFT_STEPS.items()]


@dataclass
class Course:
    sessions: list[TherapySession]
    eft: EFTProgress
    modules: dict[str, list[TherapySession]]  # CBCT module -> sessions where it was covered

    def module_rows(self):
        return [(key, label, self.modules.get(key, [])) for key, label in CBCT_MODULES.items()]

    @property
    def has_eft(self) -> bool:
        return bool(self.eft.by_session)

    @property
    def has_cbct(self) -> bool:
        return any(self.modules.values())


def couple_timeline(couple) -> list[TherapySession]:
    """Every session of the couple, oldest first, with its note and addenda (two queries in all)."""
    return list(
        db.session.scalars(
            select(TherapySession)
            .where(TherapySession.couple_id == couple.id, TherapySession.entered_in_error_at.is_(None))
            .options(
                joinedload(TherapySession.progress_note).selectinload(ProgressNote.addenda),
                joinedload(TherapySession.individual_partner),
            )
            .order_by(TherapySession.number)
        ).unique()
    )


def timeline_query(couple):
    """The couple's sessions newest first, with note and addenda: the course page shows them a page at a
    time (latest first, older ones on the next pages)."""
    return (
        select(TherapySession)
        .where(TherapySession.couple_id == couple.id, TherapySession.entered_in_error_at.is_(None))
        .options(
            lazyload(TherapySession.couple),  # the page has the couple already (identity map)
            joinedload(TherapySession.progress_note).selectinload(ProgressNote.addenda),
            joinedload(TherapySession.individual_partner),
        )
        .order_by(TherapySession.number.desc())
    )


def signed_notes(couple) -> list[tuple[TherapySession, ProgressNote]]:
    """(session, signed note) oldest first, in one query: the course summary reads only these."""
    rows = db.session.execute(
        select(TherapySession, ProgressNote)
        .join(ProgressNote, ProgressNote.therapy_session_id == TherapySession.id)
        .where(
            TherapySession.couple_id == couple.id,
            ProgressNote.signed_at.is_not(None),
            TherapySession.entered_in_error_at.is_(None),
        )
        .options(lazyload(TherapySession.couple), lazyload(ProgressNote.addenda))
        .order_by(TherapySession.number)
    ).all()
    return [(therapy_session, note) for therapy_session, note in rows]


def compute_course(couple, timeline: list[TherapySession] | None = None) -> Course:
    """The course summary from every signed note; `sessions` is `timeline` (the page shown) when given,
    else the whole timeline, oldest first."""
    signed = signed_notes(couple)
    sessions = couple_timeline(couple) if timeline is None else timeline
    return Course(sessions=sessions, eft=eft_progress(signed), modules=cbct_modules(signed))


def eft_progress(signed: list[tuple[TherapySession, ProgressNote]]) -> EFTProgress:
    progress = EFTProgress()
    for therapy_session, note in signed:
        if note.template != "efct":
            continue
        answers = note.answers or {}
        stage, steps = answers.get("stage") or "", list(answers.get("steps") or [])
        progress.by_session.append((therapy_session, stage, steps))
        if stage and stage > (progress.stage_reached or ""):
            progress.stage_reached = stage
        for step in steps:
            progress.steps.setdefault(step, []).append(therapy_session)
        if "withdrawer_reengagement" in answers or "blamer_softening" in answers:
            progress.has_legacy = True
        _advance(progress.withdrawer, answers.get("withdrawer_reengagement"), therapy_session)
        _advance(progress.softening, answers.get("blamer_softening"), therapy_session)
        for pos in ("a", "b"):
            if answers.get(f"stage2_role_{pos}"):
                progress.roles[pos] = answers[f"stage2_role_{pos}"]
            if answers.get(f"stage2_{pos}") in MILESTONE:
                _advance(progress.partners.setdefault(pos, Milestone()), answers[f"stage2_{pos}"], therapy_session)
    return progress


def enactment_label(answers: dict) -> str:
    """The enactment outcome in words, from the described rating or an old note's colour."""
    value = answers.get("enactment_received")
    if value in ENACTMENT_RECEIVED:
        return ENACTMENT_RECEIVED[value]
    old = answers.get("enactment_response")
    return OLD_RECEIVER.get(old, "outcome not recorded") if old else "outcome not recorded"


def _advance(milestone: Milestone, status: str | None, therapy_session: TherapySession) -> None:
    if status not in MILESTONE:
        return
    milestone.status = status
    if status == "reached" and milestone.reached_in is None:
        milestone.reached_in = therapy_session


def cbct_modules(signed: list[tuple[TherapySession, ProgressNote]]) -> dict[str, list[TherapySession]]:
    modules: dict[str, list[TherapySession]] = {}
    for therapy_session, note in signed:
        if note.template == "cbct":
            for module in (note.answers or {}).get("modules") or []:
                modules.setdefault(module, []).append(therapy_session)
    return modules
