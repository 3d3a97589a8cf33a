"""record(): the one call every domain uses to write the audit trail."""

from flask import has_request_context, request
from flask_login import current_user

from clinic.audit.models import AuditEvent
from clinic.extensions import db


def record(action: str, record=None, *, record_type=None, record_id=None, couple_id=None,
           outcome: str = "ok", actor=None) -> AuditEvent:
    """Add an audit event to the current transaction (flushed, never committed here).

    `record` may be any model instance: its table name and id are taken from it, and its
    `couple_id` when it has one. Only ids and action names are stored.
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
        action=action,
        record_type=record_type,
        record_id=record_id,
        couple_id=couple_id,
        client_address=request.remote_addr if has_request_context() else "cli",
        outcome=outcome,
    )
    db.session.add(event)
    db.session.flush()
    return event


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None
