"""The per-process background sealer: seals new audit events every few seconds, beside the requests."""

import atexit
import logging
import threading

from flask import Flask

from clinic.audit import seal as sealing
from clinic.extensions import db

log = logging.getLogger(__name__)


class SealerThread(threading.Thread):
    """A daemon thread that seals until its `stop` event is set."""

    def __init__(self, app: Flask, interval: float):
        super().__init__(name="clinic-audit-sealer", daemon=True)
        self.app = app
        self.interval = interval
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            try:
                with self.app.app_context():
                    try:
                        sealing.seal_pending()  # looked up per run, so a test can replace it
                    finally:
                        db.session.remove()
            except Exception:  # noqa: BLE001 - the sealer must never take the app down; it retries next time
                log.exception("audit sealing failed; will retry")


def start_sealer(app: Flask, interval: float) -> SealerThread:
    """Start a daemon thread running seal_pending() every `interval` seconds in an app context.

    Never raises into the app; stops quietly at exit. The audit domain starts it on a process's first request.
    """
    thread = SealerThread(app, interval)
    atexit.register(thread.stop.set)
    thread.start()
    return thread
