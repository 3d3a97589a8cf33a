"""Adherence arithmetic: how many times an assignment was expected and done, per partner.

Pure functions over dates (no queries), so the caseload can compute many couples from two queries.

Rules:
- Days count in the practice's time zone. Today is expected only once something was logged today.
- An assignment is active from `starts_on` up to its due date
  (inclusive) and before the day it was ended; paused days expect nothing.
- daily: one per active day. N times a week: N per 7 active days, rounded down (an entry already
  logged may round it up, so an early entry never reads "1 of 0"). once: 1 when the due date (or a
  week after the start, when there is none) has come, or as soon as it was done.
- done: distinct days with an entry. For a "together" assignment an entry by either partner counts
  for both; for "each" and "one" only the partner's own entries count.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

ONCE_DEFAULT_DAYS = 6
LOW_ADHERENCE_PERCENT = 50  # caseload alert below this share of expected, over the last 14 days …
LOW_ADHERENCE_MIN_EXPECTED = 3  # … once at least this many were expected in that window
WINDOW_DAYS = 14


@dataclass
class Tally:
    done: int = 0
    expected: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.done + other.done, self.expected + other.expected)

    @property
    def counted_done(self) -> int:
        return min(self.done, self.expected)

    @property
    def percent(self) -> int | None:
        return None if not self.expected else round(100 * self.counted_done / self.expected)

    def __str__(self) -> str:
        return f"{self.done} of {self.expected}"


def last_active_day(assignment) -> date | None:
    ends = [d for d in (assignment.due_on, assignment.ended_on and assignment.ended_on - timedelta(days=1)) if d]
    return min(ends) if ends else None


def _paused(assignment, day: date) -> bool:
    for start, end, *_marker in assignment.pauses or []:
        if date.fromisoformat(start) <= day and (end is None or day < date.fromisoformat(end)):
            return True
    return False


def active_days(assignment, start: date, end: date) -> int:
    first = max(start, assignment.starts_on)
    last = min(d for d in (end, last_active_day(assignment)) if d is not None)
    if last < first:
        return 0
    days = (last - first).days + 1
    if assignment.pauses:
        days -= sum(1 for i in range(days) if _paused(assignment, first + timedelta(days=i)))
    return days


def once_due(assignment) -> date:
    return assignment.due_on or assignment.starts_on + timedelta(days=ONCE_DEFAULT_DAYS)


def tally(assignment, entry_days: set[date], start: date, end: date, today: date | None = None) -> Tally:
    """Done / expected between `start` and `end` (inclusive) given the days entries were logged.

    With `today`: the current day is only expected once something was logged on it (the day isn't over).
    """
    in_range = {d for d in entry_days if start <= d <= end and d >= assignment.starts_on}
    if today is not None and end >= today and today not in in_range:
        end_expected = today - timedelta(days=1)
    else:
        end_expected = end
    if assignment.frequency_kind == "once":
        done = 1 if in_range else 0
        due = once_due(assignment)
        ended_first = assignment.ended_on is not None and assignment.ended_on <= due
        expected = 1 if (start <= due <= end_expected and not ended_first) or done else 0
        return Tally(done, expected)
    days = active_days(assignment, start, end_expected)
    if assignment.frequency_kind == "daily":
        return Tally(len(in_range), days)
    per_week = assignment.times_per_week or 1
    floor, ceil = math.floor(days * per_week / 7), math.ceil(days * per_week / 7)
    return Tally(len(in_range), max(floor, min(len(in_range), ceil)))


def entry_days_for(assignment, partner_id: int, entries) -> set[date]:
    """The days that count for `partner_id` among `entries` (objects or rows with partner_id, done_on)."""
    own = [e for e in entries if e.assignment_id == assignment.id]
    if assignment.who != "together":
        own = [e for e in own if e.partner_id == partner_id]
    return {e.done_on for e in own}


def partner_tally(
    assignment, partner_id: int, entries, start: date, end: date, today: date | None = None
) -> Tally | None:
    """None when the assignment isn't for this partner (a "one partner" assignment for the other)."""
    if assignment.who == "one" and assignment.partner_id != partner_id:
        return None
    return tally(assignment, entry_days_for(assignment, partner_id, entries), start, end, today)


def streak(days: set[date], today: date) -> int:
    """Consecutive days with an entry, ending today (or yesterday, when today isn't logged yet)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count, day = count + 1, day - timedelta(days=1)
    return count


def week_bounds(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def week_target(assignment, today: date) -> int:
    """How many times this week's part of the assignment asks for (the whole week, not just so far)."""
    monday, sunday = week_bounds(today)
    if assignment.frequency_kind == "once":
        return 1
    days = active_days(assignment, monday, sunday)
    if assignment.frequency_kind == "daily":
        return days
    return min(assignment.times_per_week or 1, max(1, math.ceil(days * (assignment.times_per_week or 1) / 7)))


def is_low(t: Tally) -> bool:
    return t.expected >= LOW_ADHERENCE_MIN_EXPECTED and (t.percent or 0) < LOW_ADHERENCE_PERCENT
