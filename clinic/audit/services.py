"""record(): the one call every domain uses to write the audit trail; the trail's read queries."""

from datetime import datetime, time, timedelta

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from clinic.audit import chain
from clinic.audit.models import AuditEvent
from clinic.extensions import db


def record(action: str, record=None, *, record_type=None, record_id=None, couple_id=None,
           outcome: str = "ok", actor=None) -> AuditEvent:
    """Add an audit event to the current transaction (flushed, never committed here).

    `record` may be any model instance: its table name and id are taken from it, and its
    `couple_id` when it has one. Only ids and action names are stored. The event is linked into
    the hash chain (see clinic.audit.chain), so it is written in the order transactions commit.
    """
    if record is not None:
        record_type = record_type or record.__tablename__
        record_id = record_id if record_id is not None else record.id
        if couple_id is None:
            couple_id = getattr(record, "couple_id", None)
    actor = actor if actor is not None else _current_actor()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_role=getattr(actor, "role", None),
        action=action[:60],
        record_type=record_type[:40] if record_type else None,
        record_id=record_id,
        couple_id=couple_id,
        client_address=(request.remote_addr or "")[:64] if has_request_context() else "cli",
        outcome=outcome[:20],
    )
    chain.append(event)
    return event


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def trail_query(*, actor_id=None, couple_id=None, action=None, date_from=None, date_to=None, zone=None):
    """Newest first, filtered; dates are whole days in the practice time zone (inclusive)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if couple_id:
        query = query.where(AuditEvent.couple_id == couple_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if date_from:
        query = query.where(AuditEvent.at >= datetime.combine(date_from, time.min, zone))
    if date_to:
        query = query.where(AuditEvent.at < datetime.combine(date_to + timedelta(days=1), time.min, zone))
    return query


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
