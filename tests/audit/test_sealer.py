"""The background sealer seals new events within seconds and survives errors."""

import time

from sqlalchemy import func, select

from clinic.audit.models import AuditEvent
from clinic.audit.sealer import start_sealer
from clinic.audit.services import record
from clinic.extensions import db


def _unsealed():
    db.session.rollback()
    count = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.seal_id.is_(None)))
    db.session.rollback()  # outside a request a transaction takes SQLite's write lock: don't hold it while polling
    return count


def test_the_background_sealer_seals_new_events_within_seconds(make_app, app, audit_checkpoint):
    record("test.background")
    db.session.commit()
    thread = start_sealer(make_app(), 0.1)
    try:
        deadline = time.monotonic() + 20  # generous: CI machines are busy
        # The checkpoint is written just after the seal commits: wait for both.
        while (_unsealed() or not audit_checkpoint.exists()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _unsealed() == 0 and audit_checkpoint.exists()
    finally:
        thread.stop.set()
        thread.join(2)
    assert not thread.is_alive()


def test_the_sealer_thread_survives_a_failing_run(make_app, app, monkeypatch, caplog):
    import clinic.audit.seal as sealing

    monkeypatch.setattr(sealing, "seal_pending", lambda: 1 / 0)
    thread = start_sealer(make_app(), 0.05)
    time.sleep(0.3)
    alive = thread.is_alive()
    thread.stop.set()
    thread.join(2)
    assert alive and "audit sealing failed" in caplog.text


def test_a_serving_app_starts_its_sealer_on_the_first_request(make_app, app, audit_checkpoint):
    serving = make_app(TESTING=False, AUDIT_SEAL_INTERVAL_SECONDS=0.1, AUDIT_KEY="k" * 48)
    assert "audit_sealer" not in serving.extensions  # building the app (a CLI command) starts nothing
    assert serving.test_client().get("/healthz").status_code == 200
    thread = serving.extensions["audit_sealer"]
    serving.test_client().get("/healthz")
    assert serving.extensions["audit_sealer"] is thread  # one per process
    try:
        assert thread.is_alive()
    finally:
        thread.stop.set()
        thread.join(2)
