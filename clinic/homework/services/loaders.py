"""Owner-scoped loaders and the read queries of assignments and entries.

Privacy rule, kept in one place: a partner reads entries only through `visible_entries_query`
(their own, plus those their partner chose to share). Therapists read everything of their couples.
"""

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import and_, distinct, func, not_, or_, select
from sqlalchemy.orm import lazyload

from clinic.couples.services import get_couple_for, partner_for_client
from clinic.db import utcnow
from clinic.extensions import db
from clinic.homework.models import Assignment, Entry
from clinic.homework.paging import Page
from clinic.security import get_owned_or_404
from clinic.sessions.models import TherapySession
from clinic.templating import format_date


def get_assignment_for_therapist(user, couple_id: int, assignment_id: int) -> Assignment:
    couple = get_couple_for(user, couple_id)
    return get_owned_or_404(Assignment, assignment_id, couple_id=couple.id)


def get_assignment_for_partner(user, assignment_id: int):
    """(assignment, partner) when the assignment is for this client; 404 otherwise."""
    partner = partner_for_client(user)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.couple_id != partner.couple_id or not assignment.is_for(partner):
        abort(404)
    return assignment, partner


def get_own_entry(user, entry_id: int) -> Entry:
    return get_owned_or_404(Entry, entry_id, partner_id=partner_for_client(user).id)


def assignments_for_partner(partner) -> list[Assignment]:
    query = (
        select(Assignment)
        .where(
            Assignment.couple_id == partner.couple_id, or_(Assignment.who != "one", Assignment.partner_id == partner.id)
        )
        .order_by(Assignment.starts_on.desc(), Assignment.id.desc())
    )
    return list(db.session.scalars(query))


def _for_partner(partner):
    return (
        Assignment.couple_id == partner.couple_id,
        or_(Assignment.who != "one", Assignment.partner_id == partner.id),
    )


def _finished(today):
    return or_(
        Assignment.status == "ended",
        and_(Assignment.due_on.is_not(None), Assignment.due_on < today, Assignment.frequency_kind != "once"),
    )


def partner_assignments_window(partner, today, limit: int, offset: int = 0):
    """(current assignments, a page of finished ones), newest first, in one query."""
    order = (Assignment.starts_on.desc(), Assignment.id.desc())
    page = select(Assignment.id).where(*_for_partner(partner), _finished(today)).order_by(*order)
    page_ids = select(page.limit(limit).offset(offset).subquery().c.id)
    query = select(Assignment).where(*_for_partner(partner), or_(not_(_finished(today)), Assignment.id.in_(page_ids)))
    current: list[Assignment] = []
    finished: list[Assignment] = []
    for a in db.session.scalars(query.order_by(*order)):
        is_finished = a.status == "ended" or (a.due_on is not None and a.due_on < today and a.frequency_kind != "once")
        (finished if is_finished else current).append(a)
    return current, finished


def has_any_assignment(partner) -> bool:
    return db.session.scalar(select(Assignment.id).where(*_for_partner(partner)).limit(1)) is not None


def _visible(partner):
    return Entry.couple_id == partner.couple_id, or_(Entry.partner_id == partner.id, Entry.is_shared.is_(True))


def visible_entry_days(partner, assignment_ids, since):
    """Distinct (assignment_id, partner_id, done_on) of the entries this partner may see, from `since` on
    (every day of a "once" assignment, so "done" never falls out of the window)."""
    if not assignment_ids:
        return []
    query = (
        select(Entry.assignment_id, Entry.partner_id, Entry.done_on)
        .join(Assignment, Assignment.id == Entry.assignment_id)
        .where(*_visible(partner), Entry.assignment_id.in_(list(assignment_ids)))
        .where(or_(Entry.done_on >= since, Assignment.frequency_kind == "once"))
        .distinct()
    )
    return db.session.execute(query).all()


@dataclass(frozen=True)
class EntryDay:
    """One distinct (assignment, partner, day) an entry was logged on."""

    assignment_id: int
    partner_id: int
    done_on: date


