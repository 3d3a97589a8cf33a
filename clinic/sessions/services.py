"""Session and note operations plus owner-scoped loaders. They change and flush; views commit."""

from datetime import UTC, datetime, time

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from clinic.audit.services import record
from clinic.auth.passwords import verify_password
from clinic.couples.models import Couple
from clinic.couples.services import touch
from clinic.db import utcnow
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.forms import has_forbidden_characters
from clinic.registry import homework_review, note_signed
from clinic.sessions.completeness import sign_problems
from clinic.sessions.models import (
    CycleMap,
    NoteAddendum,
    NoteLocked,
    NoteRiskReview,
    ProcessNote,
    ProgressNote,
    TherapySession,
)
from clinic.sessions.note_legacy import kept_legacy

REOPENING = "notes_reopening_for_revision"  # see sessions.models._guard_locked_records


def get_session_for(user, therapy_session_id: int, *, addenda: bool = True) -> TherapySession:
    """The session if `user` is the couple's treating therapist; 404 for missing and foreign alike.

    `addenda=False` leaves the note's addenda unread (the draft editor shows none)."""
    note = joinedload(TherapySession.progress_note)
    found = db.session.scalar(
        select(TherapySession)
        .join(Couple, Couple.id == TherapySession.couple_id)
        .where(TherapySession.id == therapy_session_id, Couple.therapist_id == user.id)
        .options(
            note if addenda else note.lazyload(ProgressNote.addenda),
            joinedload(TherapySession.individual_partner),
        )
    )
    if found is None or user.role != "therapist":
        abort(404)
    return found


def get_note_for(user, therapy_session_id: int, *, addenda: bool = True) -> tuple[TherapySession, ProgressNote]:
    """The session and its progress note, for the couple's treating therapist; 404 as `get_session_for`.

    Every recorded session opens a note, so a session without one is treated as missing too.
    """
    therapy_session = get_session_for(user, therapy_session_id, addenda=addenda)
    if therapy_session.progress_note is None:
        abort(404)
    return therapy_session, therapy_session.progress_note


def sessions_query(couple: Couple):
    """The couple's sessions, newest first, with their notes (for a paginated list)."""
    return (
        select(TherapySession)
        .where(TherapySession.couple_id == couple.id)
        .options(
            joinedload(TherapySession.progress_note).selectinload(ProgressNote.addenda),
            joinedload(TherapySession.individual_partner),
        )
        .order_by(TherapySession.number.desc())
    )


def record_session(couple: Couple, data: dict, by) -> TherapySession:
    """Record a session (numbered next for this couple) and open its draft progress note."""
    if couple.is_closed:
        raise DomainError("This couple is closed. Reopen it to record a session.", field="starts_at")
    last = db.session.scalar(select(func.max(TherapySession.number)).where(TherapySession.couple_id == couple.id))
    previous_at = db.session.scalar(
        select(func.max(TherapySession.starts_at)).where(
            TherapySession.couple_id == couple.id, TherapySession.entered_in_error_at.is_(None)
        )
    )
    partner = couple.partner(data["individual_partner"]) if data["kind"] == "individual" else None
    therapy_session = TherapySession(
        couple_id=couple.id,
        number=(last or 0) + 1,
        starts_at=data["starts_at"],
        minutes=data["minutes"],
        format=data["format"],
        kind=data["kind"],
        individual_partner_id=partner.id if partner else None,
        attendance=data["attendance"],
        model=data["model"],
        recorded_by_id=by.id,
    )
    db.session.add(therapy_session)
    db.session.flush()
    since = previous_at or datetime.combine(couple.started_on, time(0), tzinfo=UTC)
    note = ProgressNote(
        therapy_session_id=therapy_session.id,
        couple_id=couple.id,
        template=data["model"],
        author_id=by.id,
        answers=homework_prefill(couple, since, data["model"]),
        cycle_map_id=_current_cycle_map_id(couple) if data["model"] == "efct" else None,
    )
    db.session.add(note)
    db.session.flush()
    touch(couple)
    record("therapy_session.recorded", therapy_session)
    return therapy_session


