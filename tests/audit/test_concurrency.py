"""Appending audit events takes no shared lock: concurrent writers never wait for one another."""

import threading
import time

import pytest
from sqlalchemy import func, select

from clinic.audit.chain import verify
from clinic.audit.models import AuditEvent
from clinic.audit.seal import seal_pending
from clinic.audit.services import record
from clinic.extensions import db


def test_an_open_transaction_with_an_event_does_not_block_another_writer(make_app, app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time by design")
    application = make_app()
    inserted, release, took = threading.Event(), threading.Event(), []

    def slow_writer():
        with application.app_context():
            record("test.slow")
            inserted.set()
            release.wait(10)
            db.session.commit()
            db.session.remove()

    def quick_writer():
        with application.app_context():
            started = time.monotonic()
            record("test.quick")
            db.session.commit()
            took.append(time.monotonic() - started)
            db.session.remove()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    inserted.wait(10)
    quick = threading.Thread(target=quick_writer)
    quick.start()
    quick.join(5)
    release.set()
    slow.join()
    print(f"\nsecond writer committed in {took[0] * 1000:.1f} ms while the first held an open transaction")
    assert took and took[0] < 1.0


def test_concurrent_writers_lose_nothing_and_seal_into_a_verified_trail(make_app, app):
    """8 threads × 25 transactions, each writing two events, with a sealer running beside them."""
    workers, per_worker = 8, 25
    application = make_app()
    errors, done = [], threading.Event()

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

    def sealer():
        with application.app_context():
            while not done.is_set():
                seal_pending(limit=37)
            db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(workers)]
    sealing = threading.Thread(target=sealer)
    sealing.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    sealing.join()
    while seal_pending():
        pass
    report = verify()
    total = db.session.scalar(select(func.count(AuditEvent.id)))
    print(
        f"\nconcurrent audit writers: {workers}×{per_worker} transactions, {total} events, {report.batches} "
        f"batches, errors {len(errors)}, problems {report.problems[:2]}"
    )
    assert not errors and report.ok and report.checked == total == workers * per_worker * 2
