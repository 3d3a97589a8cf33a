"""What the pages show: a partner's homework by due-ness, the therapist's adherence table, caseload facts.

Partner-facing numbers are computed only from `visible_entries_query` (own + shared), so a private
entry of the other partner can never move a count, a streak or a "done" mark they see.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import lazyload

from clinic.couples.models import Partner
from clinic.extensions import db
from clinic.homework import adherence
from clinic.homework.models import Assignment, Entry
from clinic.homework.services import (
    EntryDay,
    couple_assignments,
    couple_entries,
    current_assignments_with_visible_days,
    has_any_assignment,
    last_session_at,
    partner_assignments_window,
    practice_today,
    recent_shared_entries,
    visible_day_counts,
    visible_entry_days,
)
from clinic.registry import CaseloadInfo


@dataclass
class PortalItem:
    assignment: Assignment
    section: str  # today | week | overdue | done | paused | finished
    status_line: str
    week: adherence.Tally
    streak: int = 0
    mine_today: bool = False
    logged: int = 0  # distinct days that count for this partner, over the whole assignment


SECTIONS = {
    "overdue": "Overdue",
    "today": "Due today",
    "week": "This week",
    "done": "Done",
    "paused": "Paused by your therapist",
    "finished": "Finished",
}
STREAK_DAYS = 90  # how far back the portal reads entry days (the streak shown is at most this long)
FINISHED_PER_PAGE = 10  # finished assignments per page of the partner's list ("show more" for older)


@dataclass
class PortalPage:
    items: list[PortalItem]
    finished_page: int = 1
    more_finished: bool = False
    has_any: bool = False


def portal_items(partner, today: date | None = None) -> list[PortalItem]:
    """The partner's current homework (plus the newest finished assignments): see `portal_page`."""
    return portal_page(partner, today).items


def portal_page(partner, today: date | None = None, *, finished_page: int = 1, finished: bool = True) -> PortalPage:
    """Current assignments, and a page of finished ones (newest first), with their entry days in a window.

    Reads never the whole history: the current assignments; FINISHED_PER_PAGE finished ones (one more to
    know if there are older); distinct entry days of the last STREAK_DAYS (all days of a "once"
    assignment); and, for the finished ones shown, a count of days in SQL. At most four queries, at any size.
    """
    today = today or practice_today()
    since = today - timedelta(days=STREAK_DAYS)
    if not finished:  # Today: the current assignments and their days in one statement
        current, rows = current_assignments_with_visible_days(partner, today, since)
        index = entry_index(rows)
        items = [_portal_item(a, partner, index.get(a.id, []), None, today) for a in current]
        return PortalPage(items, finished_page, False, False)
    offset = (finished_page - 1) * FINISHED_PER_PAGE
    current, older = partner_assignments_window(partner, today, FINISHED_PER_PAGE + 1, offset)
    more = len(older) > FINISHED_PER_PAGE
    shown = current + older[:FINISHED_PER_PAGE]
    if not shown:
        return PortalPage([], finished_page, False, finished and finished_page > 1)
    ids = [a.id for a in shown]
    index = entry_index(visible_entry_days(partner, ids, since))
    counts = visible_day_counts(partner, [a.id for a in older[:FINISHED_PER_PAGE]])  # "N logged in all"
    items = [_portal_item(a, partner, index.get(a.id, []), counts.get(a.id), today) for a in shown]
    return PortalPage(items, finished_page, more, True)


def portal_item(assignment: Assignment, partner, today: date | None = None) -> PortalItem:
    """One assignment's item (its page): the same window, for that assignment alone."""
    today = today or practice_today()
    rows = visible_entry_days(partner, [assignment.id], today - timedelta(days=STREAK_DAYS))
    return _portal_item(
        assignment, partner, rows, visible_day_counts(partner, [assignment.id]).get(assignment.id, 0), today
    )


def _portal_item(a: Assignment, partner, rows: list, logged: int | None, today: date) -> PortalItem:
    days = adherence.entry_days_for(a, partner.id, rows)
    if logged is None:  # not counted in SQL: the days in the window (all of them for a "once" assignment)
        logged = len(days)
    monday, sunday = adherence.week_bounds(today)
    week = adherence.Tally(len({d for d in days if monday <= d <= sunday}), adherence.week_target(a, today))
    item = PortalItem(a, "week", "", week, adherence.streak(days, today), today in days, logged)
    item.section, item.status_line = _classify(a, days, logged, week, today)
    return item


