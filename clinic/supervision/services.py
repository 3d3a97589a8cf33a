"""Supervision rules: linking an associate to a supervisor, the co-signature of an associate's notes, and
what a supervisor may read (their active supervisees' couples and progress notes, never process notes,
never an edit). Operations change and flush; views commit."""

from flask import abort, g, has_request_context
from flask_login import current_user
from sqlalchemy import func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from clinic.audit.services import record
from clinic.auth.models import User
from clinic.auth.passwords import verify_password
from clinic.couples.models import Couple
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.registry import CaseloadInfo
from clinic.sessions.models import ProgressNote, TherapySession
from clinic.sessions.services import reopen_for_revision
from clinic.supervision.models import Cosignature, CosignReview, SupervisionLink

OPEN = ("awaiting", "changes_requested", "revising")


# --- links ----------------------------------------------------------------------------------------
def active_link_for(associate_id: int) -> SupervisionLink | None:
    query = select(SupervisionLink).where(
        SupervisionLink.associate_id == associate_id, SupervisionLink.ended_at.is_(None)
    )
    return db.session.scalars(query).first()


def links_query():
    """Active links first, then ended ones, newest first (for the administrator's page)."""
    return (
        select(SupervisionLink)
        .options(joinedload(SupervisionLink.associate), joinedload(SupervisionLink.supervisor))
        .order_by(SupervisionLink.ended_at.is_not(None), SupervisionLink.id.desc())
    )


def therapist_choices() -> dict[str, str]:
    query = select(User).where(User.role == "therapist", User.is_active_account.is_(True)).order_by(User.name)
    return {str(user.id): user.name for user in db.session.scalars(query)}


def link(associate_id: int, supervisor_id: int, by) -> SupervisionLink:
    """Link an associate to a supervisor, ending the associate's earlier link.

    Co-signatures still outstanding move to the new supervisor. Raises DomainError (by field) for the
    same person twice, an unknown or inactive therapist, and a link that already exists.
    """
    associate, supervisor = _therapist(associate_id, "associate"), _therapist(supervisor_id, "supervisor")
    if associate.id == supervisor.id:
        raise DomainError("A therapist can't supervise themselves; choose someone else.", field="supervisor")
    current = active_link_for(associate.id)
    if current is not None and current.supervisor_id == supervisor.id:
        raise DomainError(f"{supervisor.name} already supervises {associate.name}.", field="supervisor")
    if current is not None:
        end_link(current, by)
    made = SupervisionLink(associate_id=associate.id, supervisor_id=supervisor.id, created_by_id=by.id)
    db.session.add(made)
    db.session.flush()
    for cosignature in db.session.scalars(
        select(Cosignature).where(Cosignature.associate_id == associate.id, Cosignature.status.in_(OPEN))
    ):
        cosignature.supervisor_id = supervisor.id
    record("supervision.linked", made)
    db.session.flush()
    return made


def _therapist(user_id: int, field: str) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != "therapist" or not user.is_active_account:
        raise DomainError("Choose an active therapist account.", field=field)
    return user


def get_link(link_id: int) -> SupervisionLink:
    found = db.session.get(SupervisionLink, link_id)
    if found is None:
        abort(404)
    return found


def end_link(made: SupervisionLink, by) -> None:
    if made.ended_at is not None:
        raise DomainError("This supervision has already ended.")
    made.ended_at = utcnow()
    made.ended_by_id = by.id
    record("supervision.ended", made)
    db.session.flush()


def supervisee_ids(supervisor) -> list[int]:
    query = select(SupervisionLink.associate_id).where(
        SupervisionLink.supervisor_id == supervisor.id, SupervisionLink.ended_at.is_(None)
    )
    return list(db.session.scalars(query))


def supervisees(supervisor) -> list[User]:
    ids = supervisee_ids(supervisor)
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name))) if ids else []


# --- what a supervisor may read ----------------------------------------------------------------------
def supervised_condition(supervisor):
    """SQL condition: the couple's treating therapist is an active supervisee of `supervisor`."""
    return Couple.therapist_id.in_(
        select(SupervisionLink.associate_id).where(
            SupervisionLink.supervisor_id == supervisor.id, SupervisionLink.ended_at.is_(None)
        )
    )


