"""Sealing the audit trail beside the requests: batches of events under a keyed MAC chain.

Each `audit_seal` row covers the events it sealed (`audit_event.seal_id`): their count, their id range
and a Merkle root over their digests in id order. Its MAC is HMAC-SHA256, keyed with a key kept outside
the database, over the batch's fields and the previous batch's MAC. After each run the newest head is
written outside the database too (a checkpoint file and a log line), so deleting the newest batches, or
everything, is detected.
"""

import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
from datetime import UTC
from pathlib import Path

from flask import current_app
from sqlalchemy import select, text, update

from clinic.audit.models import AuditEvent, AuditSeal
from clinic.db import utcnow, writing
from clinic.extensions import db

log = logging.getLogger(__name__)

GENESIS_MAC = "0" * 64
BATCH_SIZE = 5000
MAX_BATCHES_PER_RUN = 20
_LOCK_KEY = 7_202_612  # PostgreSQL advisory lock id: one sealer at a time
DIGESTED_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "record_type",
    "record_id",
    "couple_id",
    "client_address",
    "outcome",
)


def event_digest(row) -> bytes:
    """SHA-256 over an event's id and fields: any change, or a move to another id, changes it."""
    parts = []
    for name in DIGESTED_FIELDS:
        value = getattr(row, name)
        if name == "at" and value is not None:
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
        parts.append("" if value is None else str(value))
    return hashlib.sha256(b"\x00" + "\x1f".join(parts).encode()).digest()


def merkle_root(digests: list[bytes]) -> str:
    """The Merkle root (hex) of leaf digests in the given order; an odd last node is carried up."""
    level = list(digests) or [hashlib.sha256(b"").digest()]
    while len(level) > 1:
        pairs = [level[i : i + 2] for i in range(0, len(level), 2)]
        level = [hashlib.sha256(b"\x01" + p[0] + p[1]).digest() if len(p) == 2 else p[0] for p in pairs]
    return level[0].hex()


def seal_mac(key: bytes, seal) -> str:
    """HMAC-SHA256 over a batch's number, range, count, root and the previous batch's MAC."""
    message = (
        f"{seal.id}|{seal.first_event_id}|{seal.last_event_id}|{seal.event_count}|{seal.merkle_root}|{seal.prev_mac}"
    )
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def audit_key() -> bytes:
    """The sealing key: config AUDIT_KEY (env CLINIC_AUDIT_KEY), else the instance key file (0600).

    Testing apps without a key derive one from their SECRET_KEY, so tests leave no file behind.
    """
    config = current_app.config
    if config.get("AUDIT_KEY"):
        return str(config["AUDIT_KEY"]).encode()
    if current_app.testing:
        return hashlib.sha256(b"audit-key:" + str(config["SECRET_KEY"]).encode()).digest()
    return _instance_key(Path(current_app.instance_path)).encode()


def _instance_key(instance: Path) -> str:
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "audit_key"
    if not key_file.exists():
        # Written whole to a private temp file, then linked into place: two processes starting at once
        # agree on one key, and neither can read a half-written file.
        temp = instance / f".audit_key.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, key_file)
        except FileExistsError:
            pass  # another process won the race: use its key
        finally:
            temp.unlink()
    key = key_file.read_text().strip()
    if not key:
        raise RuntimeError(f"the audit key file {key_file} is empty")
    return key


def checkpoint_path() -> Path | None:
    """Where the newest head is kept outside the database; None for testing apps without a path."""
    configured = current_app.config.get("AUDIT_CHECKPOINT_PATH")
    if configured:
        return Path(configured)
    return None if current_app.testing else Path(current_app.instance_path) / "audit_head.json"


def read_checkpoint() -> dict | None:
    path = checkpoint_path()
    if path is None or not path.exists():
        return None
    return json.loads(path.read_text())


def write_checkpoint(head: AuditSeal) -> None:
    """Atomically (temp file + rename, 0600) record `head`, unless the file already holds a newer one."""
    path = checkpoint_path()
    log.info("audit seal head batch=%s last_event=%s mac=%s", head.id, head.last_event_id, head.mac)
    if path is None:
        return
    current = read_checkpoint()
    if current and current.get("batch", 0) > head.id:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"batch": head.id, "last_event_id": head.last_event_id, "mac": head.mac})
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit_head.")
    with os.fdopen(descriptor, "w") as handle:  # mkstemp creates the file 0600
        handle.write(body)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _claim_sealer() -> bool:
    """Take the one-sealer lock for this transaction (PostgreSQL); SQLite's BEGIN IMMEDIATE is the lock."""
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(text("SELECT 1"))  # starts the IMMEDIATE transaction now
        return True
    return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _LOCK_KEY}))


def _seal_one_batch(key: bytes, limit: int) -> AuditSeal | None:
    """Seal up to `limit` unsealed events as one batch and commit.

    None when there is nothing to seal or another sealer is running (it will seal them).
    """
    with writing():
        if not _claim_sealer():
            db.session.rollback()
            return None
        columns = [getattr(AuditEvent, name) for name in DIGESTED_FIELDS]
        rows = db.session.execute(
            select(*columns).where(AuditEvent.seal_id.is_(None)).order_by(AuditEvent.id).limit(limit)
        ).all()
        if not rows:
            db.session.rollback()
            return None
        previous = db.session.scalar(select(AuditSeal).order_by(AuditSeal.id.desc()).limit(1))
        seal = AuditSeal(
            id=(previous.id if previous else 0) + 1,
            first_event_id=rows[0].id,
            last_event_id=rows[-1].id,
            event_count=len(rows),
            sealed_at=utcnow(),
            merkle_root=merkle_root([event_digest(r) for r in rows]),
            prev_mac=previous.mac if previous else GENESIS_MAC,
        )
        seal.mac = seal_mac(key, seal)
        db.session.add(seal)
        db.session.flush()
        ids = [r.id for r in rows]
        db.session.execute(
            update(AuditEvent).where(AuditEvent.id.in_(ids)).values(seal_id=seal.id),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        return seal


def seal_pending(limit: int = BATCH_SIZE, max_batches: int = MAX_BATCHES_PER_RUN) -> int:
    """Seal unsealed events in id order, one short transaction per batch; returns events sealed.

    Returns 0 at once when another sealer holds the lock. Writes the head checkpoint after the run.
    """
    db.session.rollback()  # start clean: each batch is its own IMMEDIATE transaction
    key, sealed, head = audit_key(), 0, None
    for _ in range(max_batches):
        seal = _seal_one_batch(key, limit)
        if seal is None:
            break
        head, sealed = seal, sealed + seal.event_count
        if seal.event_count < limit:
            break
    if head is not None:
        write_checkpoint(head)
    return sealed
