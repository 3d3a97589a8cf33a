"""The per-process background sealer: seals new audit events every few seconds, beside the requests."""

import atexit
import logging
import threading

log = logging.getLogger(__name__)


def start_sealer(app, interval: float) -> threading.Thread:
    """Start a daemon thread running seal_pending() every `interval` seconds in an app context.

    Never raises into the app; stops quietly at exit. The audit domain starts it on a process's first request.
    """
    stop = threading.Event()
    thread = threading.Thread(target=_run, args=(app, interval, stop), name="clinic-audit-sealer", daemon=True)
    thread.stop = stop
    atexit.register(stop.set)
    thread.start()
    return thread


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
