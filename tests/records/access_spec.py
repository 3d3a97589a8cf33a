"""Access declarations for every route of the records domain."""

from datetime import timedelta

from tests.access.matrix import THERAPIST, RouteSpec


def _couple(w):
    return f"/couples/{w.couple.id}"


def _job(w):
    return w.extra["export_job"]


SPECS = [
    RouteSpec("records.export_record", lambda w: _couple(w) + "/export", THERAPIST, scoped=True),
    RouteSpec(
        "records.export_record",
        lambda w: _couple(w) + "/export",
        THERAPIST,
        method="POST",
        scoped=True,
        data=lambda w: {"format": "json"},
    ),
    RouteSpec("records.export_status", lambda w: f"/exports/{_job(w).id}", THERAPIST, scoped=True),
    RouteSpec("records.export_download", lambda w: f"/exports/{_job(w).id}/file", THERAPIST, scoped=True),
]


def populate(world):
    """A finished export of the world's couple, owned by its therapist."""
    from clinic.db import utcnow
    from clinic.extensions import db
    from clinic.jobs import Job

    job = Job(
        id="f" * 32,
        kind="records.export",
        owner_id=world.therapist.id,
        status="done",
        progress=100,
        download_name="couple-record.json",
        expires_at=utcnow() + timedelta(minutes=30),
    )
    db.session.add(job)
    db.session.flush()
    job.file_path().write_text("{}")
    world.extra["export_job"] = job