def _moved_on(supervisor, statuses=OPEN):
    """SQL condition on Cosignature: held by `supervisor`, still open, on a couple transferred away from the
    note's author. Such a co-signature stays with its supervisor until decided (docs/CLINICAL.md,
    "Transfers and co-signatures"): the supervisor reads that note, not the couple's other records."""
    return (
        (Cosignature.supervisor_id == supervisor.id)
        & Cosignature.status.in_(statuses)
        & (Couple.therapist_id != Cosignature.associate_id)
    )


def is_transferred(cosignature: Cosignature) -> bool:
    """The couple has moved from the note's author to another therapist since the note was signed."""
    couple = db.session.get(Couple, cosignature.couple_id)
    return couple is not None and couple.therapist_id != cosignature.associate_id


def pending_on(couple_ids: list[int]) -> list[Cosignature]:
    """Outstanding co-signatures on these couples' notes (the transfer's confirmation lists them)."""
    if not couple_ids:
        return []
    query = (
        select(Cosignature)
        .where(Cosignature.couple_id.in_(couple_ids), Cosignature.status.in_(OPEN))
        .options(joinedload(Cosignature.note).joinedload(ProgressNote.therapy_session))
        .order_by(Cosignature.couple_id, Cosignature.requested_at)
    )
    return list(db.session.scalars(query).unique())


def keep_with_supervisor(cosignatures: list[Cosignature]) -> None:
    """On a transfer: a note sent back for changes returns to its supervisor's queue (its author can no
    longer revise it; the comments stay on record). Awaiting notes simply stay where they are."""
    for cosignature in cosignatures:
        if cosignature.status == "changes_requested":
            cosignature.status = "awaiting"
            cosignature.requested_at = utcnow()
        record("cosignature.kept_on_transfer", cosignature, couple_id=cosignature.couple_id)
    db.session.flush()


def get_supervisee_for(supervisor, associate_id: int) -> User:
    associate = db.session.get(User, associate_id)
    if associate is None or supervisor.role != "therapist" or associate_id not in supervisee_ids(supervisor):
        abort(404)
    return associate


def supervisee_caseload_query(associate):
    return select(Couple).where(Couple.therapist_id == associate.id).order_by(Couple.display_name, Couple.id)


def get_supervised_couple(supervisor, couple_id: int) -> Couple:
    """The couple when its therapist is `supervisor`'s active supervisee; 404 otherwise (as if missing)."""
    query = select(Couple).where(Couple.id == couple_id, supervised_condition(supervisor))
    couple = db.session.scalars(query.options(joinedload(Couple.partners), joinedload(Couple.goals))).unique().first()
    if couple is None or supervisor.role != "therapist":
        abort(404)
    return couple


def supervised_sessions(couple: Couple) -> list[TherapySession]:
    query = (
        select(TherapySession)
        .where(TherapySession.couple_id == couple.id)
        .options(joinedload(TherapySession.progress_note))
        .order_by(TherapySession.number.desc())
        .limit(100)
    )
    return list(db.session.scalars(query).unique())


def get_supervised_note(supervisor, note_id: int) -> ProgressNote:
    """A progress note on a supervisee's couple (never a process note); 404 otherwise."""
    query = (
        select(ProgressNote)
        .join(Couple, Couple.id == ProgressNote.couple_id)
        .outerjoin(Cosignature, Cosignature.progress_note_id == ProgressNote.id)
        .where(ProgressNote.id == note_id, or_(supervised_condition(supervisor), _moved_on(supervisor)))
        .options(joinedload(ProgressNote.therapy_session).joinedload(TherapySession.couple))
    )
    note = db.session.scalars(query).unique().first()
    if note is None or supervisor.role != "therapist":
        abort(404)
    return note


def cosignature_of(note: ProgressNote, *, lock: bool = False) -> Cosignature | None:
    """The note's co-signature; `lock` (for a decision) makes concurrent decisions take turns on PostgreSQL."""
    query = select(Cosignature).where(Cosignature.progress_note_id == note.id)
    return db.session.scalars(query.with_for_update(of=Cosignature) if lock else query).first()


