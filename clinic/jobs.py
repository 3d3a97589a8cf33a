"""Background work: Huey runs long jobs (record exports, packets) off the request path.

Where the queue lives is configuration only (`JOBS_URL`):
- empty (the default): `SqliteHuey` in the instance folder, embedded, no server needed;
- `redis://…`: `RedisHuey`, shared by every app instance of a group practice;
- `immediate`: jobs run inside the request that starts them (the test suite).

`flask --app clinic jobs` runs the consumer; `make run` and `deploy/` start it beside the web server.

A job is a row in `background_job` that its owner's browser polls for progress. A job's function
writes its file with `Job.file_path()`; the file is kept for its owner only, for `JOB_FILE_MINUTES`
(30 by default), then deleted with its row. Rows and logs hold no clinical text: a job's step is a
short fixed phrase, its error a generic message.
"""

import logging
import secrets
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from clinic.db import UTCDateTime, one_of, utcnow
from clinic.extensions import Model, db
from clinic.settings import use_viewer_zone, viewer_zone

log = logging.getLogger(__name__)

STATUSES = ("queued", "running", "done", "failed")
JobFunction = Callable[..., None]
_FUNCTIONS: dict[str, JobFunction] = {}


class Job(Model):
    """One background job: who asked, how far it got, and the file it made."""

    __tablename__ = "background_job"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUSES), name="status_known"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(80), default="Waiting to start")
    download_name: Mapped[str] = mapped_column(String(120), default="")
    error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def file_path(self) -> Path:
        return files_folder() / f"{self.id}.bin"

    def has_file(self) -> bool:
        return self.status == "done" and self.file_path().is_file()

    def report(self, progress: int, step: str) -> None:
        """Record how far the job got (committed at once, so the owner's page shows it)."""
        self.progress, self.step = max(0, min(100, progress)), step[:80]
        db.session.commit()


class JobFailed(Exception):
    """Raised by a job function to fail with a message meant for its owner (fixed wording, no record text)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def job(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Declare a job function `fn(job, **arguments)`; it runs in an app context in the consumer."""

    def register(function: JobFunction) -> JobFunction:
        _FUNCTIONS[kind] = function
        return function

    return register


def files_folder() -> Path:
    folder = Path(current_app.instance_path) / "job-files"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


TIME_ZONE_ARGUMENT = "_time_zone"


def start(kind: str, owner_id: int, download_name: str, *, time_zone: str | None = None, **arguments: Any) -> Job:
    """Add a job for `owner_id` and queue it (commits: the consumer must see the row).

    The job reads and prints times in `time_zone` (default: the zone of the person asking, `viewer_zone()`),
    passed by name so the consumer renders as that person would see the page."""
    if kind not in _FUNCTIONS:
        raise LookupError(f"no job function declared for {kind!r}")
    minutes = int(current_app.config.get("JOB_FILE_MINUTES", 30))
    row = Job(
        id=secrets.token_hex(16),
        kind=kind,
        owner_id=owner_id,
        download_name=download_name,
        expires_at=utcnow() + timedelta(minutes=minutes),
    )
    arguments[TIME_ZONE_ARGUMENT] = time_zone or viewer_zone().key  # read before the commit ends the transaction
    db.session.add(row)
    db.session.commit()
    current_app.extensions["jobs"].run_job(row.id, arguments)
    return row


def owned_job(job_id: str, owner_id: int) -> Job | None:
    """The job if it exists, belongs to `owner_id` and has not expired; otherwise None."""
    row = db.session.get(Job, job_id)
    if row is None or row.owner_id != owner_id or row.expires_at <= utcnow():
        return None
    return row


def delete_expired() -> int:
    """Delete expired jobs and their files; returns how many."""
    expired = db.session.scalars(select(Job).where(Job.expires_at <= utcnow())).all()
    for row in expired:
        row.file_path().unlink(missing_ok=True)
        db.session.delete(row)
    db.session.commit()
    return len(expired)


def _execute(job_id: str, arguments: dict[str, Any]) -> None:
    row = db.session.get(Job, job_id)
    if row is None or row.status != "queued":
        return
    row.status, row.step = "running", "Starting"
    db.session.commit()
    arguments = dict(arguments)
    use_viewer_zone(arguments.pop(TIME_ZONE_ARGUMENT, None))  # times as the person who asked reads them
    try:
        _FUNCTIONS[row.kind](row, **arguments)
    except JobFailed as failure:
        db.session.rollback()
        row.status, row.error, row.finished_at = "failed", failure.message[:200], utcnow()
        row.file_path().unlink(missing_ok=True)
    except Exception as error:
        db.session.rollback()
        # The error's type and where it happened, never its message: messages can carry record text.
        where = traceback.extract_tb(error.__traceback__)[-1]
        log.error(
            "background job %s (%s) failed: %s at %s:%s",
            row.id,
            row.kind,
            type(error).__name__,
            where.filename,
            where.lineno,
        )
        row.status, row.error = "failed", "Something went wrong while making this file. Please try again."
        row.finished_at = utcnow()
        row.file_path().unlink(missing_ok=True)
    else:
        row.status, row.progress, row.step, row.finished_at = "done", 100, "Ready", utcnow()
    db.session.commit()


class JobQueue:
    """The app's Huey instance and the one task that runs any declared job in an app context."""

    def __init__(self, app: Flask) -> None:
        self.huey = _make_huey(app)

        def run_in_app(job_id: str, arguments: dict[str, Any]) -> None:
            with app.app_context():
                _execute(job_id, arguments)
                db.session.remove()

        def clean_in_app() -> None:
            with app.app_context():
                delete_expired()
                db.session.remove()

        self._run = self.huey.task(name="clinic.run_job", retries=0)(run_in_app)
        self.huey.periodic_task(crontab(minute="*/5"), name="clinic.delete_expired_jobs")(clean_in_app)

    def run_job(self, job_id: str, arguments: dict[str, Any]) -> None:
        self._run(job_id, arguments)


def _make_huey(app: Flask) -> Huey:
    url = str(app.config.get("JOBS_URL") or "")
    if url == "immediate":
        return MemoryHuey("clinic", immediate=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("clinic", url=url)
    return SqliteHuey("clinic", filename=str(Path(app.instance_path) / "jobs.sqlite3"))


def init_app(app: Flask) -> None:
    app.extensions["jobs"] = JobQueue(app)
    app.cli.add_command(jobs_command)


@click.command("jobs")
@click.option("--workers", default=2, show_default=True, help="Threads running jobs at once.")
def jobs_command(workers: int) -> None:
    """Run the background job consumer (record exports, packets) until stopped."""
    queue: JobQueue = current_app.extensions["jobs"]
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    click.echo(f"Background jobs: {type(queue.huey).__name__}, {workers} workers")
    queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
