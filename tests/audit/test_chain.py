"""Sealing the audit trail (keyed MAC chain of Merkle batches) and `flask --app clinic verify-audit`."""

import hashlib
import hmac
import os
import stat

import pytest
from sqlalchemy import text

from clinic.audit.chain import verify
from clinic.audit.models import AuditEvent, AuditSeal
from clinic.audit.seal import event_digest, merkle_root, seal_pending
from clinic.audit.services import record
from clinic.extensions import db


def _events(n=5, start=0):
    for i in range(start, start + n):
        record(f"test.event_{i}", record_type="couple", record_id=i + 1, couple_id=i + 1)
    db.session.commit()


def _sealed(n=5, batch=3):
    """n events sealed in batches of `batch` (so there are several batches)."""
    _events(n)
    while seal_pending(limit=batch):
        pass


def _tamper(*statements, **params):
    db.session.rollback()
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), params)


def _verify_cli(app, *args):
    return app.test_cli_runner().invoke(args=["verify-audit", *args])


def _assert_damaged(app, label):
    report = verify()
    result = _verify_cli(app, "--no-seal")
    print(f"\n{label}: exit {result.exit_code}; {report.problems[:1]}")
    assert not report.ok and result.exit_code == 1 and "DAMAGED" in result.output


def test_an_intact_trail_seals_and_verifies(app, audit_checkpoint):
    _events(5)
    result = _verify_cli(app)
    print(f"\n{result.output.strip()}")
    assert result.exit_code == 0 and "5 events checked in 1 sealed batches" in result.output
    assert stat.S_IMODE(os.stat(audit_checkpoint).st_mode) == 0o600 and '"batch": 1' in audit_checkpoint.read_text()


def test_unsealed_events_are_reported_not_damage(app):
    _sealed(3)
    _events(2, start=3)
    result = _verify_cli(app, "--no-seal")
    assert result.exit_code == 0 and "2 events not sealed yet" in result.output


def test_seal_audit_command_seals_everything_in_batches(app):
    _events(7)
    result = app.test_cli_runner().invoke(args=["seal-audit"])
    assert result.exit_code == 0 and "Sealed 7" in result.output
    assert db.session.query(AuditEvent).filter(AuditEvent.seal_id.is_(None)).count() == 0


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit_event SET action = 'test.innocent' WHERE id = 3",
        "UPDATE audit_event SET actor_id = NULL, record_id = 99 WHERE id = 2",
        "UPDATE audit_event SET outcome = 'denied' WHERE id = 6",
        "DELETE FROM audit_event WHERE id = 3",
        "DELETE FROM audit_event WHERE id = 6",
        "UPDATE audit_event SET seal_id = NULL WHERE id = 4",
        "DELETE FROM audit_event",
        "DELETE FROM audit_seal WHERE id = 1",
        "UPDATE audit_seal SET event_count = 2 WHERE id = 2",
    ],
)
def test_an_altered_or_deleted_row_is_detected(app, tamper):
    _sealed(6)
    _tamper(tamper)
    _assert_damaged(app, tamper)


def test_reordered_rows_are_detected(app):
    """Swapping two events' contents (same batch) changes the Merkle root over id order."""
    _sealed(6)
    _tamper(
        "UPDATE audit_event SET action = 'swap' WHERE id = 1",
        "UPDATE audit_event SET action = 'test.event_0' WHERE id = 2",
        "UPDATE audit_event SET action = 'test.event_1' WHERE id = 1",
    )
    _assert_damaged(app, "reordered")


def test_a_chain_recomputed_with_the_public_formula_but_without_the_key_is_detected(app):
    """The attacker alters a row, recomputes the Merkle root and re-chains every MAC with a guessed key."""
    _sealed(6)
    _tamper("UPDATE audit_event SET action = 'test.forged' WHERE id = 2")
    prev = "0" * 64
    for seal in db.session.query(AuditSeal).order_by(AuditSeal.id).all():
        rows = db.session.query(AuditEvent).filter(AuditEvent.seal_id == seal.id).order_by(AuditEvent.id).all()
        root = merkle_root([event_digest(r) for r in rows])
        message = f"{seal.id}|{seal.first_event_id}|{seal.last_event_id}|{seal.event_count}|{root}|{prev}"
        mac = hmac.new(b"guessed-key", message.encode(), hashlib.sha256).hexdigest()
        _tamper(
            "UPDATE audit_seal SET merkle_root = :r, prev_mac = :p, mac = :m WHERE id = :i",
            r=root,
            p=prev,
            m=mac,
            i=seal.id,
        )
        prev = mac
    _assert_damaged(app, "re-chained without the key")


def test_deleting_every_event_and_seal_is_detected_by_the_checkpoint(app):
    _sealed(6)
    _tamper("DELETE FROM audit_event", "DELETE FROM audit_seal")
    _assert_damaged(app, "everything deleted")


def test_deleting_the_newest_batch_and_its_events_is_detected(app):
    _sealed(6)
    _tamper("DELETE FROM audit_event WHERE seal_id = 2", "DELETE FROM audit_seal WHERE id = 2")
    _assert_damaged(app, "newest batch deleted")


def test_a_removed_checkpoint_file_is_detected(app, audit_checkpoint):
    _sealed(6)
    audit_checkpoint.unlink()
    _tamper("DELETE FROM audit_event WHERE seal_id = 2", "DELETE FROM audit_seal WHERE id = 2")
    _assert_damaged(app, "checkpoint removed")


def test_a_stale_checkpoint_copy_is_detected(app, audit_checkpoint):
    """Putting back an older checkpoint after deleting the newest batch does not fool verify."""
    _events(3)
    seal_pending()
    old = audit_checkpoint.read_text()
    _events(3, start=3)
    seal_pending()
    _tamper("DELETE FROM audit_event WHERE seal_id = 2", "DELETE FROM audit_seal WHERE id = 2")
    audit_checkpoint.write_text(old.replace('"batch": 1', '"batch": 2'))
    _assert_damaged(app, "checkpoint edited")


def test_events_cannot_be_changed_through_the_orm(app):
    _events(1)
    event = db.session.get(AuditEvent, 1)
    event.action = "test.changed"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_late_committing_events_are_sealed_in_the_next_batch(app):
    _events(3)
    seal_pending()
    _events(2, start=3)
    assert seal_pending() == 2
    report = verify()
    assert report.ok and report.batches == 2 and report.checked == 5
