"""The background job queue: a job runs, reports progress, keeps its file for its owner, then expires."""

from datetime import timedelta

import pytest
from huey import MemoryHuey, RedisHuey, SqliteHuey

from clinic import jobs
from clinic.db import utcnow
from clinic.extensions import db
from tests.factories import make_user

seen_progress: list[tuple[int, str]] = []


@jobs.job("test.write")
def write_file(job, *, text):
    job.report(50, "Halfway")
    seen_progress.append((job.progress, job.step))
    job.file_path().write_text(text)


@jobs.job("test.fail")
def fail(job):
    job.file_path().write_text("partial")
    raise RuntimeError("fictional failure with clinical words that must not be stored")


def test_a_job_runs_reports_progress_and_keeps_its_file(app):
    owner = make_user()
    db.session.commit()
    started = jobs.start("test.write", owner.id, "export.txt", text="made in the background")
    db.session.expire_all()
    row = jobs.owned_job(started.id, owner.id)
    assert row is not None and row.status == "done" and row.progress == 100
    assert seen_progress[-1] == (50, "Halfway")
    assert row.has_file() and row.file_path().read_text() == "made in the background"
    assert row.finished_at is not None and row.download_name == "export.txt"


def test_a_job_is_invisible_to_anyone_but_its_owner(app):
    owner, other = make_user(), make_user()
    db.session.commit()
    started = jobs.start("test.write", owner.id, "export.txt", text="x")
    assert jobs.owned_job(started.id, other.id) is None
    assert jobs.owned_job("0" * 32, owner.id) is None


def test_a_failed_job_says_so_generically_and_leaves_no_file(app):
    owner = make_user()
    db.session.commit()
    started = jobs.start("test.fail", owner.id, "export.txt")
    db.session.expire_all()
    row = jobs.owned_job(started.id, owner.id)
    assert row.status == "failed" and not row.has_file() and not row.file_path().exists()
    assert "clinical" not in row.error and "try again" in row.error


def test_expired_jobs_lose_their_row_and_file(app):
    owner = make_user()
    db.session.commit()
    started = jobs.start("test.write", owner.id, "export.txt", text="x")
    path = started.file_path()
    started.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert jobs.owned_job(started.id, owner.id) is None
    assert jobs.delete_expired() == 1
    assert not path.exists() and db.session.get(jobs.Job, started.id) is None


def test_an_undeclared_job_kind_is_refused(app):
    owner = make_user()
    db.session.commit()
    with pytest.raises(LookupError):
        jobs.start("test.nothing", owner.id, "x.txt")


@pytest.mark.parametrize(
    ("url", "kind"),
    [("", SqliteHuey), ("redis://127.0.0.1:6379/3", RedisHuey), ("immediate", MemoryHuey)],
)
def test_the_queue_is_chosen_by_configuration(make_app, url, kind):
    app = make_app(JOBS_URL=url)
    assert isinstance(app.extensions["jobs"].huey, kind)
