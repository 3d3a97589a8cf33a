"""The hash chain over the audit trail: appending a link, and checking every link.

row_hash = SHA-256 over the row's fields and the previous row's hash. Changing any field of any row,
deleting a row (anywhere, including the newest ones) or reordering rows breaks the chain.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import select, text

from clinic.audit.models import AuditChainHead, AuditEvent
from clinic.db import utcnow
from clinic.extensions import db

GENESIS = "0" * 64
_LOCK_KEY = 7_202_611  # PostgreSQL advisory lock id for the chain tail
HASHED_FIELDS = ("at", "actor_id", "actor_role", "action", "record_type", "record_id", "couple_id",
                 "client_address", "outcome")


def compute_hash(event: AuditEvent, prev_hash: str) -> str:
    parts = [prev_hash]
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        if name == "at" and value is not None:
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
        parts.append("" if value is None else str(value))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _locked_head() -> AuditChainHead:
    if db.session.get_bind().dialect.name == "postgresql":
        # Held until commit or rollback: the next writer waits and then sees this link.
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    head = db.session.scalar(select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()
                             .execution_options(populate_existing=True))
    if head is None:
        head = AuditChainHead(id=1, last_event_id=None, last_hash=GENESIS, event_count=0)
        db.session.add(head)
    return head


def append(event: AuditEvent) -> None:
    """Link `event` to the chain's tail and flush it (inside the caller's transaction)."""
    head = _locked_head()
    if event.at is None:
        event.at = utcnow()
    event.prev_hash = head.last_hash or GENESIS
    event.row_hash = compute_hash(event, event.prev_hash)
    db.session.add(event)
    db.session.flush()
    head.last_event_id = event.id
    head.last_hash = event.row_hash
    head.event_count = (head.event_count or 0) + 1
    db.session.flush()


@dataclass
class ChainReport:
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(batch: int = 2000) -> ChainReport:
    """Walk every event in order and check each link and the head; never changes anything."""
    problems: list[str] = []
    prev_hash, last_id, checked = GENESIS, 0, 0
    while True:
        columns = [getattr(AuditEvent, name) for name in ("id", "prev_hash", "row_hash", *HASHED_FIELDS)]
        rows = db.session.execute(select(*columns).where(AuditEvent.id > last_id)
                                  .order_by(AuditEvent.id).limit(batch)).all()
        for row in rows:
            if row.prev_hash != prev_hash:
                problems.append(f"event {row.id}: does not follow the previous event (a row was deleted "
                                "or reordered before it)")
            if row.row_hash != compute_hash(row, row.prev_hash or ""):
                problems.append(f"event {row.id}: its contents were altered after it was written")
            prev_hash, last_id = row.row_hash, row.id
            checked += 1
        if len(rows) < batch:
            break
    head = db.session.scalar(select(AuditChainHead).where(AuditChainHead.id == 1)
                             .execution_options(populate_existing=True))
    if head is not None:
        if head.last_hash != prev_hash or (head.last_event_id or 0) != last_id:
            problems.append(f"the newest event should be {head.last_event_id}, found {last_id or 'none'}: "
                            "events at the end were deleted")
        if (head.event_count or 0) != checked:
            problems.append(f"expected {head.event_count} events, found {checked}")
    elif checked:
        problems.append("the chain head is missing")
    return ChainReport(checked=checked, problems=problems)
