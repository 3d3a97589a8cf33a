"""Access decorators, safe redirects and the response headers every page carries."""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, request, url_for
from flask_login import current_user, login_required
from werkzeug.routing import IntegerConverter
from werkzeug.serving import WSGIRequestHandler

from clinic.config import is_production

THERAPIST, CLIENT, ADMIN = "therapist", "client", "admin"
MAX_ID = 2**31 - 1  # the largest value of an INTEGER primary key (PostgreSQL's int4)


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in every route: a number no record id can reach does not match the route (404),
    instead of overflowing the database driver (a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bound_record_ids(app) -> None:
    """Install the bounded converter; must run before any blueprint registers its routes."""
    app.url_map.converters["int"] = RecordIdConverter


def roles_required(*roles: str):
    """Signed-in users whose role is one of `roles` pass; everyone else signed in gets 403.

    A therapist holding admin rights passes `ADMIN` too.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def has_role(user, *roles: str) -> bool:
    if user.role in roles:
        return True
    return ADMIN in roles and bool(getattr(user, "is_admin", False))


def get_owned_or_404(model, record_id: int, **owner):
    """The `model` row `record_id` when each `owner` column has the given value; otherwise 404.

    A record that exists but belongs to someone else answers exactly like one that does not exist.
    """
    from clinic.extensions import db

    found = db.session.get(model, record_id)
    if found is None or any(getattr(found, column) != value for column, value in owner.items()):
        abort(404)
    return found


def home_for(user) -> str:
    """Where a signed-in user lands: the caseload, the client's Today page, or the staff list."""
    if user.role == CLIENT:
        return url_for("portal.today")
    if user.role == ADMIN:
        return url_for("admin.staff")
    return url_for("couples.caseload")


therapist_required = roles_required(THERAPIST)
client_required = roles_required(CLIENT)
admin_required = roles_required(ADMIN)


def safe_next_url(target: str | None) -> str | None:
    """Return `target` only when it is a path on this site; otherwise None.

    Refuses absolute URLs, scheme-relative `//host`, backslash tricks like `/\\host` and anything
    with control characters, which browsers may normalise into another origin.
    """
    if not target or not target.startswith("/") or len(target) > 2000:
        return None
    if target.startswith("//") or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _server_name(_handler) -> str:
    return "clinic"


def hide_server_version() -> None:
    """The development server otherwise answers `Server: Werkzeug/<version> Python/<version>`."""
    WSGIRequestHandler.version_string = _server_name  # type: ignore[method-assign,assignment]


def register(app):
    hide_server_version()

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if is_production(app):
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not request.path.startswith("/static/"):
            # Pages may hold health data: no copies in shared or browser caches.
            headers.setdefault("Cache-Control", "no-store")
            headers["Pragma"] = "no-cache"
        return response
