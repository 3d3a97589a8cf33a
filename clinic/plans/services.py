"""Treatment plan rules: drafting, signing (then locked), new versions, partners' acknowledgements, the goals
a note addressed, and how objectives stand against the measures. Functions change and flush; views commit."""

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from clinic.audit.services import record
from clinic.couples.models import Couple, Partner
from clinic.couples.services import touch
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.measures.caseload import latest_csi_totals
from clinic.plans import diagnoses
from clinic.plans.catalogue import ALL_INTERVENTIONS, MEASURE_RANGE, MEASURES
from clinic.plans.models import (
    NoteGoal,
    PlanAcknowledgement,
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    TreatmentPlan,
)


def plans_of(couple: Couple) -> list[TreatmentPlan]:
    """Every version, newest first."""
    query = select(TreatmentPlan).where(TreatmentPlan.couple_id == couple.id).order_by(TreatmentPlan.number.desc())
    return list(db.session.scalars(query))


def latest_plan(couple: Couple) -> TreatmentPlan | None:
    query = select(TreatmentPlan).where(TreatmentPlan.couple_id == couple.id).order_by(TreatmentPlan.number.desc())
    return db.session.scalars(query.limit(1)).first()


def latest_signed(couple_id: int) -> TreatmentPlan | None:
    query = (
        select(TreatmentPlan)
        .where(TreatmentPlan.couple_id == couple_id, TreatmentPlan.signed_at.is_not(None))
        .order_by(TreatmentPlan.number.desc())
        .limit(1)
    )
    return db.session.scalars(query).first()