def homework_prefill(couple: Couple, since_at: datetime, template: str) -> dict:
    """The new note's homework review: one field per partner on the CBCT template (each from that
    partner's own adherence), one shared field on the others."""
    if template == "cbct":
        return {f"homework_review_{pos}": homework_review(couple, since_at, pos).strip() for pos in ("a", "b")}
    return {"homework_review": homework_summary(couple, since_at)}


def homework_summary(couple: Couple, since_at: datetime) -> str:
    """Plain text about the homework since `since_at`, from the homework domain (through the registry)."""
    return homework_review(couple, since_at).strip()


KEEP_CHOICES = ("saved", "mine", "both")


def differing_fields(saved: dict, mine: dict) -> list[str]:
    """The fields whose text differs between the version saved meanwhile and the writer's."""
    return [name for name in mine if _plain(saved.get(name)) != _plain(mine.get(name))]


def _plain(value):
    return "" if value in (None, [], "") else value


def resolve_conflict(saved: dict, mine: dict, choices: dict) -> tuple[dict, list[str]]:
    """The writer's answers with each differing field settled by their choice: "saved" keeps the version
    saved meanwhile, "mine" their own, "both" the saved text then theirs (text fields only). Returns the
    answers and the fields still without a choice: nothing is discarded until every one is chosen."""
    merged, missing = dict(mine), []
    for name in differing_fields(saved, mine):
        choice = choices.get(name)
        if choice == "saved":
            merged[name] = saved.get(name)
        elif choice == "both" and isinstance(saved.get(name) or "", str) and isinstance(mine.get(name) or "", str):
            merged[name] = "\n\n".join(part for part in (saved.get(name) or "", mine.get(name) or "") if part)
        elif choice != "mine":
            missing.append(name)
    return merged, missing


def save_draft(note: ProgressNote, answers: dict, seen_version: int | None, *, autosave: bool = False) -> None:
    """Store the draft's answers; refuses a signed note (NoteLocked) and a stale version (EditConflict)."""
    if note.is_signed:
        raise NoteLocked()
    note.claim_version(seen_version)
    note.answers = {**kept_legacy(note.template, note.answers), **answers}
    if note.template == "efct":
        note.cycle_map_id = _current_cycle_map_id_for(note.couple_id) or note.cycle_map_id
    record("progress_note.autosaved" if autosave else "progress_note.saved", note)
    db.session.flush()


def sign_note(note: ProgressNote, signer, password: str | None, attested: bool, *, at: datetime | None = None) -> None:
    """Sign and lock: signer, time and the SHA-256 of the content are set together, in one flush.

    The one place the signing rules live. Raises NoteLocked for a note already signed, DomainError
    (field "signer") when `signer` is not the couple's treating therapist, and otherwise one DomainError
    whose `problems` name every field that stops the signature at once: "password" (missing or wrong),
    "attest" (not ticked) and each note field the template still needs. A refusal is recorded in the
    audit trail (flushed, not committed) and leaves the draft as it is.
    `at` is only for the demo data and imports; signing through the app always uses the current time.
    """
    if note.is_signed:
        raise NoteLocked("This note is already signed.")
    if signer.id != note.therapy_session.couple.therapist_id:
        raise DomainError("Only the treating therapist can sign this note.", field="signer")
    problems = _signature_problems(signer, password, attested) | sign_problems(
        note.template, note.answers, took_place=note.therapy_session.took_place
    )
    if note.therapy_session.starts_at > (at or utcnow()):
        problems["session"] = "This session hasn't started yet: its note can be signed once it has taken place."
    if note.therapy_session.is_entered_in_error:
        problems["session"] = "This session is marked as entered in error; its note can't be signed."
    if problems:
        record("progress_note.sign_refused", note, outcome="refused")
        db.session.flush()
        raise DomainError(problems=problems)
    note.signed_by_id = signer.id
    note.signed_at = at or utcnow()
    note.content_hash = note.compute_hash()
    record("progress_note.signed", note)
    db.session.flush()
    note_signed(note, signer)


