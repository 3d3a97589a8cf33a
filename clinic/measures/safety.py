"""The private safety screen: send to one partner, answer, and the therapist's decision.

Everything here is clinician-only except the answering partner's own form and their support page.
The other partner never learns that a screen was sent, answered or flagged.
"""

from sqlalchemy import select

from clinic.audit.services import record
from clinic.couples.models import Couple, Partner
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.measures import screen
from clinic.measures.models import DECISIONS, SafetyScreen
from clinic.security import get_owned_or_404


def has_open_safety_alert(couple: Couple) -> bool:
    """True while a partner's screen is positive and the therapist has not recorded a decision.

    Homework calls this to flag conflict-raising exercises for review. Clinician-side only.
    """
    return any(s.needs_decision for s in screens_for(couple))


def safeguard_active(couple: Couple) -> bool:
    """True while the couple's homework safeguard holds: conflict-raising exercises then need a
    per-assignment confirmation with a reason. The safeguard belongs to the couple, not to an alert.

    Clinician-side only; never shown to partners.
    """
    return has_open_safety_alert(couple)


def screens_for(couple: Couple) -> list[SafetyScreen]:
    return list(db.session.scalars(
        select(SafetyScreen).where(SafetyScreen.couple_id == couple.id).order_by(SafetyScreen.sent_at.desc(),
                                                                                 SafetyScreen.id.desc())))


def waiting_screen(partner: Partner) -> SafetyScreen | None:
    """The partner's own unanswered screen, if one was sent to them."""
    return db.session.scalar(select(SafetyScreen).where(
        SafetyScreen.partner_id == partner.id, SafetyScreen.answered_at.is_(None)).order_by(SafetyScreen.id))


def get_screen_for_partner(partner: Partner, screen_id: int) -> SafetyScreen:
    """The partner's own screen; 404 for a missing one and for the other partner's alike."""
    return get_owned_or_404(SafetyScreen, screen_id, partner_id=partner.id)


def get_screen_for_couple(couple: Couple, screen_id: int) -> SafetyScreen:
    return get_owned_or_404(SafetyScreen, screen_id, couple_id=couple.id)


def send_screen(couple: Couple, partner: Partner, by) -> SafetyScreen:
    """Send the screen to one partner; refuses while an earlier one is still unanswered."""
    if couple.is_closed:
        raise DomainError("This couple is closed: reopen it before sending anything.")
    if waiting_screen(partner) is not None:
        raise DomainError(f"A safety screen is already waiting for {partner.name}.")
    sent = SafetyScreen(couple_id=couple.id, partner_id=partner.id, sent_by_id=by.id, sent_at=utcnow())
    db.session.add(sent)
    db.session.flush()
    record("safety_screen.sent", sent)
    return sent


def answer_screen(found: SafetyScreen, answers: dict[str, str], by) -> SafetyScreen:
    """Store the partner's answers once. Raises DomainError when already answered or incomplete."""
    if found.is_answered:
        raise DomainError("You have already answered these questions, so nothing new was saved.")
    try:
        screen.RULES[screen.VERSION](answers)
    except ValueError as error:
        raise DomainError("Every question needs one of the listed answers.") from error
    found.answers = {key: answers[key] for key in screen.ITEM_KEYS}
    found.scoring_version = screen.VERSION
    found.answered_at = utcnow()
    record("safety_screen.answered", found, actor=by)
    db.session.flush()
    return found


def record_decision(found: SafetyScreen, decision: str, note: str, by) -> None:
    """The therapist's response to a positive screen; it clears the alert. Recorded once."""
    if not found.is_positive:
        raise DomainError("A decision is only needed for a positive screen.")
    if found.decision is not None:
        raise DomainError("A decision was already recorded for this screen.")
    if decision not in DECISIONS:
        raise DomainError("Choose one of the listed decisions.", field="decision")
    found.decision = decision
    found.decision_note = note or ""
    found.decided_at = utcnow()
    found.decided_by_id = by.id
    record("safety_screen.decision_recorded", found)
    db.session.flush()


def screen_status(couple: Couple, screens: list[SafetyScreen]) -> dict[int, dict]:
    """Per partner id: whether a screen was ever sent, is waiting, and the latest answered one."""
    status = {}
    for partner in couple.partners:
        own = [s for s in screens if s.partner_id == partner.id]
        answered = [s for s in own if s.is_answered]
        status[partner.id] = {"sent": bool(own), "waiting": any(not s.is_answered for s in own),
                              "latest": answered[0] if answered else None}
    return status
