"""Account operations. They change and flush; the view commits."""

from sqlalchemy import func, select

from clinic.audit.services import record
from clinic.auth import notices, totp
from clinic.auth.models import User, find_user_by_email
from clinic.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from clinic.auth.sessions import end_all_sessions, sign_in

__all__ = ["end_all_sessions", "sign_in"]  # session primitives other domains call as services (admin, couples)
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.settings import is_listed_zone

LOGIN_FAILED = "That email and password don't match an account. Check both and try again."


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password, or DomainError with one message for every failure.

    Unknown email, wrong password and a deactivated account all answer the same, in the same time.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        verify_password(None, password)
        record("auth.login_failed", record_type="user", outcome="denied")
        raise DomainError(LOGIN_FAILED)
    if not verify_password(user.password_hash, password):
        record("auth.login_failed", user, outcome="denied", actor=user)
        raise DomainError(LOGIN_FAILED)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def check_password(user: User, password: str) -> bool:
    """Re-authentication: the signed-in user's password, recorded when wrong."""
    if verify_password(user.password_hash, password):
        return True
    record("auth.reauth_failed", user, outcome="denied")
    return False


def set_password(user: User, password: str) -> None:
    problem = password_problem(password, email=user.email, name=user.name)
    if problem:
        raise DomainError(problem, field="new_password")
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


def change_password(user: User, current: str, new: str, code: str | None = None) -> None:
    """Change the password after checking the current one (and a second-factor code when the user
    has one); every other session of the user ends."""
    if not verify_password(user.password_hash, current):
        raise DomainError("That is not your current password.", field="current_password")
    if user.totp_enabled_at and not totp.check_code(user, code or ""):
        raise DomainError("Enter a current code from your authenticator app.", field="code")
    set_password(user, new)
    end_all_sessions(user)
    record("auth.password_changed", user)
    notices.password_changed(user)


def create_user(*, email: str, name: str, role: str, password: str | None = None, is_admin=False) -> User:
    email = email.strip().lower()
    if find_user_by_email(email) is not None:
        raise DomainError("An account with this email already exists.", field="email")
    user = User(email=email, name=name.strip(), role=role, is_admin=is_admin)
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    record("user.created", user)
    return user


def deactivate_user(user: User) -> None:
    """Switch the account off and end all of its sessions at once."""
    user.is_active_account = False
    end_all_sessions(user)
    record("user.deactivated", user)


def reactivate_user(user: User) -> None:
    user.is_active_account = True
    record("user.reactivated", user)


def reset_second_factor(user: User, by: User) -> None:
    """An admin removes a staff member's lost second factor and ends their sessions; not one's own."""
    if user.id == by.id:
        raise DomainError("Ask another admin to reset your own second factor.")
    totp.remove(user, action="user.second_factor_reset")
    end_all_sessions(user)


def likely_zones(at_least: int = 2) -> list[str]:
    """Zones chosen by at least `at_least` active users, most used first (one GROUP BY query): with the
    practice's own zone, the "Likely for this practice" group of the time-zone selects."""
    count = func.count(User.id)
    rows = db.session.execute(
        select(User.time_zone)
        .where(User.is_active_account.is_(True), User.time_zone.is_not(None))
        .group_by(User.time_zone)
        .having(count >= at_least)
        .order_by(count.desc(), User.time_zone)
    )
    return [name for (name,) in rows if name]


def change_time_zone(user: User, name: str | None) -> bool:
    """Set the zone `user` reads and types times in (None or "": the practice's). Unknown names are
    refused next to the field. Audited when it changes; returns whether it did."""
    name = name or None
    if name is not None and not is_listed_zone(name):
        raise DomainError(problems={"time_zone": "Choose a time zone from the list."})
    if user.time_zone == name:
        return False
    user.time_zone = name
    record("auth.time_zone_changed", user)
    db.session.flush()
    return True
