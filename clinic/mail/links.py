"""Links that leave the app (emails, the invitation page) are built from `EXTERNAL_URL`, never from the
request's Host header: a forged Host must not be able to send a partner's link to another server."""

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import SecurityError


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` under the configured `EXTERNAL_URL` (its path prefix kept)."""
    base = urlsplit(str(current_app.config["EXTERNAL_URL"]))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def refuse_unknown_host(error: SecurityError):
    """A Host outside TRUSTED_HOSTS: a plain 400 (the error page can't build links for that host)."""
    return "Bad request: this server does not answer to that host name.\n", 400, {"Content-Type": "text/plain"}
