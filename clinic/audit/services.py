"""record(): the one call every domain uses to write the audit trail; the trail's read queries."""

from datetime import datetime, time, timedelta

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import insert, select

from clinic.audit.models import AuditEvent
from clinic.db import READ_METHODS, unsynced_commit, utcnow, writing
from clinic.extensions import db

_BUFFER = "_audit_buffer"
_COLUMNS = (
    "at",
    "actor_id",
    "actor_role",
    "action",
    "record_type",
    "record_id",
    "couple_id",
    "client_address",
    "outcome",
)


def record(
    action: str, record=None, *, record_type=None, record_id=None, couple_id=None, outcome: str = "ok", actor=None
) -> AuditEvent:
    """Add an audit event: a plain insert, no lock and no read of any chain head.

    `record` may be any model instance: its table name and id are taken from it, and its
    `couple_id` when it has one. Only ids and action names are stored. In a writing request or
    CLI work the event joins the current transaction (flushed, never committed here); during a
    read request (GET/HEAD/OPTIONS) it is buffered and written in one short write transaction
    after the response is built (see write_buffered), so the read never takes the write lock.
    Sealing happens later, beside the requests (clinic.audit.seal).
    """
    if record is not None:
        record_type = record_type or record.__tablename__
        record_id = record_id if record_id is not None else record.id
        if couple_id is None:
            couple_id = getattr(record, "couple_id", None)
    actor = actor if actor is not None else _current_actor()
    event = AuditEvent(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_role=getattr(actor, "role", None),
        action=action[:60],
        record_type=record_type[:40] if record_type else None,
        record_id=record_id,
        couple_id=couple_id,
        client_address=(request.remote_addr or "")[:64] if has_request_context() else "cli",
        outcome=outcome[:20],
    )
    if _is_read_request():
        g.setdefault(_BUFFER, []).append(event)
    else:
        db.session.add(event)
        db.session.flush()
    return event


def _is_read_request() -> bool:
    return has_request_context() and request.method in READ_METHODS


def discard_buffered() -> None:
    """Drop events buffered by this read request (it was refused or failed: they never happened)."""
    if has_request_context():
        g.pop(_BUFFER, None)


def write_buffered() -> int:
    """Insert this read request's buffered events in one short IMMEDIATE transaction; returns the count.

    The commit doesn't wait for the disk (`unsynced_commit`): a view is recorded before the page is sent
    and survives a crash of the app, and the next synced commit (any write, the sealer's) makes it
    durable. Waiting for an fsync on every page view cost about 1.5 ms each, with the write lock held."""
    events = g.pop(_BUFFER, None) if has_request_context() else None
    if not events:
        return 0
    rows = [{name: getattr(e, name) for name in _COLUMNS} for e in events]
    with writing(), db.engine.connect() as connection, unsynced_commit(connection):
        connection.execute(insert(AuditEvent), rows)
    return len(rows)


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def trail_query(*, actor_id=None, couple_id=None, action=None, date_from=None, date_to=None, zone=None):
    """Newest first, filtered; dates are whole days in the given zone (the viewer's; inclusive)."""
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