def waiting_for(supervisor) -> list[Cosignature]:
    """Notes awaiting this supervisor's co-signature, on couples still in their supervisees' care."""
    query = (
        select(Cosignature)
        .join(Couple, Couple.id == Cosignature.couple_id)
        .where(
            Cosignature.supervisor_id == supervisor.id,
            Cosignature.status == "awaiting",
            or_(supervised_condition(supervisor), _moved_on(supervisor)),
        )
        .options(
            joinedload(Cosignature.note).joinedload(ProgressNote.therapy_session).joinedload(TherapySession.couple)
        )
        .order_by(Cosignature.requested_at)
        .limit(200)
    )
    return list(db.session.scalars(query).unique())


def open_for_associate(associate) -> list[Cosignature]:
    """The associate's notes whose co-signature is still outstanding, oldest first."""
    query = (
        select(Cosignature)
        .where(Cosignature.associate_id == associate.id, Cosignature.status.in_(OPEN))
        .options(
            joinedload(Cosignature.note).joinedload(ProgressNote.therapy_session).joinedload(TherapySession.couple)
        )
        .order_by(Cosignature.requested_at)
        .limit(200)
    )
    return list(db.session.scalars(query).unique())


# --- co-signature ------------------------------------------------------------------------------------
def on_note_signed(note: ProgressNote, signer) -> None:
    """Registered hook: an associate's signature asks their supervisor for a co-signature."""
    current = active_link_for(signer.id)
    cosignature = cosignature_of(note)
    if current is None and cosignature is None:
        return
    if cosignature is None:
        cosignature = Cosignature(progress_note_id=note.id, couple_id=note.couple_id, associate_id=signer.id)
        db.session.add(cosignature)
    if current is not None:
        cosignature.supervisor_id = current.supervisor_id
    cosignature.status = "awaiting"
    cosignature.requested_at = utcnow()
    db.session.flush()
    record("cosignature.requested", cosignature, couple_id=note.couple_id)


def cosign(cosignature: Cosignature, supervisor, password: str | None, attested: bool) -> None:
    """Co-sign a note awaiting this supervisor; every problem (password, attestation) at once."""
    note = _awaiting_for(cosignature, supervisor)
    problems = {}
    if message := _password_problem(supervisor, password):
        problems["password"] = message
    if not attested:
        problems["attest"] = "Tick the statement to co-sign."
    if problems:
        record("cosignature.refused", cosignature, outcome="refused")
        db.session.flush()
        raise DomainError(problems=problems)
    _decide(cosignature, supervisor, note, "cosigned", "")
    cosignature.cosigned_at = utcnow()
    record("cosignature.cosigned", cosignature)
    db.session.flush()


def _password_problem(supervisor, password: str | None) -> str | None:
    if not password:
        return "Enter your password to co-sign."
    if not verify_password(supervisor.password_hash, password):
        return "That password is not right."
    return None


def request_changes(cosignature: Cosignature, supervisor, comments: str) -> None:
    note = _awaiting_for(cosignature, supervisor)
    if is_transferred(cosignature):
        raise DomainError(
            "This couple has moved to another therapist, so the note's author can no longer revise it. "
            "Co-sign it as it stands and take any concerns up with the associate in supervision."
        )
    if not comments.strip():
        raise DomainError("Say what should change, so the associate can revise the note.", field="comments")
    _decide(cosignature, supervisor, note, "changes_requested", comments.strip())
    record("cosignature.changes_requested", cosignature)
    db.session.flush()


def _awaiting_for(cosignature: Cosignature, supervisor) -> ProgressNote:
    if cosignature.supervisor_id != supervisor.id:
        abort(404)
    if cosignature.status != "awaiting":
        raise DomainError(f"This note is no longer awaiting co-signature ({cosignature.status_label.lower()}).")
    note = cosignature.note
    if not note.is_signed or not note.hash_ok:
        raise DomainError("This note's content does not match its signature; it can't be co-signed.")
    return note


def _decide(cosignature: Cosignature, supervisor, note: ProgressNote, decision: str, comments: str) -> None:
    review = CosignReview(
        cosignature_id=cosignature.id,
        supervisor_id=supervisor.id,
        decision=decision,
        comments=comments,
        note_hash=note.content_hash or "",
    )
    db.session.add(review)
    cosignature.status = decision


