"""The per-process background sealer: seals new audit events every few seconds, beside the requests."""

import atexit
import logging
import os
import threading

log = logging.getLogger(__name__)


def start_sealer(app, interval: float) -> threading.Thread | None:
    """Start a daemon thread running seal_pending() every `interval` seconds in an app context.

    Never raises into the app; stops quietly at exit; not started in the Flask reloader's parent.
    """
    if _is_reloader_parent(app):
        return None
    stop = threading.Event()
    thread = threading.Thread(target=_run, args=(app, interval, stop), name="clinic-audit-sealer", daemon=True)
    thread.stop = stop
    atexit.register(stop.set)
    thread.start()
    return thread


def _is_reloader_parent(app) -> bool:
    # Under the `flask` CLI only the reloader's serving child (WERKZEUG_RUN_MAIN=true) seals: not the
    # watching parent, and not one-off commands (db upgrade, seal-audit) which seal themselves if needed.
    return os.environ.get("FLASK_RUN_FROM_CLI") == "true" and os.environ.get("WERKZEUG_RUN_MAIN") != "true"


def _run(app, interval: float, stop: threading.Event) -> None:
    from clinic.audit.seal import seal_pending
    from clinic.extensions import db

    while not stop.wait(interval):
        try:
            with app.app_context():
                try:
                    seal_pending()
                finally:
                    db.session.remove()
        except Exception:  # noqa: BLE001 - the sealer must never take the app down; it retries next time
            log.exception("audit sealing failed; will retry")
