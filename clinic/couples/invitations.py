"""One-time invitation links: unguessable, stored hashed, single use, valid for a set number of days."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app

from clinic.audit.services import record
from clinic.auth.models import User, find_user_by_email
from clinic.auth.services import set_password
from clinic.couples.models import Invitation, Partner
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.mail import services as mail
from clinic.mail.links import external_url

ALREADY_JOINED = (
    "{name} has already joined, so no new invitation can be made. If they can't sign in, they can choose a "
    "new password with “Forgot your password?” on the sign-in page."
)

EMAIL_IN_USE = (
    "This email address already has an account here, so this link can't make another one. Sign in with "
    "your existing account, or ask your therapist to invite you with a different email address."
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(partner: Partner, by: User, *, email: bool = False) -> str:
    """Issue a new link for `partner` and return its token (shown once, never stored); with `email`, also
    queue the invitation email (sent when the caller commits).

    Earlier unused links for the same partner stop working. A partner who already has an account is
    refused: a new link would let its holder set that account's password (account recovery is the
    password-reset email, which goes to the partner's own address). An address that another account
    already uses gets the same answer as a new one: the therapist must not learn that someone elsewhere
    (another practice's client) holds it. The clash is settled at the link, by the person who holds the
    address.
    """
    if partner.user_id is not None:
        raise DomainError(ALREADY_JOINED.format(name=partner.name), "email")
    if not partner.email:
        raise DomainError("Add an email address for this partner first: it becomes their sign-in.", "email")
    for old in pending_for(partner):
        old.is_revoked = True
    token = secrets.token_urlsafe(32)
    days = current_app.config["INVITE_VALID_DAYS"]
    invitation = Invitation(
        partner=partner, token_hash=_digest(token), created_by_id=by.id, expires_at=utcnow() + timedelta(days=days)
    )
    db.session.add(invitation)
    db.session.flush()
    record("invitation.created", invitation, couple_id=partner.couple_id)
    if email:
        mail.send("invitation", partner.email, partner_name=partner.name, link=link_for(token), valid_days=days)
        invitation.emailed_at = utcnow()
        record("invitation.emailed", invitation, couple_id=partner.couple_id)
    return token


def link_for(token: str) -> str:
    """The invitation's public address, from EXTERNAL_URL (never the request's Host header)."""
    return external_url("couples_portal.accept_invitation", token=token)


def pending_for(partner: Partner) -> list[Invitation]:
    return list(
        db.session.scalars(
            db.select(Invitation).where(
                Invitation.partner_id == partner.id, Invitation.used_at.is_(None), Invitation.is_revoked.is_(False)
            )
        )
    )


def find_usable(token: str) -> Invitation | None:
    """The invitation behind `token` if it can still be used; forged, used and expired links give None."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.token_hash == _digest(token)))
    if invitation is None or not invitation.is_usable(utcnow()) or invitation.partner.user_id is not None:
        return None
    return invitation


def note_opened(invitation: Invitation) -> None:
    """Remember the first time the link's page was shown (the therapist sees "link opened")."""
    if invitation.opened_at is None:
        invitation.opened_at = utcnow()


def accept(invitation: Invitation, password: str) -> User:
    """Create the partner's client account and use up the link (never for a partner who has one)."""
    partner = invitation.partner
    if partner.user_id is not None:
        raise DomainError(ALREADY_JOINED.format(name=partner.name))
    if find_user_by_email(partner.email) is not None:
        # Told only to whoever holds the link (the address's owner), never to the inviting therapist.
        raise DomainError(EMAIL_IN_USE, "new_password")
    user = User(email=partner.email.lower(), name=partner.name, role="client")
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    partner.user_id = user.id
    invitation.used_at = utcnow()
    record("invitation.accepted", invitation, couple_id=partner.couple_id, actor=user)
    return user


def invite_state(partner: Partner) -> str:
    if partner.user_id and partner.user is not None and partner.user.is_active:
        return "joined"
    return "invited" if pending_for(partner) else "not_invited"


def latest(partner: Partner) -> Invitation | None:
    """The partner's newest invitation (for sent / opened / accepted on the overview)."""
    return db.session.scalar(
        db.select(Invitation).where(Invitation.partner_id == partner.id).order_by(Invitation.id.desc()).limit(1)
    )
