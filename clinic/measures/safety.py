"""The private safety screen: send to one partner, answer (at home or in the office), the therapist's
follow-up checklist and signed decisions.

Everything here is clinician-only except the answering partner's own form and their support page.
The other partner never learns that a screen was sent, answered or flagged.
"""

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from clinic.audit.services import record
from clinic.auth.passwords import verify_password
from clinic.couples.models import Couple, Partner
from clinic.db import utcnow
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.measures import screen
from clinic.measures.models import CONJOINT_DECISIONS, DECISIONS, SafetyDecision, SafetyFollowUp, SafetyScreen
from clinic.measures.signals import safety_screen_flagged
from clinic.security import get_owned_or_404

FLAGGED_TIERS = ("positive", "severe")


def latest_answered(screens: list[SafetyScreen]) -> dict[int, SafetyScreen]:
    """Per partner id, their latest answered screen (screens in any order)."""
    latest: dict[int, SafetyScreen] = {}
    for found in screens:
        if found.is_answered:
            current = latest.get(found.partner_id)
            if current is None or (found.answered_at, found.id) > (current.answered_at, current.id):
                latest[found.partner_id] = found
    return latest


def safeguard_state(screens: list[SafetyScreen], decisions: list[SafetyDecision]) -> bool:
    """The safeguard rule on already-loaded rows (see safeguard_active)."""
    if any(s.tier in FLAGGED_TIERS for s in latest_answered(screens).values()):
        return True
    decided = {d.screen_id for d in decisions}
    if any(s.tier in ("concern", *FLAGGED_TIERS) and s.id not in decided for s in screens if s.is_answered):
        return True
    latest = max(decisions, key=lambda d: (d.decided_at, d.id), default=None)
    return latest is not None and latest.decision != "conjoint_appropriate"


def safeguard_active(couple: Couple) -> bool:
    """True while any partner's latest answered screen is positive or severe, a concern/positive/severe
    screen still awaits a decision, or the couple's latest decision is not "conjoint work is appropriate".

    Homework calls this to hold conflict-raising exercises. Clinician-side only; never shown to partners.
    """
    decisions = list(db.session.scalars(select(SafetyDecision).where(SafetyDecision.couple_id == couple.id)))
    return safeguard_state(screens_for(couple), decisions)


has_open_safety_alert = safeguard_active  # the earlier name, which homework still calls


def safety_flag(couple: Couple) -> bool:
    """`safeguard_active` in one statement (screens outer-joined to their decisions), for pages that
    only need the yes or no: a progress note opens its risk check when it holds (clinic.registry)."""
    rows = db.session.execute(
        select(SafetyScreen, SafetyDecision)
        .outerjoin(SafetyDecision, SafetyDecision.screen_id == SafetyScreen.id)
        .where(SafetyScreen.couple_id == couple.id)
        .options(lazyload(SafetyScreen.decisions), lazyload(SafetyScreen.partner), lazyload(SafetyDecision.decided_by))
    ).all()
    screens = list({s.id: s for s, _ in rows}.values())
    decisions = [d for _, d in rows if d is not None]
    return safeguard_state(screens, decisions)


def current_tier(couple: Couple) -> str:
    """The highest tier among the partners' latest answered screens ('none' when none answered)."""
    tiers = [s.tier for s in latest_answered(screens_for(couple)).values() if s.tier is not None]
    return max(tiers, key=screen.tier_rank, default="none")


def screens_for(couple: Couple) -> list[SafetyScreen]:
    return list(
        db.session.scalars(
            select(SafetyScreen)
            .where(SafetyScreen.couple_id == couple.id)
            .order_by(SafetyScreen.sent_at.desc(), SafetyScreen.id.desc())
        )
    )


def waiting_screen(partner: Partner) -> SafetyScreen | None:
    """The partner's own unanswered screen, if one was sent to them."""
    return db.session.scalar(
        select(SafetyScreen)
        .where(SafetyScreen.partner_id == partner.id, SafetyScreen.answered_at.is_(None))
        .order_by(SafetyScreen.id)
    )


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
        raise DomainError("A screen is already waiting for this partner.")
    sent = SafetyScreen(couple_id=couple.id, partner_id=partner.id, sent_by_id=by.id, sent_at=utcnow())
    db.session.add(sent)
    db.session.flush()
    record("safety_screen.sent", sent)
    return sent


def start_in_office(couple: Couple, partner: Partner, by) -> SafetyScreen:
    """The screen this partner will answer on the therapist's device: the one waiting, or a new one."""
    if couple.is_closed:
        raise DomainError("This couple is closed: reopen it before sending anything.")
    found = waiting_screen(partner)
    if found is None:
        found = SafetyScreen(couple_id=couple.id, partner_id=partner.id, sent_by_id=by.id, sent_at=utcnow())
        db.session.add(found)
        db.session.flush()
    record("safety_screen.office_started", found, actor=by)
    return found