def current_assignments_with_visible_days(partner, today, since):
    """(the partner's current assignments: not finished (ended, or a recurring one past its due date), newest
    first; the `visible_entry_days` rows of those assignments from `since`), read in one statement: the
    visible distinct days are a subquery, outer-joined so that an assignment without entries still comes."""
    once = select(Assignment.id).where(Assignment.frequency_kind == "once", Assignment.couple_id == partner.couple_id)
    days = (
        select(Entry.assignment_id, Entry.partner_id, Entry.done_on)
        .where(*_visible(partner), or_(Entry.done_on >= since, Entry.assignment_id.in_(once.scalar_subquery())))
        .distinct()
        .subquery()
    )
    query = (
        select(Assignment, days.c.partner_id, days.c.done_on)
        .outerjoin(days, days.c.assignment_id == Assignment.id)
        .where(*_for_partner(partner), not_(_finished(today)))
        .order_by(Assignment.starts_on.desc(), Assignment.id.desc())
    )
    assignments: dict[int, Assignment] = {}
    rows = []
    for assignment, partner_id, done_on in db.session.execute(query):
        assignments.setdefault(assignment.id, assignment)
        if done_on is not None:
            rows.append(EntryDay(assignment.id, partner_id, done_on))
    return list(assignments.values()), rows


def visible_day_counts(partner, assignment_ids) -> dict[int, int]:
    """Per assignment, how many distinct days count for this partner (any partner's visible entry for a
    "together" one, their own otherwise), summed in SQL."""
    if not assignment_ids:
        return {}
    query = (
        select(Entry.assignment_id, func.count(distinct(Entry.done_on)))
        .join(Assignment, Assignment.id == Entry.assignment_id)
        .where(*_visible(partner), Entry.assignment_id.in_(list(assignment_ids)))
        .where(or_(Assignment.who == "together", Entry.partner_id == partner.id))
        .group_by(Entry.assignment_id)
    )
    return {assignment_id: count for assignment_id, count in db.session.execute(query)}


def recent_shared_entries(partner, other, since, limit: int) -> list[Entry]:
    """The newest entries `other` shared with this partner since `since` (no edit history loaded)."""
    query = (
        select(Entry)
        .options(lazyload(Entry.revisions))
        .where(*_visible(partner), Entry.partner_id == other.id, Entry.done_on >= since)
        .order_by(Entry.done_on.desc(), Entry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def visible_entries_query(partner, assignment_ids=None):
    """Entries this partner may see: their own and the ones their partner shared. Nothing else."""
    query = select(Entry).where(
        Entry.couple_id == partner.couple_id, or_(Entry.partner_id == partner.id, Entry.is_shared.is_(True))
    )
    if assignment_ids is not None:
        query = query.where(Entry.assignment_id.in_(list(assignment_ids)))
    return query.order_by(Entry.done_on.desc(), Entry.id.desc())


def assignment_entries_query(assignment):
    """All entries of one assignment, newest first: for the treating therapist only."""
    return select(Entry).where(Entry.assignment_id == assignment.id).order_by(Entry.done_on.desc(), Entry.id.desc())


def entries_page(query, page_arg: str, per_page: int = 20) -> Page:
    """One page of `query` in SQL (a count and a LIMIT/OFFSET select): never the whole history."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(int(page_arg) if page_arg.isdigit() else 1, 1), pages)
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, pages, total)


def couple_assignments(couple) -> list[Assignment]:
    query = select(Assignment).where(Assignment.couple_id == couple.id)
    return list(db.session.scalars(query.order_by(Assignment.status, Assignment.starts_on.desc())))


def couple_entries(couple) -> list[Entry]:
    """All entries of a couple, private ones included: for the treating therapist only."""
    query = select(Entry).where(Entry.couple_id == couple.id).order_by(Entry.done_on.desc(), Entry.id.desc())
    return list(db.session.scalars(query))


def last_session_at(couple):
    """When the couple's most recent held therapy session started, or None."""
    return db.session.scalar(
        select(TherapySession.starts_at)
        .where(
            TherapySession.couple_id == couple.id,
            TherapySession.starts_at <= utcnow(),
            TherapySession.attendance.not_in(("no_show", "late_cancellation")),
        )
        .order_by(TherapySession.starts_at.desc())
        .limit(1)
    )


def sessions_for_choice(couple) -> dict[str, str]:
    rows = db.session.scalars(
        select(TherapySession)
        .where(TherapySession.couple_id == couple.id)
        .order_by(TherapySession.starts_at.desc())
        .limit(30)
    )
    return {str(s.id): f"Session {s.number}, {format_date(s.starts_at)}" for s in rows}