def _classify(a: Assignment, days: set[date], logged: int, week: adherence.Tally, today: date) -> tuple[str, str]:
    if a.status == "ended" or (a.due_on and a.due_on < today and a.frequency_kind != "once"):
        return "finished", f"Finished · {logged} logged in all"
    if a.status == "paused":
        return "paused", "Paused for now: no entries needed"
    if today < a.starts_on:
        return "week", f"Starts {a.starts_on:%a %-d %b}"
    if a.frequency_kind == "once":
        due = adherence.once_due(a)
        if days or logged:
            return "done", "Done"
        if due < today:
            return "overdue", f"Was due {due:%a %-d %b}"
        return ("today", "Due today") if due == today else ("week", f"Due {due:%a %-d %b}")
    if a.frequency_kind == "daily":
        return ("done", "Done for today") if today in days else ("today", "Due today")
    if week.done >= week.expected:
        return "done", "Done for this week"
    return "week", f"{week.expected - week.done} more this week"


def grouped(items: list[PortalItem]) -> list[tuple[str, str, list[PortalItem]]]:
    return [
        (key, label, [i for i in items if i.section == key])
        for key, label in SECTIONS.items()
        if any(i.section == key for i in items)
    ]


def today_summary(partner, couple) -> dict:
    """For the client Today page: what is due now and what the partner recently shared (this week's window)."""
    today = practice_today()
    page = portal_page(partner, today, finished=False)
    items = page.items
    other = couple.other_partner(partner)
    shared = recent_shared_entries(partner, other, today - timedelta(days=7), 5) if other is not None else []
    return {
        "due": [i for i in items if i.section in ("overdue", "today")],
        "week": [i for i in items if i.section == "week"],
        "shared": shared,
        "other": other,
        "has_any": bool(items) or has_any_assignment(partner),
    }


# ---- therapist -----------------------------------------------------------------------------------


@dataclass
class PartnerAdherence:
    partner: Partner
    course: adherence.Tally | None
    since: adherence.Tally | None
    last_entry: Any  # the newest entry row (done_on, partner_id) of this partner, or None


@dataclass
class AssignmentAdherence:
    assignment: Assignment
    partners: list[PartnerAdherence]
    entries: list


