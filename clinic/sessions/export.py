"""The couple's sessions as plain data for the record export (PDF/JSON built elsewhere)."""

from sqlalchemy import select

from clinic.extensions import db
from clinic.sessions.course import couple_timeline
from clinic.sessions.models import TEMPLATES, ProcessNote
from clinic.sessions.note_forms import display_pairs


def couple_sessions_record(couple, include_process_notes: bool) -> list[dict]:
    """Every session oldest first: details, the signed progress note (structured answers rendered as
    label/value pairs), its addenda in order and, only when asked, the treating therapist's own process
    notes. Drafts are not part of the record: a session whose note is unsigned has `"note": None`.
    Strings and ISO timestamps only, so callers can serialise it as it is.
    """
    sessions = couple_timeline(couple)
    process = _process_notes(couple, [s.id for s in sessions]) if include_process_notes else {}
    return [_session_record(s, couple, process, include_process_notes) for s in sessions]


def _session_record(therapy_session, couple, process: dict, include_process_notes: bool) -> dict:
    note = therapy_session.progress_note
    item = {
        "number": therapy_session.number,
        "starts_at": therapy_session.starts_at.isoformat(),
        "minutes": therapy_session.minutes,
        "format": therapy_session.format_label,
        "kind": therapy_session.kind_label,
        "attendance": therapy_session.attendance_label,
        "model": therapy_session.model,
        "note_state": "signed" if note is not None and note.is_signed else "draft",
        "note": _note_record(note, couple) if note is not None and note.is_signed else None,
    }
    if include_process_notes:
        item["process_note"] = process.get(therapy_session.id)
    return item


def _note_record(note, couple) -> dict:
    return {
        "template": TEMPLATES.get(note.template, note.template),
        "signed_by": note.signed_by.name if note.signed_by else None,
        "signed_at": note.signed_at.isoformat(),
        "content_hash": note.content_hash,
        "hash_ok": note.hash_ok,
        "sections": [
            {"heading": heading, "fields": [{"label": label, "value": value} for label, value in pairs]}
            for heading, pairs in display_pairs(note.template, note.answers, couple)
        ],
        "addenda": [
            {"author": a.author.name, "created_at": a.created_at.isoformat(), "reason": a.reason, "text": a.text}
            for a in note.addenda
        ],
    }


def _process_notes(couple, session_ids: list[int]) -> dict[int, str]:
    rows = db.session.scalars(
        select(ProcessNote).where(
            ProcessNote.therapy_session_id.in_(session_ids), ProcessNote.author_id == couple.therapist_id
        )
    )
    return {row.therapy_session_id: row.text for row in rows if row.text}
