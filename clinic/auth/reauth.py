"""Re-authentication before sensitive actions (changing email, password or second factor; exports).

`recent_auth_required(max_age_minutes=5)` sends the user to confirm their password (and a code
from their authenticator app if they use one) unless they did so within the last few minutes.
"""

import time
from functools import wraps

from flask import redirect, request, session, url_for
from flask_login import login_required

from clinic.security import safe_next_url

SESSION_KEY = "_reauth_at"


def mark_recent_auth() -> None:
    """Record that the user just proved who they are (password, and code when enrolled)."""
    session[SESSION_KEY] = int(time.time())


def is_recent(max_age_minutes: int = 5) -> bool:
    return int(time.time()) - int(session.get(SESSION_KEY, 0)) <= max_age_minutes * 60


def recent_auth_required(max_age_minutes: int = 5):
    """Decorator: the view runs only if the user re-authenticated in the last `max_age_minutes`."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if is_recent(max_age_minutes):
                return view(*args, **kwargs)
            target = request.full_path.rstrip("?") if request.method == "GET" else _referring_path()
            return redirect(url_for("auth.reauth", next=safe_next_url(target)))

        return wrapped

    if callable(max_age_minutes):  # used bare: @recent_auth_required
        view, max_age_minutes = max_age_minutes, 5
        return decorator(view)
    return decorator


def _referring_path() -> str | None:
    referrer = request.referrer or ""
    host = request.host_url.rstrip("/")
    return referrer[len(host) :] or "/" if referrer.startswith(host) else None
