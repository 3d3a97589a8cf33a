"""Email: Flask-Mailman with a pluggable backend, sent in the background through the kept job queue.

Embedded default: messages are written to `instance/outbox/*.eml` and listed on the admin Outbox page.
Production: `CLINIC_MAIL_BACKEND=smtp` with `CLINIC_MAIL_*` (deploy/README.md).
"""

import sys

import click
from flask import Flask
from flask_mailman import Mail
from huey import crontab

from clinic.extensions import db

mail = Mail()


class MailQueue:
    """Delivery tasks on the app's Huey: one per message, re-scheduled with backoff on failure, and a
    periodic sweep for messages whose retry time has come (or that a lost worker left queued)."""

    def __init__(self, app: Flask) -> None:
        from clinic.mail import services

        huey = app.extensions["jobs"].huey

        def deliver_in_app(message_id: int) -> None:
            with app.app_context():
                try:
                    delay = services.deliver(message_id)
                finally:
                    db.session.remove()
            if delay is not None and not huey.immediate:
                self._deliver.schedule((message_id,), delay=delay)

        def sweep_in_app() -> None:
            with app.app_context():
                try:
                    services.deliver_due()
                finally:
                    db.session.remove()

        self._deliver = huey.task(name="clinic.deliver_mail", retries=0)(deliver_in_app)
        huey.periodic_task(crontab(minute="*"), name="clinic.deliver_due_mail")(sweep_in_app)

    def deliver(self, message_id: int) -> None:
        self._deliver(message_id)


def init_app(app: Flask) -> None:
    from werkzeug.exceptions import SecurityError

    from clinic.mail import links, outbox, views

    mail.init_app(app)
    app.register_error_handler(SecurityError, links.refuse_unknown_host)
    app.extensions["mail_queue"] = MailQueue(app)
    app.register_blueprint(views.bp)
    with app.app_context():
        embedded = outbox.is_outbox_backend()
    if embedded and not app.testing and "run" in sys.argv[1:]:
        click.echo(
            "Mail: written to instance/outbox/ and listed at /admin/outbox (set CLINIC_MAIL_BACKEND=smtp to send).",
            err=True,
        )
