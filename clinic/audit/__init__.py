"""Append-only audit trail: who did what to which record, when and from where. Never clinical text."""

import logging
import threading

from flask import request
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from clinic.audit.sealer import start_sealer
from clinic.audit.services import discard_buffered, record, write_buffered
from clinic.errors import database_busy, is_database_busy
from clinic.extensions import db

log = logging.getLogger(__name__)

DENIED_STATUSES = {403: "access.denied", 404: "access.not_found"}
LOCKOUT_ENDPOINTS = {"auth.login", "auth.login_code", "auth.login_enrol", "auth.reauth"}


def init_app(app):
    """Record refusals and buffered reads after each request; start the sealer in serving processes.

    The trail's page is an administrator page (admin.audit_trail); this domain has no routes.
    """
    app.after_request(_after_request)
    interval = app.config.get("AUDIT_SEAL_INTERVAL_SECONDS") or 0
    if interval > 0 and not app.testing:
        # Started by the first request a process serves: so every serving process (gunicorn worker,
        # `flask run` with or without the reloader) seals, and one-off commands never start a thread.
        app.before_request(lambda: _start_sealer_once(app, interval))


_sealer_lock = threading.Lock()


def _start_sealer_once(app, interval: float) -> None:
    if "audit_sealer" in app.extensions:
        return
    with _sealer_lock:
        if "audit_sealer" not in app.extensions:
            app.extensions["audit_sealer"] = start_sealer(app, interval)


def _after_request(response):
    """Record refusals, then write the events a read request buffered (in one short write)."""
    response = _record_refusals(response)
    if response.status_code >= 500:
        discard_buffered()
        return response
    try:
        write_buffered()
    except OperationalError as error:
        # A page whose viewing cannot be recorded is not shown: the trail must hold every view.
        discard_buffered()
        if not is_database_busy(error):
            raise
        return database_busy(error)
    return response


def _record_refusals(response):
    """Denied access by a signed-in user (403/404) and throttled attempts (429) go into the trail.

    The request's own uncommitted work (and buffered events) is discarded first: a refused request
    must change nothing.
    """
    status = response.status_code
    if request.endpoint == "static" or status not in (403, 404, 429):
        return response
    signed_in = current_user.is_authenticated
    if status != 429 and not signed_in:
        return response
    try:
        db.session.rollback()
        discard_buffered()
        view_args = request.view_args or {}
        record_id = next((v for v in view_args.values() if isinstance(v, int)), None)
        action = DENIED_STATUSES.get(status) or (
            "auth.lockout" if request.endpoint in LOCKOUT_ENDPOINTS else "auth.throttled"
        )
        record(
            action,
            record_type=(request.endpoint or "unknown")[:40],
            record_id=record_id,
            couple_id=view_args.get("couple_id"),
            outcome="denied",
        )
        db.session.commit()
    except Exception:  # noqa: BLE001 - never turn a refusal into a server error
        db.session.rollback()
        log.exception("could not record a refused request")
    return response
