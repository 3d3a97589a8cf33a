"""Plain data about a couple's homework for the record export (no ORM objects leave this module)."""

from clinic.homework.progress import couple_adherence


def couple_homework_summary(couple) -> list[dict]:
    """One dict per assignment: exercise, who, dates, frequency, status, note, per-partner adherence over
    the course, and every entry (private ones marked) with its answers."""
    rows, _totals, _since = couple_adherence(couple, None, use_last_session=False, detail="full")
    return [_assignment_data(row) for row in rows]


def _assignment_data(row) -> dict:
    a = row.assignment
    return {
        "id": a.id,
        "exercise": a.exercise.title,
        "completion": a.exercise.completion,
        "who": a.who_label(),
        "starts_on": a.starts_on.isoformat(),
        "due_on": a.due_on.isoformat() if a.due_on else None,
        "frequency": a.frequency_label,
        "status": a.status,
        "note": a.note,
        "therapy_session_id": a.therapy_session_id,
        "adherence": [
            {"partner": pa.partner.name, "done": pa.course.done, "expected": pa.course.expected}
            for pa in row.partners
            if pa.course is not None
        ],
        "entries": [_entry_data(a, e) for e in sorted(row.entries, key=lambda e: (e.done_on, e.id))],
    }


def _entry_data(a, e) -> dict:
    labels = {f["key"]: f["label"] for f in a.exercise.fields or []}
    return {
        "id": e.id,
        "partner": e.partner.name,
        "done_on": e.done_on.isoformat(),
        "shared_with_partner": e.is_shared,
        "rating": e.rating,
        "free_text": e.free_text,
        "answers": [{"label": labels.get(k, k), "answer": v} for k, v in (e.answers or {}).items()],
        "edited": len(e.revisions),
    }
