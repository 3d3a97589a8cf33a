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

EMAIL_IN_USE = (
    "This email address already has an account here, so this link can't make another one. Sign in with "
    "your existing account, or ask your therapist to invite you with a different email address."
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(partner: Partner, by: User) -> str:
    """Issue a new link for `partner` and return its token (shown once, never stored).

    Earlier unused links for the same partner stop working. An address that another account already
    uses gets the same answer as a new one: the therapist must not learn that someone elsewhere (another
    practice's client) holds it. The clash is settled at the link, by the person who holds the address.
    """
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
    return token


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
    if invitation is None or not invitation.is_usable(utcnow()):
        return None
    return invitation


def accept(invitation: Invitation, password: str) -> User:
    """Create (or, for a re-issued link, update) the partner's client account and use up the link."""
    partner = invitation.partner
    user = partner.user
    owner = find_user_by_email(partner.email)
    if owner is not None and owner is not user:
        # Told only to whoever holds the link (the address's owner), never to the inviting therapist.
        raise DomainError(EMAIL_IN_USE, "new_password")
    if user is None:
        user = User(email=partner.email.lower(), name=partner.name, role="client")
        set_password(user, password)
        db.session.add(user)
        db.session.flush()
        partner.user_id = user.id
    else:
        set_password(user, password)
        user.session_version += 1
    invitation.used_at = utcnow()
    record("invitation.accepted", invitation, couple_id=partner.couple_id, actor=user)
    return user


def invite_state(partner: Partner) -> str:
    if partner.user_id and partner.user is not None and partner.user.is_active:
        return "joined"
    return "invited" if pending_for(partner) else "not_invited"
