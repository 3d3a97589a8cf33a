"""Reminders for partners: a daily digest at the hour they choose, in their own time zone (no clinical text)."""

from flask import Flask
from huey import crontab

from clinic.extensions import db


def init_app(app: Flask) -> None:
    from clinic.reminders import services, views

    app.register_blueprint(views.bp)
    app.add_template_global(services.preferences_for_couple, "reminder_choices_for_couple")

    def digests_in_app() -> None:
        with app.app_context():
            try:
                services.send_due_digests()
            finally:
                db.session.remove()

    huey = app.extensions["jobs"].huey
    huey.periodic_task(crontab(minute="*/10"), name="clinic.reminder_digests")(digests_in_app)
