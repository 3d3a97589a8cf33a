"""Emailed single-use links for accounts: password reset (1 hour), a new staff member's set-your-password
link, and the confirmation of a new email address. Tokens are stored as SHA-256 only; using one ends
every session of the account and sends a notice."""

import hashlib
import secrets
from datetime import timedelta

from clinic.audit.services import record
from clinic.auth import notices
from clinic.auth.models import AccountToken, User, find_user_by_email
from clinic.auth.services import set_password
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.mail import services as mail
from clinic.mail.links import external_url
from clinic.registry import email_changed

RESET_MINUTES = 60
WELCOME_HOURS = 72
EMAIL_CHANGE_HOURS = 24


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, purpose: str, lifetime: timedelta, new_email: str | None = None) -> str:
    """A new token for `user` and `purpose`; earlier unused ones of the same purpose stop working."""
    now = utcnow()
    for old in db.session.scalars(
        db.select(AccountToken).where(
            AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None)
        )
    ):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user_id=user.id, purpose=purpose, token_hash=_digest(token), new_email=new_email, expires_at=now + lifetime
        )
    )
    db.session.flush()
    return token


def find_usable(token: str, purposes: tuple[str, ...]) -> AccountToken | None:
    """The token's row if it exists, has one of `purposes` and can still be used; otherwise None."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(db.select(AccountToken).where(AccountToken.token_hash == _digest(token)))
    if row is None or row.purpose not in purposes or not row.is_usable(utcnow()):
        return None
    return row


def request_reset(email: str) -> None:
    """Email a reset link if an active account uses `email`; otherwise do nothing (the caller answers the
    same either way)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = issue(user, "reset", timedelta(minutes=RESET_MINUTES))
    mail.send(
        "password_reset",
        user.email,
        partner_name=notices.client_name(user),
        link=external_url("recovery.set_password", token=token),
        minutes=60,
    )
    record("auth.password_reset_requested", user, actor=user)


def send_welcome(user: User) -> None:
    """A new staff member's set-your-password email (they have no password until they use it)."""
    token = issue(user, "welcome", timedelta(hours=WELCOME_HOURS))
    link = external_url("recovery.set_password", token=token)
    mail.send("staff_welcome", user.email, name=user.name, link=link, hours=WELCOME_HOURS)
    record("user.welcome_sent", user)


def use_password_token(row: AccountToken, password: str) -> User:
    """Set the password from a reset or welcome link: single use, every session ends, a notice is sent.

    Raises DomainError (field `new_password`) for a password that isn't good enough; nothing changes then.
    """
    user = row.user
    set_password(user, password)
    row.used_at = utcnow()
    user.session_version += 1
    user.totp_pending_secret = None
    record("auth.password_reset" if row.purpose == "reset" else "auth.password_set", user, actor=user)
    notices.password_changed(user)
    return user


def request_email_change(user: User, new_email: str) -> None:
    """Send a confirmation link to `new_email` and a notice to the current address; nothing changes yet."""
    new_email = new_email.strip().lower()
    if new_email == user.email:
        raise DomainError("That is already your sign-in address.", "new_email")
    if find_user_by_email(new_email) is not None:
        # The same answer as success would reveal nothing, but the owner must know it can't work.
        raise DomainError("That address can't be used for this account. Choose another one.", "new_email")
    token = issue(user, "email_change", timedelta(hours=EMAIL_CHANGE_HOURS), new_email=new_email)
    link = external_url("recovery.confirm_email", token=token)
    mail.send(
        "email_change_confirm", new_email, partner_name=notices.client_name(user), link=link, hours=EMAIL_CHANGE_HOURS
    )
    mail.send("email_change_notice", user.email, when=notices.when_for(user), link=external_url("auth.login"))
    record("user.email_change_requested", user)


def confirm_email_change(row: AccountToken) -> User:
    """Switch the account to the confirmed address (if still free); every session ends."""
    user, new_email = row.user, row.new_email or ""
    if find_user_by_email(new_email) is not None:
        raise DomainError("That address is now used by another account, so it can't be switched.")
    user.email = new_email
    user.session_version += 1
    row.used_at = utcnow()
    email_changed(user, new_email)
    record("user.email_changed", user, actor=user)
    return user
