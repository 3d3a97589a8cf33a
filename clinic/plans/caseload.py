"""What plans add to the caseload: an alert when a couple's plan is due for review (N sessions held since the
latest signed version). One query for any number of couples."""

from sqlalchemy import and_, func, select

from clinic.extensions import db
from clinic.plans.models import TreatmentPlan
from clinic.registry import CaseloadInfo
from clinic.sessions.models import NOT_HELD, TherapySession


def review_due(ids: list[int]) -> dict[int, tuple[int, int]]:
    """{couple_id: (sessions since signing, review interval)} where the interval has been reached."""
    latest = (
        select(TreatmentPlan.couple_id, func.max(TreatmentPlan.number).label("number"))
        .where(TreatmentPlan.couple_id.in_(ids), TreatmentPlan.signed_at.is_not(None))
        .group_by(TreatmentPlan.couple_id)
        .subquery()
    )
    held = and_(
        TherapySession.couple_id == TreatmentPlan.couple_id,
        TherapySession.starts_at > TreatmentPlan.signed_at,
        TherapySession.attendance.not_in(sorted(NOT_HELD)),
    )
    rows = db.session.execute(
        select(TreatmentPlan.couple_id, TreatmentPlan.review_every_sessions, func.count(TherapySession.id))
        .join(latest, and_(latest.c.couple_id == TreatmentPlan.couple_id, latest.c.number == TreatmentPlan.number))
        .outerjoin(TherapySession, held)
        .group_by(TreatmentPlan.couple_id, TreatmentPlan.review_every_sessions)
    ).all()
    return {couple_id: (count, every) for couple_id, every, count in rows if count >= every}


def provide(couples: list) -> dict[int, CaseloadInfo]:
    due = review_due([couple.id for couple in couples])
    return {
        couple_id: CaseloadInfo(alerts=[f"Treatment plan review due ({count} sessions since it was signed)"])
        for couple_id, (count, _every) in due.items()
    }
