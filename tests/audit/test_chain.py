"""The audit trail's hash chain and `flask --app clinic verify-audit`."""

import threading

import pytest
from sqlalchemy import text

from clinic.audit.chain import verify
from clinic.audit.models import AuditEvent
from clinic.audit.services import record
from clinic.extensions import db


def _events(n=5, world=None):
    for i in range(n):
        record(f"test.event_{i}", record_type="couple", record_id=i + 1, couple_id=i + 1)
    db.session.commit()


def _verify_cli(app):
    return app.test_cli_runner().invoke(args=["verify-audit"])


def test_an_intact_trail_verifies(app):
    _events(5)
    result = _verify_cli(app)
    print(f"\n{result.output.strip()}")
    assert result.exit_code == 0 and "5 events checked" in result.output


@pytest.mark.parametrize("tamper", [
    "UPDATE audit_event SET action = 'test.innocent' WHERE id = 3",
    "UPDATE audit_event SET actor_id = NULL, record_id = 99 WHERE id = 2",
    "UPDATE audit_event SET at = at WHERE id = 1; UPDATE audit_event SET outcome = 'denied' WHERE id = 1",
    "DELETE FROM audit_event WHERE id = 3",
    "DELETE FROM audit_event WHERE id = 5",
    "DELETE FROM audit_event",
])
def test_an_altered_or_deleted_row_is_detected(app, tamper):
    _events(5)
    with db.engine.begin() as connection:
        for statement in tamper.split("; "):
            connection.execute(text(statement))
    report = verify()
    assert not report.ok
    result = _verify_cli(app)
    print(f"\n{tamper!r}: exit {result.exit_code}; {report.problems[0]}")
    assert result.exit_code == 1 and "DAMAGED" in result.output


def test_a_recomputed_row_still_breaks_the_next_link(app):
    """Someone who alters a row and recomputes its hash still breaks the following row's link."""
    from clinic.audit.chain import compute_hash

    _events(4)
    row = db.session.get(AuditEvent, 2)
    row_values = {c: getattr(row, c) for c in ("at", "actor_id", "actor_role", "record_type", "record_id",
                                                 "couple_id", "client_address", "outcome", "prev_hash")}
    fake = AuditEvent(action="test.forged", **{k: v for k, v in row_values.items() if k != "prev_hash"})
    new_hash = compute_hash(fake, row.prev_hash)
    db.session.rollback()
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET action = 'test.forged', row_hash = :h WHERE id = 2"),
                           {"h": new_hash})
    report = verify()
    assert not report.ok and any("event 3" in p for p in report.problems)


def test_events_cannot_be_changed_through_the_orm(app):
    _events(1)
    event = db.session.get(AuditEvent, 1)
    event.action = "test.changed"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_concurrent_writers_keep_one_unbroken_chain(make_app, app):
    """8 threads × 25 transactions, each writing two events: one chain, nothing lost."""
    workers, per_worker = 8, 25
    application = make_app()
    errors = []

    def writer(n):
        with application.app_context():
            try:
                for i in range(per_worker):
                    record("test.concurrent", record_type="worker", record_id=n)
                    record("test.concurrent_second", record_type="worker", record_id=i)
                    db.session.commit()
            except Exception as error:  # noqa: BLE001
                errors.append(repr(error))
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = verify()
    print(f"\nconcurrent audit writers: {workers}×{per_worker} transactions, {report.checked} events, "
          f"errors {len(errors)}, problems {len(report.problems)}")
    assert not errors and report.ok and report.checked == workers * per_worker * 2
