from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    FetchedValue,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.db import TimestampMixin, UTCDateTime, one_of, utcnow
from clinic.extensions import Model, db

ROLES = ("therapist", "admin", "client")
ACCOUNT_TOKEN_PURPOSES = ("reset", "welcome", "email_change")


class User(UserMixin, TimestampMixin, Model):
    """A person who signs in: a therapist, a client (one partner of a couple) or an admin.

    `session_version` is part of the login id stored in the cookie: bumping it (sign out everywhere,
    password change, deactivation) makes every earlier cookie of this user useless; `ended_sessions`
    lists the session ids signed out one device at a time.
    """

    __tablename__ = "user"
    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="role_known"),)
    # Server defaults (ended_sessions) are not read back after an insert: nothing needs them then.
    __mapper_args__ = {"eager_defaults": False}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Sessions signed out on their own device ("sign out" without "everywhere"): [sid, ended at (unix)]
    # pairs, kept only as long as such a session could otherwise still be valid.
    # Deferred and filled by the server default: loaded only where sessions are checked (see
    # auth.sessions.load_user), and left out of every other query and insert.
    ended_sessions: Mapped[list] = mapped_column(JSON, server_default="[]", deferred=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factor (TOTP); recovery codes live in their own table.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # The zone this person reads and types times in (an IANA name); None: the practice's zone (#15).
    # Left out of an insert that doesn't set it (FetchedValue: NULL, no DDL default), so code that adds
    # users on an older schema, as the migration tests do, keeps working.
    time_zone: Mapped[str | None] = mapped_column(String(60), server_default=FetchedValue())

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.is_active_account)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_staff(self) -> bool:
        return self.role in ("therapist", "admin")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


def find_user_by_email(email: str):
    return db.session.scalar(db.select(User).where(func.lower(User.email) == email.strip().lower()))


class PendingSubmission(Model):
    """Form data that arrived after the sender's session had timed out.

    Kept on the server for the same user and page so that nothing typed is lost: the page restores
    it after the user signs in again, then deletes it.
    """

    __tablename__ = "pending_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(500))
    form_data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(Model):
    """A one-time second-factor recovery code, stored as a SHA-256 digest (the codes are random)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInAddress(Model):
    """An address `user` fully signed in from (a keyed digest, not the address): see auth/addresses.py."""

    __tablename__ = "sign_in_address"
    __table_args__ = (UniqueConstraint("user_id", "address_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    address_digest: Mapped[str] = mapped_column(String(64))
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccountToken(Model):
    """A single-use emailed link: a password reset, a new staff member's set-your-password link, or the
    confirmation of a new email address. Only the token's SHA-256 is stored."""

    __tablename__ = "account_token"
    __table_args__ = (CheckConstraint(one_of("purpose", ACCOUNT_TOKEN_PURPOSES), name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and self.expires_at > now and self.user.is_active
