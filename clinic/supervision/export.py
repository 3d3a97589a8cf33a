"""The co-signatures of a couple's notes, as plain data for the record export."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clinic.extensions import db
from clinic.sessions.models import ProgressNote, TherapySession
from clinic.supervision.models import Cosignature, CosignReview


def couple_cosignatures(couple) -> list[dict]:
    """Each note that needed a co-signature, by session: its state and every review with its comments."""
    query = (
        select(Cosignature)
        .where(Cosignature.couple_id == couple.id)
        .options(
            joinedload(Cosignature.note).joinedload(ProgressNote.therapy_session),
            joinedload(Cosignature.supervisor),
            joinedload(Cosignature.associate),
        )
        .order_by(Cosignature.id)
    )
    return [_plain(c) for c in db.session.scalars(query).unique()]


def _plain(cosignature: Cosignature) -> dict:
    ts: TherapySession = cosignature.note.therapy_session
    return {
        "session": ts.number,
        "status": cosignature.status_label,
        "associate": cosignature.associate.name,
        "supervisor": cosignature.supervisor.name,
        "cosigned_at": cosignature.cosigned_at.isoformat() if cosignature.cosigned_at else None,
        "reviews": [_review(r) for r in cosignature.reviews],
    }


def _review(review: CosignReview) -> dict:
    return {
        "decision": review.decision_label,
        "by": review.supervisor.name,
        "at": review.at.isoformat(),
        "comments": review.comments,
    }
