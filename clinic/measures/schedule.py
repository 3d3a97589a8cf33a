"""When a measure request is due: once, every N days, or before every session.

"Before every session" needs to know when sessions happen. The sessions domain is optional here:
when it provides a `TherapySession` model with `couple_id` and a start time, an answer is due
again once a session has taken place since the last answer; without it, a weekly rhythm is
assumed (due again 7 days after the last answer).
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from clinic.db import utcnow
from clinic.extensions import db
from clinic.sessions import models

WEEKLY = timedelta(days=7)
_START_COLUMNS = ("starts_at", "started_at", "scheduled_at", "held_at", "session_at", "occurred_at")

# {couple_id: time of the latest session that has started}, or None when sessions aren't known.
SessionTimes = dict[int, datetime] | None


def _session_model():
    model = getattr(models, "TherapySession", None)
    if model is None or not hasattr(model, "couple_id"):
        return None, None
    column = next((getattr(model, name) for name in _START_COLUMNS if hasattr(model, name)), None)
    return (model, column) if column is not None else (None, None)


def last_session_times(couple_ids: list[int]) -> SessionTimes:
    """Latest started session per couple, in one query; None when the app records no sessions."""
    model, column = _session_model()
    if model is None or not couple_ids:
        return None
    rows = db.session.execute(
        select(model.couple_id, func.max(column))
        .where(model.couple_id.in_(couple_ids), column <= utcnow())
        .group_by(model.couple_id)
    )
    return {couple_id: aware(at) for couple_id, at in rows if at is not None}


def aware(value):
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def is_due(request, now: datetime, sessions: SessionTimes) -> bool:
    """Whether `request` is waiting for an answer at `now` (its responses loaded)."""
    last = max((r.answered_at for r in request.responses), default=None)
    latest_session = sessions.get(request.couple_id) if sessions is not None else None
    return due_after(request, last, now, latest_session, sessions_known=sessions is not None)


def due_after(
    request, last: datetime | None, now: datetime, latest_session: datetime | None, *, sessions_known: bool = True
) -> bool:
    """Whether `request`, last answered at `last` (None: never), is due at `now`, given the couple's latest
    started session (`sessions_known` False: the app records no sessions, so a weekly rhythm)."""
    if request.stopped_at is not None:
        return False
    if last is None:
        return True
    if request.schedule == "once":
        return False
    if request.schedule == "every_n_days":
        return now - last >= timedelta(days=request.interval_days or 1) - timedelta(hours=12)
    if not sessions_known:
        return now - last >= WEEKLY
    return latest_session is not None and latest_session > last


def latest_session_column(couple_id_column, now: datetime):
    """A correlated scalar subquery for a select: the latest session of the row's couple started by `now`;
    None when the app records no sessions."""
    model, column = _session_model()
    if model is None:
        return None
    return select(func.max(column)).where(model.couple_id == couple_id_column, column <= now).scalar_subquery()
