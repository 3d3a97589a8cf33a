"""What the sessions domain adds to the caseload: the last session, alerts for overdue unsigned notes,
and alerts for a moderate or high risk rating that nobody has recorded as addressed yet.

Two queries for any number of couples, never one per couple.
"""

from datetime import timedelta
from functools import cache

from flask import current_app, has_request_context, request
from sqlalchemy import and_, bindparam, case, exists, func, select, union_all
from sqlalchemy.orm import aliased

from clinic.couples.models import Partner
from clinic.db import utcnow
from clinic.extensions import db
from clinic.registry import CaseloadInfo
from clinic.sessions.models import NoteRiskReview, ProgressNote, TherapySession


def session_summary(ids: list[int]) -> dict[int, tuple]:
    """{couple_id: (last starts_at, last number, had a conjoint session, unsigned overdue notes, oldest
    such session number)} for couples with any session. One GROUP BY query (sessions left-joined to their
    notes), kept for the rest of the request: the measures provider reads it too."""
    key = ("sessions.summary", tuple(ids))
    # Per request only (the WSGI environ), so nothing outlives the request that read it.
    cache = request.environ.setdefault("clinic.caseload_cache", {}) if has_request_context() else {}
    if key not in cache:
        days = current_app.config.get("UNSIGNED_NOTE_ALERT_DAYS", 3)
        overdue = and_(
            ProgressNote.id.is_not(None),
            ProgressNote.signed_at.is_(None),
            TherapySession.starts_at < utcnow() - timedelta(days=days),
        )
        now = utcnow()
        held = TherapySession.starts_at <= now  # "Last session" never shows a future date
        rows = db.session.execute(
            select(
                TherapySession.couple_id,
                func.max(case((held, TherapySession.starts_at))),
                func.max(case((held, TherapySession.number))),
                func.max(case((TherapySession.kind == "conjoint", 1), else_=0)),
                func.count(case((overdue, 1))),
                func.min(case((overdue, TherapySession.number))),
            )
            # The notes' own couple_id in the join lets PostgreSQL read only these couples' notes by index:
            # with the session id alone it hashed the whole progress_note table (8 ms at 50,000 notes).
            .outerjoin(
                ProgressNote,
                and_(ProgressNote.therapy_session_id == TherapySession.id, ProgressNote.couple_id.in_(ids)),
            )
            .where(TherapySession.couple_id.in_(ids), TherapySession.entered_in_error_at.is_(None))
            .group_by(TherapySession.couple_id)
        ).all()
        cache[key] = {row[0]: (row[1], row[2], bool(row[3]), row[4], row[5]) for row in rows}
    return cache[key]


def sessions_caseload(couples: list) -> dict[int, CaseloadInfo]:
    ids = [couple.id for couple in couples]
    summary = session_summary(ids)
    days = current_app.config.get("UNSIGNED_NOTE_ALERT_DAYS", 3)
    last = [(couple_id, row[0], row[1]) for couple_id, row in summary.items() if row[0] is not None]
    overdue = [(couple_id, row[3], row[4]) for couple_id, row in summary.items() if row[3]]
    info: dict[int, CaseloadInfo] = {}
    for couple_id, number, level, name in _unaddressed_risks(ids):
        info.setdefault(couple_id, CaseloadInfo()).alerts.append(
            f"Risk rated {level} for {name} in session {number}: record how it was addressed."
        )
    for couple_id, starts_at, number in last:
        info.setdefault(couple_id, CaseloadInfo()).facts["Last session"] = f"{_date(starts_at)} (#{number})"
    for couple_id, count, oldest in overdue:
        notes = "1 note is" if count == 1 else f"{count} notes are"
        info.setdefault(couple_id, CaseloadInfo()).alerts.append(
            f"{notes} unsigned more than {days} days after the session (oldest: session {oldest})."
        )
    return info


def _unaddressed_risks(ids: list[int]) -> list:
    """(couple id, session number, level, partner name) for every note, draft or signed, rating a partner
    moderate or high, with no review recorded for it and no later signed note rating that partner none or
    low. One query for all couples and both partners."""
    return list(db.session.execute(_risks_statement(), {"ids": ids}).all())


@cache
def _risks_statement():
    """Built once per process: constructing this statement (two correlated EXISTS, aliases, a union)
    cost more than running it on a large caseload. The couple ids are an expanding bound parameter."""
    ids = bindparam("ids", expanding=True)
    both = union_all(_risk_select(ids, "a"), _risk_select(ids, "b")).subquery()
    return select(both).order_by(both.c.couple_id, both.c.number)


def _risk_select(ids, position: str):
    rating = ProgressNote.answers[f"risk_{position}"].as_string()
    later, later_session = aliased(ProgressNote), aliased(TherapySession)
    cleared_later = exists().where(
        later_session.id == later.therapy_session_id,
        later.couple_id == ProgressNote.couple_id,
        later.signed_at.is_not(None),
        later_session.number > TherapySession.number,
        later.answers[f"risk_{position}"].as_string().in_(("none", "low")),
    )
    reviewed = exists().where(NoteRiskReview.progress_note_id == ProgressNote.id, NoteRiskReview.position == position)
    return (
        select(ProgressNote.couple_id, TherapySession.number, rating.label("level"), Partner.name)
        .join(TherapySession, TherapySession.id == ProgressNote.therapy_session_id)
        .join(Partner, and_(Partner.couple_id == ProgressNote.couple_id, Partner.position == position))
        .where(ProgressNote.couple_id.in_(ids), rating.in_(("moderate", "high")), ~reviewed, ~cleared_later)
    )


def _date(value) -> str:
    from clinic.templating import format_date

    return format_date(value)