def current_goals(couple_id: int) -> list[PlanGoal]:
    """The goals of the couple's latest signed plan, in one query (their objectives are not loaded)."""
    latest = (
        select(TreatmentPlan.id)
        .where(TreatmentPlan.couple_id == couple_id, TreatmentPlan.signed_at.is_not(None))
        .order_by(TreatmentPlan.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(PlanGoal)
        .where(PlanGoal.plan_id == latest)
        .order_by(PlanGoal.position)
        .options(lazyload(PlanGoal.objectives), lazyload(PlanGoal.interventions))
    )
    return list(db.session.scalars(query))


def plan_version(couple: Couple, number: int) -> TreatmentPlan:
    query = select(TreatmentPlan).where(TreatmentPlan.couple_id == couple.id, TreatmentPlan.number == number)
    plan = db.session.scalars(query).first()
    if plan is None:
        abort(404)
    return plan


def draft_for(couple: Couple) -> TreatmentPlan:
    """The unsigned latest version; 404 when there is none (start or revise the plan first)."""
    plan = latest_plan(couple)
    if plan is None or plan.is_signed:
        abort(404)
    return plan


# --------------------------------------------------------------------------- drafting


def start_version(couple: Couple, therapist) -> TreatmentPlan:
    """A new draft: the first plan, or a copy of the latest signed version to revise."""
    latest = latest_plan(couple)
    if latest is not None and not latest.is_signed:
        return latest  # one draft at a time (a double submit lands on the same draft)
    plan = TreatmentPlan(couple_id=couple.id, number=(latest.number + 1) if latest else 1, created_by_id=therapist.id)
    if latest is not None:
        _copy_into(latest, plan)
    db.session.add(plan)
    db.session.flush()
    touch(couple)
    record("treatment_plan.created", plan)
    return plan


def _copy_into(source: TreatmentPlan, plan: TreatmentPlan) -> None:
    plan.presenting_problems = source.presenting_problems
    plan.formulation = source.formulation
    plan.diagnosis_code = source.diagnosis_code
    plan.review_every_sessions = source.review_every_sessions
    for goal in source.goals:
        copy = PlanGoal(position=goal.position, text=goal.text, target_on=goal.target_on)
        copy.objectives = [
            PlanObjective(text=o.text, measure=o.measure, threshold=o.threshold, target_on=o.target_on)
            for o in goal.objectives
        ]
        copy.interventions = [PlanIntervention(key=i.key, note=i.note) for i in goal.interventions]
        plan.goals.append(copy)


def update_details(plan: TreatmentPlan, seen_version: int | None, data: dict) -> None:
    """Problems, formulation, diagnosis and review interval. Every problem raised at once."""
    plan.ensure_draft()
    problems = {}
    try:
        code = diagnoses.parse(data.get("diagnosis"))
    except KeyError:
        problems["diagnosis"] = (
            "Choose a diagnosis from the list (type part of a code or its words), or leave it empty."
        )
    review = data.get("review_every_sessions")
    if not isinstance(review, int) or not 1 <= review <= 52:
        review = 0
        problems["review_every_sessions"] = "Review every 1 to 52 sessions."
    if problems:
        raise DomainError(problems=problems)
    plan.claim_version(seen_version)
    plan.presenting_problems = data.get("presenting_problems") or ""
    plan.formulation = data.get("formulation") or ""
    plan.diagnosis_code = code
    plan.review_every_sessions = review
    record("treatment_plan.updated", plan)


def add_goal(plan: TreatmentPlan, text: str, target_on: date | None) -> PlanGoal:
    plan.ensure_draft()
    goal = PlanGoal(text=text, target_on=target_on, position=max((g.position for g in plan.goals), default=0) + 1)
    plan.goals.append(goal)
    db.session.flush()
    record("treatment_plan.updated", plan)
    return goal


def _goal(plan: TreatmentPlan, goal_id: int) -> PlanGoal:
    goal = next((g for g in plan.goals if g.id == goal_id), None)
    if goal is None:
        abort(404)
    return goal


def remove_goal(plan: TreatmentPlan, goal_id: int) -> None:
    plan.ensure_draft()
    plan.goals.remove(_goal(plan, goal_id))
    db.session.flush()
    record("treatment_plan.updated", plan)


def add_objective(plan: TreatmentPlan, goal_id: int, data: dict) -> PlanObjective:
    plan.ensure_draft()
    goal = _goal(plan, goal_id)
    measure, threshold = data.get("measure") or None, data.get("threshold")
    if measure is not None and measure not in MEASURES:
        raise DomainError("Choose a measure from the list.", field="measure")
    if measure is not None:
        low, high = MEASURE_RANGE[measure]
        if threshold is None or not low <= threshold <= high:
            raise DomainError(f"Give the score to reach, from {low} to {high}.", field="threshold")
    else:
        threshold = None
    objective = PlanObjective(text=data["text"], measure=measure, threshold=threshold, target_on=data.get("target_on"))
    goal.objectives.append(objective)
    db.session.flush()
    record("treatment_plan.updated", plan)
    return objective


def remove_objective(plan: TreatmentPlan, goal_id: int, objective_id: int) -> None:
    plan.ensure_draft()
    goal = _goal(plan, goal_id)
    objective = next((o for o in goal.objectives if o.id == objective_id), None)
    if objective is None:
        abort(404)
    goal.objectives.remove(objective)
    db.session.flush()
    record("treatment_plan.updated", plan)


def add_intervention(plan: TreatmentPlan, goal_id: int, key: str, note: str) -> PlanIntervention:
    plan.ensure_draft()
    goal = _goal(plan, goal_id)
    if key not in ALL_INTERVENTIONS:
        raise DomainError("Choose an intervention from the list.", field="key")
    intervention = PlanIntervention(key=key, note=note or "")
    goal.interventions.append(intervention)
    db.session.flush()
    record("treatment_plan.updated", plan)
    return intervention


def remove_intervention(plan: TreatmentPlan, goal_id: int, intervention_id: int) -> None:
    plan.ensure_draft()
    goal = _goal(plan, goal_id)
    intervention = next((i for i in goal.interventions if i.id == intervention_id), None)
    if intervention is None:
        abort(404)
    goal.interventions.remove(intervention)
    db.session.flush()
    record("treatment_plan.updated", plan)


def sign(plan: TreatmentPlan, therapist) -> None:
    """Sign and lock the draft. It needs presenting problems and at least one goal, each with an objective."""
    plan.ensure_draft()
    problems = []
    if not plan.presenting_problems.strip():
        problems.append(DomainError("Describe the presenting problems before signing.", field="presenting_problems"))
    if not plan.goals:
        problems.append(DomainError("Add at least one goal before signing.", field="text"))
    for goal in plan.goals:
        if not goal.objectives:
            problems.append(DomainError(f"Give the goal “{goal.text[:60]}” a measurable objective before signing."))
    if problems:
        error = DomainError(" ".join(p.message for p in problems))
        error.problems = problems
        raise error
    plan.signed_at = utcnow()
    plan.signed_by_id = therapist.id
    plan.content_hash = plan.digest()
    db.session.flush()
    touch(db.session.get_one(Couple, plan.couple_id))
    record("treatment_plan.signed", plan)


# --------------------------------------------------------------------------- partners


def acknowledgements(plan: TreatmentPlan) -> dict[int, PlanAcknowledgement]:
    query = select(PlanAcknowledgement).where(PlanAcknowledgement.plan_id == plan.id)
    return {a.partner_id: a for a in db.session.scalars(query)}


def awaits_acknowledgement(partner: Partner) -> bool:
    latest = (
        select(TreatmentPlan.id)
        .where(TreatmentPlan.couple_id == partner.couple_id, TreatmentPlan.signed_at.is_not(None))
        .order_by(TreatmentPlan.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    acknowledged = (
        select(PlanAcknowledgement.id)
        .where(PlanAcknowledgement.plan_id == latest, PlanAcknowledgement.partner_id == partner.id)
        .exists()
    )
    return bool(db.session.scalar(select(latest.is_not(None) & ~acknowledged)))


def plan_state(partner: Partner) -> str | None:
    """For the partner's Today page, in one statement: "waiting" (a signed plan to acknowledge), "shared"
    (acknowledged, still there to read) or None (no signed plan yet)."""
    latest = (
        select(TreatmentPlan.id)
        .where(TreatmentPlan.couple_id == partner.couple_id, TreatmentPlan.signed_at.is_not(None))
        .order_by(TreatmentPlan.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    acknowledged = (
        select(PlanAcknowledgement.id)
        .where(PlanAcknowledgement.plan_id == latest, PlanAcknowledgement.partner_id == partner.id)
        .exists()
    )
    exists, done = db.session.execute(select(latest.is_not(None), acknowledged)).one()
    if not exists:
        return None
    return "shared" if done else "waiting"


def acknowledge(partner: Partner, plan_number: int) -> PlanAcknowledgement:
    """Acknowledge the couple's latest signed plan; a stale page (a newer version was signed) is refused."""
    plan = latest_signed(partner.couple_id)
    if plan is None:
        raise DomainError("Your therapist hasn't shared a plan yet.")
    if plan.number != plan_number:
        raise DomainError("Your therapist has updated the plan since you opened it. Please read the new version.")
    existing = acknowledgements(plan).get(partner.id)
    if existing is not None:
        return existing
    ack = PlanAcknowledgement(plan_id=plan.id, couple_id=partner.couple_id, partner_id=partner.id)
    db.session.add(ack)
    db.session.flush()
    record("treatment_plan.acknowledged", ack)
    return ack


# --------------------------------------------------------------------------- objectives against the measures


@dataclass
class ObjectiveStanding:
    objective: PlanObjective
    latest: dict[int, float]  # partner id -> latest score
    met: bool | None  # None: no measure, or not every partner has answered yet


def standings(couple: Couple, plan: TreatmentPlan | None) -> list[ObjectiveStanding]:
    """Each objective of `plan` with each partner's latest score on its measure (one query for all)."""
    if plan is None:
        return []
    objectives = [o for g in plan.goals for o in g.objectives]
    totals = latest_csi_totals([couple.id]) if any(o.measure == "csi4" for o in objectives) else {}
    result = []
    for objective in objectives:
        latest = {p.id: totals[p.id][-1] for p in couple.partners if totals.get(p.id)} if objective.measure else {}
        met = None
        if objective.measure and len(latest) == len(couple.partners):
            met = all(score >= (objective.threshold or 0) for score in latest.values())
        result.append(ObjectiveStanding(objective, latest, met))
    return result


# --------------------------------------------------------------------------- notes


def goals_addressed(therapy_session_id: int) -> set[int]:
    query = select(NoteGoal.goal_id).where(NoteGoal.therapy_session_id == therapy_session_id)
    return set(db.session.scalars(query))


def set_goals_addressed(therapy_session, goal_ids: list[int]) -> None:
    """Record which goals of the couple's current signed plan a session's note addressed."""
    allowed = {g.id for g in current_goals(therapy_session.couple_id)}
    if not set(goal_ids) <= allowed:
        raise DomainError("Choose goals of the current signed plan.", field="goal_ids")
    current = db.session.scalars(select(NoteGoal).where(NoteGoal.therapy_session_id == therapy_session.id)).all()
    for link in current:
        if link.goal_id not in goal_ids:
            db.session.delete(link)
    kept = {link.goal_id for link in current}
    for goal_id in goal_ids:
        if goal_id not in kept:
            db.session.add(
                NoteGoal(therapy_session_id=therapy_session.id, goal_id=goal_id, couple_id=therapy_session.couple_id)
            )
    db.session.flush()
    record("note_goal.updated", therapy_session, couple_id=therapy_session.couple_id)


def goal_session_counts(plan: TreatmentPlan | None) -> dict[int, int]:
    """{goal id: sessions whose note addressed it}, counting links to earlier versions' copies by goal text."""
    if plan is None:
        return {}
    rows = db.session.execute(
        select(PlanGoal.text, func.count(func.distinct(NoteGoal.therapy_session_id)))
        .join(NoteGoal, NoteGoal.goal_id == PlanGoal.id)
        .where(NoteGoal.couple_id == plan.couple_id)
        .group_by(PlanGoal.text)
    ).all()
    by_text = dict(rows)
    return {g.id: by_text.get(g.text, 0) for g in plan.goals}