def _local_date(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    from clinic.settings import practice_zone

    return moment.astimezone(practice_zone()).date()


def couple_adherence(
    couple,
    since_at: datetime | None = None,
    *,
    use_last_session: bool = True,
    detail: str = "days",
    assignment_ids: list[int] | None = None,
):
    """(rows per assignment, per-partner totals for the course and since `since_at`, since date).

    `detail` says what `row.entries` holds, newest first: "days" the distinct (assignment_id, partner_id,
    done_on) rows the tallies need (one DISTINCT query, no ORM objects); "rows" one column row per entry
    (id, assignment_id, partner_id, done_on, is_shared; for counts); "full" the Entry objects (the export).
    """
    if since_at is None and use_last_session:
        since_at = last_session_at(couple)
    since = _local_date(since_at)
    today = practice_today()
    assignments = couple_assignments(couple)
    if assignment_ids is not None:
        assignments = [a for a in assignments if a.id in assignment_ids]
    index = entry_index(_couple_entry_rows(couple, detail, [a.id for a in assignments] if assignment_ids else None))
    rows = []
    for a in assignments:
        own = index.get(a.id, [])
        rows.append(AssignmentAdherence(a, [_partner_row(a, p, own, since, today) for p in couple.partners], own))
    totals = {}
    for p in couple.partners:
        parts = [pa for row in rows for pa in row.partners if pa.partner.id == p.id and pa.course is not None]
        totals[p.id] = (
            sum((pa.course for pa in parts if pa.course is not None), adherence.Tally()),
            sum((pa.since for pa in parts if pa.since is not None), adherence.Tally()),
        )
    return rows, totals, since


def _couple_entry_rows(couple, detail: str, assignment_ids: list[int] | None):
    if detail == "full":
        return couple_entries(couple)
    query: Any
    order: tuple[Any, ...]
    if detail == "rows":
        query = select(Entry.id, Entry.assignment_id, Entry.partner_id, Entry.done_on, Entry.is_shared)
        order = (Entry.done_on.desc(), Entry.id.desc())
    else:
        query = select(Entry.assignment_id, Entry.partner_id, Entry.done_on).distinct()
        order = (Entry.done_on.desc(),)
    query = query.where(Entry.couple_id == couple.id)
    if assignment_ids is not None:
        query = query.where(Entry.assignment_id.in_(assignment_ids))
    return db.session.execute(query.order_by(*order)).all()


def _partner_row(a, partner, entries, since, today) -> PartnerAdherence:
    course = adherence.partner_tally(a, partner.id, entries, a.starts_on, today, today)
    since_tally = adherence.partner_tally(a, partner.id, entries, since, today, today) if since else None
    mine = [e for e in entries if e.partner_id == partner.id]
    return PartnerAdherence(partner, course, since_tally, mine[0] if mine else None)


def entry_index(rows) -> dict[int, list]:
    """Rows (or entries) with `assignment_id` grouped by assignment, so each tally reads only its own."""
    index: dict[int, list] = {}
    for row in rows:
        index.setdefault(row.assignment_id, []).append(row)
    return index


def caseload_provider(couples: list) -> dict[int, CaseloadInfo]:
    """Homework adherence over the last 14 days; an alert when it is low. One statement, whatever the
    history: the assignments current in the window, each joined to its distinct (partner, day) entries
    within the window (an assignment without entries comes once, with no day)."""
    ids = [c.id for c in couples]
    today = practice_today()
    start = today - timedelta(days=adherence.WINDOW_DAYS - 1)
    assignments, by_assignment = _window_assignments_with_days(ids, start, today)
    partner_ids = _partner_ids_of(couples)
    per_couple: dict[int, list[Assignment]] = {}
    for a in assignments:
        per_couple.setdefault(a.couple_id, []).append(a)
    result = {}
    for couple_id in ids:
        total = adherence.Tally()
        for a in per_couple.get(couple_id, []):
            for pid in partner_ids[couple_id]:
                own = by_assignment.get(a.id, [])
                total = total + (adherence.partner_tally(a, pid, own, start, today, today) or adherence.Tally())
        if total.expected:
            result[couple_id] = _adherence_info(total)
    return result


def _window_assignments_with_days(
    couple_ids: list[int], start: date, today: date
) -> tuple[list[Assignment], dict[int, list[EntryDay]]]:
    """([assignments current in the window], {assignment id: [distinct entry days in the window]}), read
    in one statement: the distinct days are a subquery, outer-joined so that assignments without entries
    still come."""
    days = (
        select(Entry.assignment_id, Entry.partner_id, Entry.done_on)
        .where(Entry.couple_id.in_(couple_ids), Entry.done_on >= start, Entry.done_on <= today)
        .distinct()
        .subquery()
    )
    rows = db.session.execute(
        select(Assignment, days.c.partner_id, days.c.done_on)
        .options(lazyload(Assignment.exercise))
        .outerjoin(days, days.c.assignment_id == Assignment.id)
        .where(
            Assignment.couple_id.in_(couple_ids),
            Assignment.starts_on <= today,
            (Assignment.ended_on.is_(None)) | (Assignment.ended_on > start),
        )
    )  # no ORDER BY: SQLite would scan every assignment in id order rather than sort the few it needs
    assignments: dict[int, Assignment] = {}
    by_assignment: dict[int, list[EntryDay]] = {}
    for assignment, partner_id, done_on in rows:
        assignments.setdefault(assignment.id, assignment)
        if done_on is not None:
            by_assignment.setdefault(assignment.id, []).append(EntryDay(assignment.id, partner_id, done_on))
    return list(assignments.values()), by_assignment


def _partner_ids_of(couples: list) -> dict[int, list[int]]:
    """Partner ids per couple: from the partners the caller already loaded, else one query."""
    if all("partners" in inspect(c).dict for c in couples):
        return {c.id: [p.id for p in c.partners] for c in couples}
    return _partner_ids([c.id for c in couples])


def _partner_ids(couple_ids: list[int]) -> dict[int, list[int]]:
    partner_ids: dict[int, list[int]] = {couple_id: [] for couple_id in couple_ids}
    for partner_id, couple_id in db.session.execute(
        select(Partner.id, Partner.couple_id).where(Partner.couple_id.in_(couple_ids)).order_by(Partner.position)
    ):
        partner_ids[couple_id].append(partner_id)
    return partner_ids


def _adherence_info(total: adherence.Tally) -> CaseloadInfo:
    info = CaseloadInfo(facts={"Homework": f"{total.percent}% this fortnight"})
    if adherence.is_low(total):
        info.alerts.append(
            f"Homework adherence is low: {total.counted_done} of {total.expected} "
            f"expected in the last {adherence.WINDOW_DAYS} days."
        )
    return info
