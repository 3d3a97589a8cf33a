"""Caseload care: finding a couple by name, and transferring couples between therapists."""

from flask import abort
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from clinic.audit.services import record
from clinic.auth.models import User
from clinic.couples.models import Couple, Partner
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.supervision.services import keep_with_supervisor, pending_on, supervised_condition

SEARCH_LIMIT = 50


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(therapist, text: str) -> list[Couple]:
    """`therapist`'s couples whose couple name or a partner's name contains `text` (any case); at most 50."""
    text = (text or "").strip()
    if not text:
        return []
    return _search(Couple.therapist_id == therapist.id, text)


def search_supervised(supervisor, text: str) -> list[Couple]:
    """The couples of `supervisor`'s *active* supervisees whose couple or partner name contains `text`.

    Read-only results for the supervision pages: an ended link, another therapist's couple and a
    supervisor who is not a therapist find nothing."""
    text = (text or "").strip()
    if not text or supervisor.role != "therapist":
        return []
    return _search(supervised_condition(supervisor), text)


def _search(scope, text: str) -> list[Couple]:
    pattern = _like(text)
    partner_match = select(Partner.couple_id).where(func.lower(Partner.name).like(pattern, escape="\\"))
    query = (
        select(Couple)
        .where(scope, or_(func.lower(Couple.display_name).like(pattern, escape="\\"), Couple.id.in_(partner_match)))
        .options(joinedload(Couple.partners))
        .order_by(Couple.display_name, Couple.id)
        .limit(SEARCH_LIMIT)
    )
    return list(db.session.scalars(query).unique())


def reference(couple_id: int) -> str:
    """The couple's reference number, shown where a name must not be (the administrator's pages)."""
    return f"#R-{couple_id}"


def therapist_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != "therapist":
        abort(404)
    return user


def couples_of(therapist) -> list[Couple]:
    query = select(Couple).where(Couple.therapist_id == therapist.id).order_by(Couple.id).limit(1000)
    return list(db.session.scalars(query))


def transfer(couple_ids: list[int], source: User, target: User, by) -> list[Couple]:
    """Move `source`'s couples `couple_ids` to `target`: access follows the treating therapist at once.

    Raises DomainError as `check_transfer`. Each couple's move is audited; nothing moves when anything
    is wrong.
    """
    couples = check_transfer(couple_ids, source, target, lock=True)
    keep_with_supervisor(pending_on([c.id for c in couples]))
    for couple in couples:
        couple.therapist_id = target.id
        record("couple.transferred", couple, couple_id=couple.id)
        record("couple.transferred_from", record_type="user", record_id=source.id, couple_id=couple.id)
        record("couple.transferred_to", record_type="user", record_id=target.id, couple_id=couple.id)
    db.session.flush()
    return couples


def check_transfer(couple_ids: list[int], source: User, target: User, *, lock: bool = False) -> list[Couple]:
    """The couples a transfer would move; DomainError for the same therapist, an inactive target, and an
    empty or foreign selection."""
    if target.id == source.id:
        raise DomainError("Choose a different therapist to take over.", field="to_therapist")
    if target.role != "therapist" or not target.is_active_account:
        raise DomainError("Choose an active therapist account.", field="to_therapist")
    if not couple_ids:
        raise DomainError("Choose at least one couple to transfer.", field="couples")
    query = select(Couple).where(Couple.id.in_(couple_ids)).order_by(Couple.id)
    couples = list(db.session.scalars(query.with_for_update(of=Couple) if lock else query))
    if len(couples) != len(set(couple_ids)) or any(c.therapist_id != source.id for c in couples):
        raise DomainError("Some of these couples are no longer on this caseload; reload the page.", field="couples")
    revising = [c for c in pending_on([c.id for c in couples]) if c.status == "revising"]
    if revising:
        which = ", ".join(
            f"the session {c.note.therapy_session.number} note of couple {reference(c.couple_id)}" for c in revising
        )
        raise DomainError(
            f"Reopened for revision and not yet signed again: {which}. Ask its author to sign it before the "
            "transfer (their supervisor then co-signs it), or untick that couple for now.",
            field="couples",
        )
    return couples
