"""Checking the sealed audit trail: every batch's Merkle root, the keyed MAC chain and the checkpoint.

Read-only. Detects any altered, deleted, moved or reordered sealed event, any altered, deleted or
forged batch (a MAC computed without the key), and a database whose newest head differs from the
checkpoint kept outside it. Unsealed events are reported, not judged: they are not sealed yet.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from clinic.audit import seal as sealing
from clinic.audit.models import AuditEvent, AuditSeal
from clinic.extensions import db


@dataclass
class ChainReport:
    checked: int = 0
    batches: int = 0
    unsealed: int = 0
    oldest_unsealed: object = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_batch(key: bytes, seal: AuditSeal, prev_mac: str, report: ChainReport) -> None:
    columns = [getattr(AuditEvent, name) for name in sealing.DIGESTED_FIELDS]
    rows = db.session.execute(select(*columns).where(AuditEvent.seal_id == seal.id).order_by(AuditEvent.id)).all()
    report.checked += len(rows)
    if seal.prev_mac != prev_mac:
        report.problems.append(
            f"batch {seal.id}: does not follow batch {seal.id - 1} (a batch was removed or replaced)"
        )
    if seal.mac != sealing.seal_mac(key, seal):
        report.problems.append(f"batch {seal.id}: its seal was not made with the practice's key (forged or altered)")
    ids = [r.id for r in rows]
    if len(rows) != seal.event_count or (ids and (ids[0], ids[-1]) != (seal.first_event_id, seal.last_event_id)):
        report.problems.append(
            f"batch {seal.id}: expected {seal.event_count} events "
            f"{seal.first_event_id}–{seal.last_event_id}, found {len(rows)}: events were deleted"
        )
    elif sealing.merkle_root([sealing.event_digest(r) for r in rows]) != seal.merkle_root:
        report.problems.append(
            f"batch {seal.id}: events {seal.first_event_id}–{seal.last_event_id} were altered "
            "or reordered after sealing"
        )


def _check_checkpoint(last: AuditSeal | None, report: ChainReport) -> None:
    checkpoint = sealing.read_checkpoint()
    if checkpoint is None:
        if last is not None and sealing.checkpoint_path() is not None:
            report.problems.append(
                f"the checkpoint file {sealing.checkpoint_path()} is missing, yet the "
                f"database holds {last.id} sealed batches: it was removed"
            )
        return
    found = db.session.get(AuditSeal, checkpoint["batch"])
    if found is None or found.mac != checkpoint["mac"]:
        newest = f"batch {last.id}" if last else "no batch at all"
        report.problems.append(
            f"the checkpoint outside the database names batch {checkpoint['batch']} "
            f"(mac {checkpoint['mac'][:12]}…), the database has {newest}: batches were "
            "deleted or replaced"
        )


def verify() -> ChainReport:
    """Check every batch in order, the MAC chain, the checkpoint and report unsealed events."""
    key, report, prev_mac, last, expected = sealing.audit_key(), ChainReport(), sealing.GENESIS_MAC, None, 1
    for seal in db.session.scalars(select(AuditSeal).order_by(AuditSeal.id).execution_options(populate_existing=True)):
        if seal.id != expected:
            report.problems.append(f"batches {expected}–{seal.id - 1} are missing")
        _check_batch(key, seal, prev_mac, report)
        prev_mac, last, expected = seal.mac, seal, seal.id + 1
        report.batches += 1
    _report_unsealed(report)
    _check_checkpoint(last, report)
    return report


def _report_unsealed(report: ChainReport) -> None:
    count, oldest = db.session.execute(
        select(func.count(AuditEvent.id), func.min(AuditEvent.at)).where(AuditEvent.seal_id.is_(None))
    ).one()
    report.unsealed, report.oldest_unsealed = count, oldest
    orphans = _orphans()
    if orphans:
        report.problems.append(f"{orphans} events name a sealing batch that does not exist (seals were deleted)")


def _orphans() -> int:
    return (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.seal_id.is_not(None), AuditEvent.seal_id.not_in(select(AuditSeal.id))
            )
        )
        or 0
    )
