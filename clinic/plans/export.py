"""The couple's treatment plans for the record export, as plain data (every version, newest first)."""

from clinic.couples.models import Couple
from clinic.extensions import db
from clinic.plans import services


def couple_plans_record(couple) -> list[dict]:
    return [_version(plan) for plan in services.plans_of(couple)]


def _version(plan) -> dict:
    acks = services.acknowledgements(plan)
    names = {p.id: p.name for p in db.session.get_one(Couple, plan.couple_id).partners}
    return {
        "version": plan.number,
        "signed_at": plan.signed_at,
        "signed_by": plan.signed_by.name if plan.signed_by else "",
        "content_hash": plan.content_hash,
        "presenting_problems": plan.presenting_problems,
        "formulation": plan.formulation,
        "diagnosis": plan.diagnosis_label,
        "review_every_sessions": plan.review_every_sessions,
        "goals": [
            {
                "goal": g.text,
                "target_on": g.target_on,
                "objectives": [
                    {"objective": o.text, "measure": o.measure_label, "target_on": o.target_on} for o in g.objectives
                ],
                "interventions": [{"intervention": i.label, "note": i.note} for i in g.interventions],
            }
            for g in plan.goals
        ],
        "acknowledged_by": [{"partner": names.get(pid, ""), "at": a.acknowledged_at} for pid, a in acks.items()],
    }
