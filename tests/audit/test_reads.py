"""Reads don't take the write lock (SQLite); their audit events are still written; a busy write is a 503."""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from clinic.audit.models import AuditEvent
from clinic.extensions import db


@pytest.fixture
def statements(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's transaction modes")
    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.strip().split("\n")[0][:60])

    event.listen(db.engine, "before_cursor_execute", capture)
    yield seen
    event.remove(db.engine, "before_cursor_execute", capture)


def _immediate_blocks(seen):
    """The statements run after each BEGIN IMMEDIATE, up to the next BEGIN (commits go through the driver)."""
    blocks = []
    for statement in seen:
        if statement.startswith("BEGIN"):
            blocks.append([] if statement == "BEGIN IMMEDIATE" else None)
        elif blocks and blocks[-1] is not None:
            blocks[-1].append(statement)
    return [block for block in blocks if block is not None]


def _viewed(couple_id):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "couple.viewed", AuditEvent.record_id == couple_id)
    ).all()


def test_a_get_reads_in_a_deferred_transaction_and_still_writes_its_audit_event(client, world, login, statements):
    login(client, world.therapist)
    statements.clear()
    assert client.get(f"/couples/{world.couple.id}").status_code == 200
    blocks = _immediate_blocks(statements)
    print(f"\nGET: {statements.count('BEGIN')} deferred BEGIN, {len(blocks)} IMMEDIATE block(s): {blocks}")
    assert "BEGIN" in statements
    assert blocks and all(s.startswith("INSERT INTO audit_event") for block in blocks for s in block)
    assert len(blocks) == 1 and _viewed(world.couple.id)


def test_a_post_still_takes_the_write_lock_up_front(client, world, login, statements):
    login(client, world.therapist)
    statements.clear()
    client.post(f"/couples/{world.couple.id}/goals", data={"text": "Talk on Sundays"})
    assert statements[0] == "BEGIN IMMEDIATE" and "BEGIN" not in statements


def _hold_write_lock(path, seconds, held):
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    held.set()
    time.sleep(seconds)
    connection.execute("ROLLBACK")
    connection.close()


def test_a_get_answers_while_another_connection_holds_the_write_lock(client, world, login, statements):
    """An unaudited read answers at once; an audited one waits only for its one short audit insert."""
    from clinic.settings import edit_practice_settings

    edit_practice_settings()  # created on first use: a practice always has it before this moment
    db.session.commit()
    path = db.engine.url.database
    login(client, world.therapist)
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 1.0, held))
    holder.start()
    held.wait()
    started = time.monotonic()
    login_page = client.get("/login")
    unaudited = time.monotonic() - started
    couple_page = client.get(f"/couples/{world.couple.id}")
    audited = time.monotonic() - started
    holder.join()
    print(
        f"\nwrite lock held 1.0 s: /login answered {login_page.status_code} in {unaudited * 1000:.0f} ms; "
        f"couple page {couple_page.status_code} after {audited * 1000:.0f} ms (its audit insert waited)"
    )
    assert login_page.status_code in (200, 302) and unaudited < 0.5
    assert couple_page.status_code == 200 and audited < 5 and _viewed(world.couple.id)


def test_a_write_that_outwaits_the_busy_timeout_gets_a_friendly_503(make_app):
    application = make_app()

    @application.post("/_test/locked")
    def locked():
        raise OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))

    response = application.test_client().post("/_test/locked")
    assert response.status_code == 503 and "try again" in response.text and "INSERT" not in response.text


def test_a_read_audit_commit_does_not_wait_for_the_disk_and_the_connection_goes_back_synced(app):
    from clinic.db import unsynced_commit

    sqlite = db.engine.dialect.name == "sqlite"
    probe = "PRAGMA synchronous" if sqlite else "SHOW synchronous_commit"
    relaxed, synced = (1, 2) if sqlite else ("off", "on")  # NORMAL / FULL
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        with unsynced_commit(connection):
            inside = connection.exec_driver_sql(probe).scalar()
            connection.execute(AuditEvent.__table__.insert(), [{"action": "test.unsynced", "outcome": "ok"}])
        after = raw.execute(probe).fetchone()[0]
    assert (inside, after) == (relaxed, synced)
    with db.engine.connect() as connection:
        assert connection.scalar(select(AuditEvent.id).where(AuditEvent.action == "test.unsynced")) is not None


def test_a_failed_read_audit_insert_still_leaves_the_connection_synced(app):
    from clinic.db import unsynced_commit

    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite pragma is set around the transaction; PostgreSQL's SET LOCAL ends with it")
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        with pytest.raises(Exception), unsynced_commit(connection):  # noqa: B017, PT011 - any failure
            connection.exec_driver_sql("INSERT INTO no_such_table VALUES (1)")
        assert raw.execute("PRAGMA synchronous").fetchone()[0] == 2
