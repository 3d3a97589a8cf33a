"""The domain error family and the friendly error pages (never a traceback, SQL or path)."""

import logging
from collections.abc import Mapping, Sequence

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from clinic.extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule refused the operation; `field` names the form field the message belongs to.

    An operation that checks several rules raises one DomainError with `problems` (field name ->
    message, every problem at once); `message` and `field` then default to all the messages joined and
    the first field, so callers that read only those keep working.
    """

    problems: Mapping[str, str] | Sequence["DomainError"]

    def __init__(
        self, message: str | None = None, field: str | None = None, *, problems: Mapping[str, str] | None = None
    ):
        problems = dict(problems or {})
        message = message if message is not None else " ".join(problems.values())
        super().__init__(message)
        self.message = message
        self.field = field if field is not None or not problems else next(iter(problems))
        self.problems = problems


class EditConflict(DomainError):
    """Someone saved the record after this form was loaded: the caller shows both versions."""

    def __init__(self, message="This record was changed elsewhere after you opened it.", current=None):
        super().__init__(message)
        self.current = current


ERROR_TITLES = {
    400: "That request could not be read",
    403: "You don't have access to this page",
    404: "Page not found",
    405: "That action isn't available here",
    409: "This record changed while you were editing",
    413: "That was too much to send at once",
    429: "Too many attempts",
    500: "Something went wrong on our side",
    503: "The service is unavailable",
}


def register(app):
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(StaleDataError, _stale_data)
    app.register_error_handler(OperationalError, _operational_error)
    app.register_error_handler(Exception, _unexpected)


def edit_conflict(template: str, **context):
    """The 409 answer to an EditConflict: nothing was saved, and the page shows the form again with
    the writer's typed text beside the current version (the template reads `conflict`)."""
    db.session.rollback()
    return render_template(template, conflict=True, **context), 409


def render_error(code: int, detail: str | None = None):
    db.session.rollback()
    title = ERROR_TITLES.get(code, "Something went wrong")
    return render_template("errors/error.html", code=code, title=title, detail=detail), code


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    detail = error.description if error.code in (400, 413, 429) and _is_own_message(error) else None
    response = render_error(error.code, detail)
    if error.code == 405 and (allowed := getattr(error, "valid_methods", None)):
        return response[0], 405, {"Allow": ", ".join(allowed)}
    return response


def _is_own_message(error: HTTPException) -> bool:
    # Werkzeug's stock descriptions are generic; ours are passed to abort() explicitly.
    return error.description != type(error).description


def _csrf_error(error: CSRFError):
    return render_error(
        400,
        "This form had expired or was sent from somewhere else, so nothing was saved. "
        "Go back, reload the page and send it again.",
    )


def _stale_data(error):
    return render_error(409, "Another save reached this record first. Reload it and apply your change again.")


def _unexpected(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return render_error(500)


def is_database_busy(error: Exception) -> bool:
    """True for SQLite's "database is locked" / "busy": a write waited longer than the busy timeout."""
    message = str(getattr(error, "orig", error)).lower()
    return "database is locked" in message or "database is busy" in message


def database_busy(error=None):
    """A friendly 503 with Retry-After: nothing was saved, try again in a moment."""
    log.warning("database busy on %s %s", request.method, request.path)
    body, code = render_error(
        503, "The practice's records are very busy right now, so nothing was saved. Wait a moment and try again."
    )
    return body, code, {"Retry-After": "5"}


def _operational_error(error):
    return database_busy(error) if is_database_busy(error) else _unexpected(error)