def answer_screen(found: SafetyScreen, answers: dict[str, str], by, *, method: str = "portal") -> SafetyScreen:
    """Store the partner's answers once, under the current version; a positive or severe result sends
    `safety_screen_flagged` in this transaction. Raises DomainError when already answered or incomplete."""
    if found.is_answered:
        raise DomainError("You have already answered these questions, so nothing new was saved.")
    try:
        result = screen.RULES[screen.VERSION](answers)
    except ValueError as error:
        raise DomainError("Every question needs one of the listed answers.") from error
    found.answers = {key: answers[key] for key in screen.ITEM_KEYS}
    found.scoring_version = screen.VERSION
    found.answered_at = utcnow()
    found.method = method
    found.answered_by_id = by.id
    record("safety_screen.answered_in_office" if method == "office" else "safety_screen.answered", found, actor=by)
    db.session.flush()
    if result.tier in FLAGGED_TIERS:
        safety_screen_flagged.send(found.partner.couple, screen=found, by=by)
    return found


def check_password(user, password: str | None, field: str = "password") -> None:
    """Raises DomainError(field=...) unless `password` is the user's own."""
    if not password or not verify_password(user.password_hash, password):
        raise DomainError("That password didn't match. Enter your own password.", field=field)


def allowed_decisions(tier: str) -> dict[str, str]:
    """Decisions offered for a tier: 'conjoint work is appropriate' only for none or concern."""
    if tier in ("none", "concern"):
        return dict(DECISIONS)
    return {key: label for key, label in DECISIONS.items() if key != "conjoint_appropriate"}


def decision_tier(couple: Couple, found: SafetyScreen) -> str:
    """The tier a decision must fit: this screen's, or higher when the other partner's latest is higher."""
    return max((found.tier or "none", current_tier(couple)), key=screen.tier_rank)


def record_decision(couple: Couple, found: SafetyScreen, data: dict, by) -> SafetyDecision:
    """Add a signed decision to the screen's history. `data`: decision, note, override_reason, attest,
    password. Refuses (DomainError with field) an unanswered screen, an option that doesn't fit the tier,
    a conjoint option after a severe screen without a written reason, a missing attestation or a wrong
    password. An override is audited as its own action."""
    if not found.is_answered:
        raise DomainError("This screen has not been answered yet.", field="decision")
    tier, decision, reason = decision_tier(couple, found), data.get("decision"), (data.get("override_reason") or "")
    if decision not in allowed_decisions(tier):
        raise DomainError(
            "“Conjoint work is appropriate” is only for a screen with no or minor concern. Choose another option.",
            field="decision",
        )
    override = tier == "severe" and decision in CONJOINT_DECISIONS
    if override and not reason.strip():
        raise DomainError("After a severe screen, conjoint work needs your written reason.", field="override_reason")
    if not data.get("attest"):
        raise DomainError("Confirm the statement to sign this decision.", field="attest")
    check_password(by, data.get("password"))
    made = SafetyDecision(
        couple_id=couple.id,
        screen_id=found.id,
        decision=decision,
        tier=tier,
        note=data.get("note") or "",
        override_reason=reason.strip() if override else "",
        is_attested=True,
        decided_by_id=by.id,
        decided_at=utcnow(),
    )
    db.session.add(made)
    db.session.flush()
    record("safety_decision.recorded", made)
    if override:
        record("safety_decision.severe_override", made)
    db.session.expire(found, ["decisions"])
    return made


def follow_up_for(found: SafetyScreen) -> SafetyFollowUp | None:
    return db.session.scalar(select(SafetyFollowUp).where(SafetyFollowUp.screen_id == found.id))


def save_follow_up(found: SafetyScreen, seen_version: int | None, answers: dict, notes: str, by) -> SafetyFollowUp:
    """Create or update the private follow-up checklist; a stale version raises EditConflict."""
    if not found.is_positive:
        raise DomainError("A follow-up is only opened by a positive or severe screen.")
    current = follow_up_for(found)
    if current is None:
        if seen_version not in (None, 0):
            raise EditConflict()
        current = SafetyFollowUp(
            couple_id=found.couple_id, screen_id=found.id, version=0, answers={}, notes="", updated_by_id=by.id
        )
        db.session.add(current)
        seen_version = 0
    current.claim_version(seen_version)
    current.answers, current.notes = dict(answers), notes or ""
    current.updated_by_id, current.updated_at = by.id, utcnow()
    db.session.flush()
    record("safety_follow_up.saved", current)
    return current


def screen_status(couple: Couple, screens: list[SafetyScreen]) -> dict[int, dict]:
    """Per partner id: whether a screen was ever sent, is waiting, and the latest answered one."""
    latest = latest_answered(screens)
    return {
        partner.id: {
            "sent": any(s.partner_id == partner.id for s in screens),
            "waiting": any(s.partner_id == partner.id and not s.is_answered for s in screens),
            "latest": latest.get(partner.id),
        }
        for partner in couple.partners
    }
