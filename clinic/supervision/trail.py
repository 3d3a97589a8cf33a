"""The audit trail in words: "Dr. Noor Haddad viewed the progress note of session 4 for couple #R-12, 14:02".

An administrator without a clinical role sees couples by reference number and clients as "a partner of
couple #R-12"; names show to a therapist holding admin rights, or to an administrator who gave a reason
(break-glass, recorded in the trail, good for 15 minutes). Every lookup is one query per kind of record
on the page, never one per event."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from clinic.audit.services import record
from clinic.auth.models import User
from clinic.couples.models import Couple, Partner
from clinic.db import utcnow
from clinic.extensions import db
from clinic.sessions.models import NoteAddendum, ProcessNote, ProgressNote, TherapySession
from clinic.settings import viewer_zone
from clinic.supervision.caseload import reference
from clinic.supervision.models import Cosignature, NameAccess

NAME_ACCESS_MINUTES = 15

# action -> phrase; {n} is the session number when the record belongs to a session.
PHRASES = {
    "access.not_found": "was refused a record that is not theirs",
    "auth.login": "signed in",
    "auth.logout": "signed out",
    "auth.login_failed": "failed to sign in",
    "auth.lockout": "was locked out after failed sign-ins",
    "auth.password_changed": "changed their password",
    "auth.quick_exit": "used quick exit",
    "auth.reauth": "confirmed their password",
    "auth.reauth_failed": "failed to confirm their password",
    "auth.second_factor_failed": "entered a wrong second-factor code",
    "auth.time_zone_changed": "changed their time zone",
    "progress_note.viewed": "viewed the progress note of session {n}",
    "progress_note.saved": "saved a draft of the progress note of session {n}",
    "progress_note.autosaved": "autosaved the progress note of session {n}",
    "progress_note.signed": "signed the progress note of session {n}",
    "progress_note.sign_refused": "tried to sign the progress note of session {n}",
    "progress_note.reopened": "reopened the progress note of session {n} for revision",
    "process_note.viewed": "viewed their process note of session {n}",
    "process_note.saved": "saved their process note of session {n}",
    "note_addendum.added": "added an addendum to the progress note of session {n}",
    "note_risk_review.added": "recorded a risk follow-up on session {n}",
    "therapy_session.recorded": "recorded session {n}",
    "therapy_session.viewed": "opened session {n}",
    "therapy_session.list_viewed": "viewed the sessions list",
    "cosignature.requested": "asked for a co-signature of the progress note of session {n}",
    "cosignature.cosigned": "co-signed the progress note of session {n}",
    "cosignature.changes_requested": "requested changes to the progress note of session {n}",
    "cosignature.refused": "tried to co-sign the progress note of session {n}",
    "cosignature.revising": "reopened the progress note of session {n} to revise it",
    "cosignature.kept_on_transfer": "kept the co-signature of the progress note of session {n} with the supervisor "
    "on a transfer",
    "couple.created": "added the couple",
    "couple.viewed": "viewed the couple's overview",
    "couple.updated": "changed the couple's details",
    "couple.transferred": "transferred the couple to another therapist",
    "couple.transferred_from": "moved the couple off the caseload of {user}",
    "couple.transferred_to": "moved the couple to the caseload of {user}",
    "supervision.linked": "linked an associate to a supervisor",
    "supervision.ended": "ended a supervision",
    "supervision.caseload_viewed": "viewed the caseload of {user}",
    "supervision.searched": "searched their supervisees' caseloads by name",
    "handout.given": "gave a handout",
    "handout.withdrawn": "withdrew a handout",
    "safety_screen.sent": "sent a safety screen",
    "safety_screen.viewed": "viewed a safety screen",
    "audit_trail.names_shown": "showed client names in the audit trail",
    "audit_trail.exported": "exported the audit trail",
    "user.created": "created the account of {user}",
    "user.deactivated": "deactivated the account of {user}",
    "user.reactivated": "reactivated the account of {user}",
    "user.sessions_ended": "ended every session of {user}",
    "user.admin_granted": "gave admin rights to {user}",
    "user.admin_removed": "removed admin rights from {user}",
    "user.email_change_requested": "asked to change the sign-in email of {user}",
    "user.email_changed": "confirmed a new sign-in email for {user}",
    "user.recovery_code_used": "signed in with a recovery code",
    "user.second_factor_enabled": "turned on the second factor for {user}",
    "user.welcome_sent": "sent a set-your-password email to {user}",
    "auth.logout_everywhere": "signed out on every device",
    "auth.password_ok": "gave the right password (second factor next)",
    "auth.password_reset": "reset their password from an emailed link",
    "auth.password_reset_requested": "asked for a password reset email",
    "consent.override": "made the couple active without every consent signed, giving a reason",
    "consent_signature.created": "signed a consent document",
    "safety_decision.severe_override": "overrode the severe-risk rule, giving a reason",
    "therapy_session.entered_in_error": "marked session {n} as entered in error",
}


@dataclass
class TrailRow:
    at: datetime
    who: str
    role: str
    what: str  # the whole sentence
    action: str
    couple: str
    outcome: str
    address: str


def shows_names(viewer) -> bool:
    """A clinical role, or a break-glass reason given in the last 15 minutes."""
    if viewer.role == "therapist":
        return True
    query = select(NameAccess.id).where(NameAccess.user_id == viewer.id, NameAccess.expires_at > utcnow())
    return db.session.scalar(query.limit(1)) is not None


def grant_names(viewer, reason: str) -> NameAccess:
    """Break glass: `viewer` sees client names for 15 minutes; the reason is kept, the grant audited."""
    now = utcnow()
    access = NameAccess(
        user_id=viewer.id, reason=reason, at=now, expires_at=now + timedelta(minutes=NAME_ACCESS_MINUTES)
    )
    db.session.add(access)
    db.session.flush()
    record("audit_trail.names_shown", access)
    return access


def end_names(viewer) -> None:
    now = utcnow()
    for access in db.session.scalars(
        select(NameAccess).where(NameAccess.user_id == viewer.id, NameAccess.expires_at > now)
    ):
        access.expires_at = now
    db.session.flush()


def describe(events: list, viewer) -> list[TrailRow]:
    names = shows_names(viewer)
    lookup = _Lookup(events, names)
    zone = viewer_zone()
    rows = []
    for event in events:
        who, role = lookup.who(event)
        phrase = PHRASES.get(event.action) or _fallback(event.action)
        phrase = phrase.format(n=lookup.session_number(event) or "?", user=lookup.user_name(event))
        couple = lookup.couple(event.couple_id) if event.couple_id else ""
        sentence = f"{who} {phrase}" + (f" for {couple}" if couple else "") + f", {event.at.astimezone(zone):%H:%M}"
        if event.outcome != "ok":
            sentence += f" ({event.outcome})"
        rows.append(
            TrailRow(event.at, who, role, sentence, event.action, couple, event.outcome, event.client_address or "")
        )
    return rows


def _fallback(action: str) -> str:
    noun, _, verb = action.partition(".")
    return f"{verb.replace('_', ' ')} the {noun.replace('_', ' ')}" if verb else action


class _Lookup:
    """Names and session numbers for one page of events, a query per kind of record."""

    def __init__(self, events: list, names: bool):
        self.names = names
        ids = {e.actor_id for e in events} | {e.record_id for e in events if e.record_type == "user"}
        self.users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids - {None})))}
        clients = [uid for uid, u in self.users.items() if u.role == "client"]
        self.partners = (
            {p.user_id: p for p in db.session.scalars(select(Partner).where(Partner.user_id.in_(clients)))}
            if clients
            else {}
        )
        couple_ids = {e.couple_id for e in events if e.couple_id} | {p.couple_id for p in self.partners.values()}
        self.couples = (
            {
                row.id: row.display_name
                for row in db.session.execute(select(Couple.id, Couple.display_name).where(Couple.id.in_(couple_ids)))
            }
            if names and couple_ids
            else {}
        )
        self.numbers = _session_numbers(events)

    def who(self, event) -> tuple[str, str]:
        user = self.users.get(event.actor_id)
        if user is None:
            return ("The system (command line)" if event.client_address == "cli" else "Someone not signed in", "")
        if user.role != "client" or self.names:
            return (user.name, user.role)
        partner = self.partners.get(user.id)
        if partner is None:
            return ("A client", "client")
        return (f"Partner {partner.position.upper()} of {self.couple(partner.couple_id)}", "client")

    def couple(self, couple_id: int) -> str:
        if self.names and couple_id in self.couples:
            return f"{self.couples[couple_id]} ({reference(couple_id)})"
        return f"couple {reference(couple_id)}"

    def user_name(self, event) -> str:
        user = self.users.get(event.record_id) if event.record_type == "user" else None
        if user is None:
            return "someone"
        if user.role == "client" and not self.names:
            return "a client"
        return user.name

    def session_number(self, event) -> int | None:
        return self.numbers.get((event.record_type, event.record_id))


# record type -> the select giving (record id, session number)
_NUMBER_QUERIES = {
    "therapy_session": lambda ids: select(TherapySession.id, TherapySession.number).where(TherapySession.id.in_(ids)),
    "progress_note": lambda ids: (
        select(ProgressNote.id, TherapySession.number)
        .join(TherapySession, TherapySession.id == ProgressNote.therapy_session_id)
        .where(ProgressNote.id.in_(ids))
    ),
    "process_note": lambda ids: (
        select(ProcessNote.id, TherapySession.number)
        .join(TherapySession, TherapySession.id == ProcessNote.therapy_session_id)
        .where(ProcessNote.id.in_(ids))
    ),
    "note_addendum": lambda ids: (
        select(NoteAddendum.id, TherapySession.number)
        .join(ProgressNote, ProgressNote.id == NoteAddendum.progress_note_id)
        .join(TherapySession, TherapySession.id == ProgressNote.therapy_session_id)
        .where(NoteAddendum.id.in_(ids))
    ),
    "cosignature": lambda ids: (
        select(Cosignature.id, TherapySession.number)
        .join(ProgressNote, ProgressNote.id == Cosignature.progress_note_id)
        .join(TherapySession, TherapySession.id == ProgressNote.therapy_session_id)
        .where(Cosignature.id.in_(ids))
    ),
}


def _session_numbers(events: list) -> dict[tuple[str, int], int]:
    found: dict[tuple[str, int], int] = {}
    for record_type, query in _NUMBER_QUERIES.items():
        ids = {e.record_id for e in events if e.record_type == record_type and e.record_id}
        if ids:
            found.update({(record_type, row[0]): row[1] for row in db.session.execute(query(ids))})
    return found
