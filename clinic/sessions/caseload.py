"""What the sessions domain adds to the caseload: the last session, and alerts for overdue unsigned notes.

Two queries for any number of couples, never one per couple.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from clinic.couples.caseload import CaseloadInfo
from clinic.db import utcnow
from clinic.extensions import db
from clinic.sessions.models import ProgressNote, TherapySession


def sessions_caseload(couples: list) -> dict[int, CaseloadInfo]:
    ids = [couple.id for couple in couples]
    last = db.session.execute(
        select(TherapySession.couple_id, func.max(TherapySession.starts_at), func.max(TherapySession.number))
        .where(TherapySession.couple_id.in_(ids)).group_by(TherapySession.couple_id)
    ).all()
    days = current_app.config.get("UNSIGNED_NOTE_ALERT_DAYS", 3)
    overdue = db.session.execute(
        select(ProgressNote.couple_id, func.count(), func.min(TherapySession.number))
        .join(TherapySession, TherapySession.id == ProgressNote.therapy_session_id)
        .where(ProgressNote.couple_id.in_(ids), ProgressNote.signed_at.is_(None),
               TherapySession.starts_at < utcnow() - timedelta(days=days))
        .group_by(ProgressNote.couple_id)
    ).all()
    info: dict[int, CaseloadInfo] = {}
    for couple_id, starts_at, number in last:
        info.setdefault(couple_id, CaseloadInfo()).facts["Last session"] = f"{_date(starts_at)} (#{number})"
    for couple_id, count, oldest in overdue:
        notes = "1 note is" if count == 1 else f"{count} notes are"
        info.setdefault(couple_id, CaseloadInfo()).alerts.append(
            f"{notes} unsigned more than {days} days after the session (oldest: session {oldest}).")
    return info


def _date(value) -> str:
    from clinic.templating import format_date

    return format_date(value)
