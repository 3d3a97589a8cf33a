"""Homework: the exercise library, assignments to one or both partners, entries and adherence.

Public functions for other domains:
- `clinic.homework.review.summarise_since(couple, since_at)` → plain-text review for a progress note
- `clinic.homework.export.couple_homework_summary(couple)` → plain data for the record export
- `clinic.homework.library.exercise_as_worksheet(exercise)` → plain data for a printed worksheet
- `clinic.homework.library.sync_builtin_exercises()` → load/fix the built-in exercises (idempotent)

It listens to `clinic.measures.signals.safety_screen_flagged` and pauses the couple's active
conflict-raising homework at once (see `clinic.homework.safeguard`).
"""

import click

from clinic.extensions import db
from clinic.homework import portal, views
from clinic.homework.library import sync_builtin_exercises
from clinic.homework.progress import caseload_provider, today_summary
from clinic.homework.review import summarise_since
from clinic.homework.safeguard import connect
from clinic.registry import register_caseload_provider, register_homework_review


def init_app(app) -> None:
    """Register the therapist's (`homework`) and the partner's (`homework_portal`) blueprints and the hooks."""
    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    register_caseload_provider(caseload_provider, order=60)
    register_homework_review(summarise_since)
    app.add_template_global(today_summary, "homework_today")
    app.cli.add_command(sync_exercises_command)
    connect()


@click.command("sync-exercises")
def sync_exercises_command():
    """Load the built-in homework exercises from their data files (adds new ones, fixes changed ones)."""
    counts = sync_builtin_exercises()
    db.session.commit()
    click.echo("Exercises: {added} added, {updated} updated, {retired} retired.".format(**counts))