def reopen_for_revision(note: ProgressNote, by) -> None:
    """Withdraw the signature of a note whose co-signature is still outstanding, so its author can revise it.

    Only the supervision domain calls this, after checking that a supervisor asked for changes and has
    not co-signed; the note is a draft again and must be signed anew. The locking guard lets exactly this
    note through, once, in this flush.
    """
    if not note.is_signed:
        raise DomainError("This note is already open for changes.")
    if by.id != note.signed_by_id:
        raise DomainError("Only the therapist who signed this note can reopen it.")
    allowed = db.session.info.setdefault(REOPENING, set())
    allowed.add(note.id)
    try:
        note.signed_by_id = None
        note.signed_at = None
        note.content_hash = None
        record("progress_note.reopened", note)
        db.session.flush()
    finally:
        allowed.discard(note.id)


def _signature_problems(signer, password: str | None, attested: bool) -> dict[str, str]:
    problems = {}
    if message := _password_problem(signer, password):
        problems["password"] = message
    if not attested:
        problems["attest"] = "Tick the attestation to sign."
    return problems


def _password_problem(signer, password: str | None) -> str | None:
    if not password:
        return "Enter your password to sign."
    if not verify_password(signer.password_hash, password):
        return "That password is not right."
    return None


def add_addendum(note: ProgressNote, author, reason: str, text: str, *, at: datetime | None = None) -> NoteAddendum:
    """Append an addendum to a signed note (`at` only for demo data and imports)."""
    if not note.is_signed:
        raise DomainError("Addenda are for signed notes; edit the draft instead.")
    addendum = NoteAddendum(
        progress_note_id=note.id, author_id=author.id, reason=reason, text=text, created_at=at or utcnow()
    )
    db.session.add(addendum)
    db.session.flush()
    db.session.expire(note, ["addenda"])  # the note's list is reloaded with the new addendum in it
    record("note_addendum.added", addendum, couple_id=note.couple_id)
    return addendum


def get_process_note(therapy_session: TherapySession, author) -> ProcessNote | None:
    """The author's own process note for this session; nobody else's is ever loaded."""
    return db.session.scalar(
        select(ProcessNote).where(
            ProcessNote.therapy_session_id == therapy_session.id, ProcessNote.author_id == author.id
        )
    )


def save_process_note(
    therapy_session: TherapySession, author, text: str, seen_version: int | None, *, autosave: bool = False
) -> ProcessNote:
    note = get_process_note(therapy_session, author)
    if note is None:
        if seen_version not in (None, 0):
            raise EditConflict()
        note = ProcessNote(therapy_session_id=therapy_session.id, author_id=author.id, text=text)
        db.session.add(note)
    else:
        note.claim_version(seen_version)
        note.text = text
    db.session.flush()
    record("process_note.autosaved" if autosave else "process_note.saved", note, couple_id=therapy_session.couple_id)
    return note


def current_cycle_map(couple: Couple) -> CycleMap | None:
    return db.session.scalar(
        select(CycleMap).where(CycleMap.couple_id == couple.id).order_by(CycleMap.number.desc()).limit(1)
    )


def cycle_map_history(couple: Couple) -> list[CycleMap]:
    return list(
        db.session.scalars(select(CycleMap).where(CycleMap.couple_id == couple.id).order_by(CycleMap.number.desc()))
    )


