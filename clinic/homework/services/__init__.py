"""Assignments and entries: owner-scoped loaders and the operations on them. They flush; views commit.

- `loaders`: owner-scoped loaders and read queries (the partner privacy rule lives there)
- `assignments`: create, update, pause/resume/end (the safeguard's confirmation steps)
- `entries`: add and edit entries, their checks and who may read them
"""

from clinic.homework.calendar import practice_today
from clinic.homework.services.assignments import (
    ASSIGNMENT_FIELDS,
    change_assignment_status,
    create_assignment,
    safety_review,
    update_assignment,
)
from clinic.homework.services.entries import (
    EDIT_DAYS,
    MAX_ANSWER,
    add_entry,
    can_edit,
    check_entry_date,
    clean_answers,
    edit_entry,
    editable_until,
    sharing_note,
)
from clinic.homework.services.loaders import (
    EntryDay,
    assignment_entries_query,
    assignments_for_partner,
    couple_assignments,
    couple_entries,
    current_assignments_with_visible_days,
    entries_page,
    get_assignment_for_partner,
    get_assignment_for_therapist,
    get_own_entry,
    has_any_assignment,
    last_session_at,
    partner_assignments_window,
    recent_shared_entries,
    sessions_for_choice,
    visible_day_counts,
    visible_entries_query,
    visible_entry_days,
)

__all__ = [
    "ASSIGNMENT_FIELDS",
    "EDIT_DAYS",
    "MAX_ANSWER",
    "add_entry",
    "assignment_entries_query",
    "assignments_for_partner",
    "can_edit",
    "change_assignment_status",
    "check_entry_date",
    "clean_answers",
    "couple_assignments",
    "couple_entries",
    "EntryDay",
    "current_assignments_with_visible_days",
    "create_assignment",
    "edit_entry",
    "entries_page",
    "editable_until",
    "get_assignment_for_partner",
    "get_assignment_for_therapist",
    "get_own_entry",
    "has_any_assignment",
    "last_session_at",
    "partner_assignments_window",
    "practice_today",
    "recent_shared_entries",
    "safety_review",
    "sharing_note",
    "sessions_for_choice",
    "update_assignment",
    "visible_day_counts",
    "visible_entries_query",
    "visible_entry_days",
]
