"""Sessions that end on the server: sign-in, sign-out, idle and absolute timeouts.

Flask keeps the session in a signed cookie, so a cookie copied before logout would otherwise keep
working. The login id in the cookie carries the user's `session_version`; bumping it kills every
older cookie. Timestamps inside the signed cookie enforce the idle and absolute limits here, on the
server, whatever the browser does.
"""

import secrets
import time

from flask import current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy.orm import undefer

from clinic.auth.models import PendingSubmission, User
from clinic.extensions import db, login_manager
from clinic.security import safe_next_url

# Requests to these endpoints do not count as activity (the page polls them to warn before timeout).
# Quick exit is passive too: it must leave at once, even from a timed-out session.
PASSIVE_ENDPOINTS = {"auth.session_status", "static", "core.healthz", "auth.quick_exit"}


@login_manager.user_loader
def load_user(login_id: str):
    user_id, _, version = login_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id), options=[undefer(User.ended_sessions)])
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    if session.get("_sid") and any(entry[0] == session["_sid"] for entry in user.ended_sessions or []):
        return None  # this session was signed out on its device; a copy of its cookie is refused too
    return user


def sign_in(user: User) -> None:
    """Start a fresh session (new identity, no data carried over from before sign-in)."""
    session.clear()
    login_user(user, remember=False)
    now = int(time.time())
    session["_auth_at"] = now
    session["_seen_at"] = now
    session["_sid"] = secrets.token_urlsafe(16)
    session.permanent = False


def sign_out(user: User | None) -> None:
    """End this session (this browser) only: the user's other devices stay signed in. A copy of this
    session's cookie is refused from now on (its id is remembered on the user until it would have
    expired anyway)."""
    if user is not None and user.is_authenticated:
        now = int(time.time())
        oldest = now - current_app.config["ABSOLUTE_SESSION_HOURS"] * 3600
        kept = [entry for entry in user.ended_sessions or [] if entry[1] >= oldest]
        user.ended_sessions = [*kept, [session.get("_sid", ""), now]]
        db.session.flush()
    logout_user()
    session.clear()


def sign_out_everywhere(user: User | None) -> None:
    """End this session and every other session of the same user, on every device."""
    if user is not None and user.is_authenticated:
        end_all_sessions(user)
        user.ended_sessions = []
    logout_user()
    session.clear()


def quick_exit(user: User | None) -> None:
    """End every session of `user` on the server and delete what is kept for them there
    (forms kept after a timeout, double-submit tokens); records `auth.quick_exit` (ids only)."""
    if user is not None and user.is_authenticated:
        from clinic.audit.services import record
        from clinic.core.models import SubmissionToken

        end_all_sessions(user)
        db.session.execute(db.delete(PendingSubmission).where(PendingSubmission.user_id == user.id))
        db.session.execute(db.delete(SubmissionToken).where(SubmissionToken.user_id == user.id))
        record("auth.quick_exit", user, actor=user)
    logout_user()
    session.clear()


def end_all_sessions(user: User) -> None:
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def idle_timeout_seconds() -> int:
    if "idle_timeout_seconds" not in g:
        from clinic.settings import get_practice_settings

        minutes = get_practice_settings().idle_timeout_minutes or current_app.config["IDLE_TIMEOUT_MINUTES"]
        g.idle_timeout_seconds = int(minutes) * 60
    return g.idle_timeout_seconds


def seconds_left() -> int:
    """Seconds until the idle or absolute limit ends this session, whichever comes first."""
    now = int(time.time())
    idle_left = session.get("_seen_at", 0) + idle_timeout_seconds() - now
    absolute_left = session.get("_auth_at", 0) + current_app.config["ABSOLUTE_SESSION_HOURS"] * 3600 - now
    return max(0, min(idle_left, absolute_left))


def enforce_timeouts():
    """before_request: end timed-out sessions, keeping any form the user was sending."""
    if "_user_id" not in session or request.endpoint == "static":
        return None
    if seconds_left() > 0:
        if request.endpoint not in PASSIVE_ENDPOINTS:
            session["_seen_at"] = int(time.time())
        return None
    if request.endpoint in PASSIVE_ENDPOINTS:
        # Asking how long is left never ends the session: the next real request does, and keeps its form.
        return jsonify(seconds_left=0) if request.endpoint == "auth.session_status" else None
    return _expire_session()


def _expire_session():
    user = load_user(session.get("_user_id", ""))
    kept = _keep_submission(user) if user is not None else False
    logout_user()
    session.clear()
    db.session.commit()
    message = "You were signed out after a period of inactivity."
    if kept:
        message += " What you were sending has been kept and will be restored after you sign in."
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error="session_expired", kept=kept, login_url=url_for("auth.login")), 401
    flash(message, "warning")
    target = request.path if request.method == "GET" else _referring_path()
    return redirect(url_for("auth.login", next=safe_next_url(target)))


def _referring_path() -> str | None:
    referrer = request.referrer or ""
    host = request.host_url.rstrip("/")
    if referrer.startswith(host):
        return referrer[len(host) :] or "/"
    return None


NEVER_KEPT = {"csrf_token", "password", "current_password", "new_password", "confirm_password", "code"}


def _keep_submission(user: User) -> bool:
    if request.method != "POST":
        return False
    data = request.get_json(silent=True) if request.is_json else None
    if data is None:
        data = {}
        for key in request.form:
            values = request.form.getlist(key)
            data[key] = values if len(values) > 1 else values[0]
    if isinstance(data, dict):
        # Secrets are never kept: the user types them again after signing in.
        data = {k: v for k, v in data.items() if k not in NEVER_KEPT}
    if not isinstance(data, dict) or not data:
        return False
    path = _referring_path() or request.path
    db.session.add(PendingSubmission(user_id=user.id, path=path, form_data=data))
    return True


def take_pending_submission(user: User, path: str, *more_paths: str) -> dict | None:
    """The newest form kept for `user` on `path` after a timeout, removed once taken. With `more_paths`:
    the form kept for the first of `path, *more_paths` that has one (one query for all of them); only
    that path's forms are removed."""
    paths = [path, *more_paths]
    pending = db.session.scalars(
        db.select(PendingSubmission)
        .where(PendingSubmission.user_id == user.id, PendingSubmission.path.in_(paths))
        .order_by(PendingSubmission.id.desc())
    ).all()
    if not pending:
        return None
    found = next(p for p in paths if any(row.path == p for row in pending))
    taken = [row for row in pending if row.path == found]
    for row in taken:
        db.session.delete(row)
    db.session.flush()
    return taken[0].form_data