def save_cycle_map(
    couple: Couple, by, based_on: int | None, name: str, words_a: dict, words_b: dict, *, at: datetime | None = None
) -> CycleMap:
    """Add a new version of the cycle map; `based_on` must be the version the editor saw (else EditConflict).

    `at` is only for demo data and imports."""
    current = current_cycle_map(couple)
    if (current.number if current else None) != (based_on or None):
        raise EditConflict(current=current)
    version = CycleMap(
        couple_id=couple.id,
        number=(current.number if current else 0) + 1,
        cycle_name=name,
        partner_a=words_a,
        partner_b=words_b,
        created_by_id=by.id,
        created_at=at or utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    touch(couple)
    record("cycle_map.saved", version)
    return version


def _current_cycle_map_id(couple: Couple) -> int | None:
    return _current_cycle_map_id_for(couple.id)


def _current_cycle_map_id_for(couple_id: int) -> int | None:
    return db.session.scalar(
        select(CycleMap.id).where(CycleMap.couple_id == couple_id).order_by(CycleMap.number.desc()).limit(1)
    )


def addenda_for(note: ProgressNote) -> list[NoteAddendum]:
    return list(
        db.session.scalars(
            select(NoteAddendum)
            .where(NoteAddendum.progress_note_id == note.id)
            .options(selectinload(NoteAddendum.author))
            .order_by(NoteAddendum.id)
        )
    )


RAISED_RISK = ("moderate", "high")


def raised_risks(note: ProgressNote) -> dict[str, str]:
    """Partner position -> "moderate" or "high", for each partner the note rates at raised risk."""
    answers = note.answers or {}
    return {pos: answers[f"risk_{pos}"] for pos in ("a", "b") if answers.get(f"risk_{pos}") in RAISED_RISK}


def record_risk_review(note: ProgressNote, position: str, text: str | None, by) -> NoteRiskReview:
    """Record how a raised risk rating for one partner was addressed (ends the caseload alert).

    Raises DomainError(field="position") when the note doesn't rate that partner moderate or high,
    DomainError(field="text") when the text is missing, too long or holds control characters.
    """
    if position not in raised_risks(note):
        raise DomainError("This note does not rate that partner at moderate or high risk.", field="position")
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise DomainError("Write what was done about the risk.", field="text")
    if len(text) > 4000 or has_forbidden_characters(text):
        raise DomainError("Keep it under 4,000 characters of plain text.", field="text")
    review = NoteRiskReview(progress_note_id=note.id, position=position, text=text, by_id=by.id)
    db.session.add(review)
    db.session.flush()
    db.session.expire(note, ["risk_reviews"])
    record("note_risk_review.added", review, couple_id=note.couple_id)
    return review


DETAILS = ("starts_at", "minutes", "format", "kind", "attendance")


def edit_details(therapy_session: TherapySession, data: dict, by) -> None:
    """Correct a session's date, length, format, kind and attendance while its note is still a draft.

    Raises NoteLocked once the note is signed (corrections then go in an addendum) and DomainError for a
    session entered in error."""
    note = therapy_session.progress_note
    if note is not None and note.is_signed:
        raise NoteLocked("The note is signed, so the session's details are locked. Correct them in an addendum.")
    if therapy_session.is_entered_in_error:
        raise DomainError("This session is marked as entered in error.", field="starts_at")
    partner = therapy_session.couple.partner(data["individual_partner"]) if data["kind"] == "individual" else None
    for name in DETAILS:
        setattr(therapy_session, name, data[name])
    therapy_session.individual_partner_id = partner.id if partner else None
    record("therapy_session.details_changed", therapy_session)
    db.session.flush()


def mark_entered_in_error(therapy_session: TherapySession, reason: str, by, *, at: datetime | None = None) -> None:
    """Mark a session as entered in error: kept and shown struck through, never deleted, left out of the
    caseload counts, the homework review window and the course. Audited (the reason stays in the record)."""
    reason = (reason or "").strip()
    if therapy_session.is_entered_in_error:
        raise DomainError("This session is already marked as entered in error.", field="reason")
    if not reason or len(reason) > 300 or has_forbidden_characters(reason):
        raise DomainError("Give the reason in up to 300 characters of plain text.", field="reason")
    therapy_session.entered_in_error_at = at or utcnow()
    therapy_session.error_reason, therapy_session.error_by_id = reason, by.id
    record("therapy_session.entered_in_error", therapy_session)
    db.session.flush()
