"""`make run` is one process (`flask --app clinic start`): it migrates, seeds the demo practice once, serves,
and runs the background job consumer beside the server; Ctrl+C stops all of it cleanly."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from clinic import create_app
from clinic.extensions import db
from tests.security.server import free_port

FLASK = Path(sys.executable).with_name("flask")


def _wait_for(url: str, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped before it answered"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{url} did not answer in time")


@pytest.fixture
def started(tmp_path):
    port = free_port()
    database = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    env = {
        **os.environ,
        "CLINIC_DATABASE_URL": database,
        "CLINIC_INSTANCE_PATH": str(tmp_path),
        "CLINIC_RATELIMIT_ENABLED": "false",
        "CLINIC_JOBS_URL": "",
    }
    log = tmp_path / "start.log"

    def run():
        with open(log, "ab") as out:
            return subprocess.Popen(
                [str(FLASK), "--app", "clinic", "start", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    processes: list[subprocess.Popen] = []
    yield run, f"http://127.0.0.1:{port}", log, database, processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def _stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGINT)  # Ctrl+C
    return process.wait(timeout=30)


def test_start_migrates_seeds_once_serves_runs_jobs_and_stops_on_ctrl_c(started, tmp_path, monkeypatch):
    run, base, log, database, processes = started
    first = run()
    processes.append(first)
    _wait_for(f"{base}/healthz", first, time.monotonic() + 90)
    with urllib.request.urlopen(f"{base}/login", timeout=5) as response:
        assert b"Sign in" in response.read()

    # The consumer in the same process runs a queued job: a record export the demo therapist asked for.
    monkeypatch.setenv("CLINIC_INSTANCE_PATH", str(tmp_path))  # the same queue file as the server's
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "JOBS_URL": ""})
    with app.app_context():
        from clinic.auth.services import find_user_by_email
        from clinic.couples.models import Couple
        from clinic.jobs import Job
        from clinic.records.services import start_export

        therapist = find_user_by_email("therapist@demo.clinic.test")
        couple = db.session.scalars(db.select(Couple).where(Couple.therapist_id == therapist.id)).first()
        job_id = start_export(couple, therapist, fmt="json", include_process_notes=False).id
        deadline = time.monotonic() + 60
        status = "queued"
        while time.monotonic() < deadline and status not in ("done", "failed"):
            time.sleep(0.2)
            status = db.session.get(Job, job_id).status
            # End the transaction at once: outside a request it began IMMEDIATE and holds SQLite's write
            # lock, which the job's consumer needs to record its progress.
            db.session.rollback()
        assert status == "done", log.read_text()
        db.session.remove()

    assert _stop(first) == 0
    text = log.read_text()
    assert "Demo practice created." in text and "therapist@demo.clinic.test" in text
    assert "Serving on " in text

    second = run()  # a second start changes nothing and serves again
    processes.append(second)
    _wait_for(f"{base}/healthz", second, time.monotonic() + 90)
    assert _stop(second) == 0
    assert "Demo practice already present; nothing changed." in log.read_text()


def test_start_names_a_port_in_use(started):
    run, base, log, _database, processes = started
    first = run()
    processes.append(first)
    _wait_for(f"{base}/healthz", first, time.monotonic() + 90)
    second = run()
    processes.append(second)
    assert second.wait(timeout=60) != 0
    assert "is in use by another program" in log.read_text()
    assert _stop(first) == 0