def get_own_cosignature(associate, note_id: int) -> Cosignature:
    """The co-signature of one of `associate`'s notes on a couple still in their care; 404 otherwise."""
    query = (
        select(Cosignature)
        .join(Couple, Couple.id == Cosignature.couple_id)
        .where(
            Cosignature.progress_note_id == note_id,
            Cosignature.associate_id == associate.id,
            Couple.therapist_id == associate.id,
        )
        .with_for_update(of=Cosignature)
    )
    found = db.session.scalars(query).first()
    if found is None or associate.role != "therapist":
        abort(404)
    return found


def reopen(cosignature: Cosignature, associate) -> None:
    """After a request for changes, open the signed note again as a draft for its author to revise."""
    if cosignature.status != "changes_requested":
        raise DomainError("A note can be reopened only after your supervisor asks for changes.")
    reopen_for_revision(cosignature.note, associate)
    cosignature.status = "revising"
    record("cosignature.revising", cosignature)
    db.session.flush()


def resubmit(cosignature: Cosignature, associate) -> None:
    """After a request for changes answered by an addendum: back to the supervisor, note unchanged."""
    if cosignature.status != "changes_requested":
        raise DomainError("This note is not waiting for your changes.")
    last = cosignature.reviews[-1].at if cosignature.reviews else cosignature.requested_at
    if not any(a.created_at >= last for a in cosignature.note.addenda):
        raise DomainError("Add an addendum answering the comments first (or reopen the note to revise it).")
    cosignature.status = "awaiting"
    cosignature.requested_at = utcnow()
    record("cosignature.requested", cosignature)
    db.session.flush()


# --- caseload alerts ---------------------------------------------------------------------------------
ALERTS = {
    "awaiting": "Session {n} note awaiting co-signature",
    "changes_requested": "Session {n} note: your supervisor asked for changes",
    "revising": "Session {n} note reopened for revision: sign it again",
}


WAITING = "waiting-for-you"  # the marker row of the supervisor's own count in caseload_alerts' statement


def caseload_alerts(couples: list) -> dict[int, CaseloadInfo]:
    """Outstanding co-signatures on these couples' notes and, for the signed-in therapist as supervisor,
    how many notes await their co-signature: both in one statement (the count is kept in `g` for the
    caseload's reminder line, so the page reads it without a second query)."""
    ids = [couple.id for couple in couples]
    on_couples = (
        select(Cosignature.couple_id, Cosignature.status, TherapySession.number)
        .join(ProgressNote, ProgressNote.id == Cosignature.progress_note_id)
        .join(TherapySession, TherapySession.id == ProgressNote.therapy_session_id)
        .join(Couple, Couple.id == Cosignature.couple_id)
        # After a transfer the new therapist is not asked about the former associate's co-signatures.
        .where(
            Cosignature.couple_id.in_(ids),
            Cosignature.status.in_(OPEN),
            Couple.therapist_id == Cosignature.associate_id,
        )
    )
    viewer = current_user if has_request_context() and current_user.is_authenticated else None
    query = on_couples if viewer is None else union_all(on_couples, _waiting_count_query(viewer, marker=True))
    found: dict[int, CaseloadInfo] = {}
    for couple_id, status, number in sorted(db.session.execute(query), key=lambda row: row[2] or 0):
        if status == WAITING:
            g.supervision_waiting_count = int(number or 0)
            continue
        found.setdefault(couple_id, CaseloadInfo()).alerts.append(ALERTS[status].format(n=number))
    return found


def _waiting_count_query(supervisor, *, marker: bool = False):
    columns = (literal(None).label("couple_id"), literal(WAITING).label("status")) if marker else ()
    return (
        select(*columns, func.count(Cosignature.id))
        .join(Couple, Couple.id == Cosignature.couple_id)
        .where(
            Cosignature.supervisor_id == supervisor.id,
            Cosignature.status == "awaiting",
            or_(supervised_condition(supervisor), _moved_on(supervisor)),
        )
    )


def waiting_count(supervisor) -> int:
    """How many notes await `supervisor`'s co-signature (the caseload's reminder); read from this request's
    caseload statement when it already ran."""
    if has_request_context() and "supervision_waiting_count" in g and supervisor.id == current_user.id:
        return int(g.supervision_waiting_count)
    return db.session.scalar(_waiting_count_query(supervisor)) or 0
