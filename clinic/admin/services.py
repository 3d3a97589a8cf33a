"""Practice settings and staff administration. Changes flush; the view commits."""

from flask import abort
from sqlalchemy import select

from clinic.audit.services import record
from clinic.auth.models import User
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.settings import PracticeSettings

SETTING_FIELDS = (
    "practice_name",
    "contact_line",
    "time_zone",
    "paper_size",
    "idle_timeout_minutes",
    "crisis_resources",
    "require_totp",
    "quick_exit_url",
    "rescreen_days",
    "screen_before_conjoint",
    "mail_first_name",
)


def update_settings(settings: PracticeSettings, seen_version: int | None, data: dict) -> None:
    settings.claim_version(seen_version)
    for key in SETTING_FIELDS:
        if key == "rescreen_days" and data.get(key) is None:
            continue  # left empty: keep the current interval
        setattr(settings, key, data[key])
    record("practice_settings.updated", settings)


def staff_query():
    return select(User).where(User.role.in_(("therapist", "admin"))).order_by(User.name)


def get_staff_member(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role not in ("therapist", "admin"):
        abort(404)
    return user


def people_for_audit_filter(include_clients: bool = True) -> dict[str, str]:
    """Choices for the audit trail's "Person" filter: everyone with an account (staff only when client
    names are hidden), by role then name."""
    query = select(User.id, User.name, User.role).order_by(User.role, User.name)
    if not include_clients:
        query = query.where(User.role != "client")
    people = db.session.execute(query)
    return {str(person.id): f"{person.name} ({person.role})" for person in people}


def set_admin_rights(user: User, granted: bool, by: User) -> None:
    if user.id == by.id and not granted:
        raise DomainError("You can't remove your own admin rights; ask another admin.")
    user.is_admin = granted
    record("user.admin_granted" if granted else "user.admin_removed", user)


# What each staff action does, said before (on its confirmation page) and after (as the result message).
STAFF_ACTIONS = {
    "grant_admin": (
        "Give admin rights to {name}?",
        "{name} will be able to add and deactivate staff, change the practice settings and read the audit "
        "trail. They still see only their own couples.",
        "{name} now has admin rights.",
    ),
    "remove_admin": (
        "Remove admin rights from {name}?",
        "{name} will no longer manage staff, settings or the audit trail. Their own couples and notes are "
        "not affected.",
        "{name} no longer has admin rights.",
    ),
    "deactivate": (
        "Deactivate {name}?",
        "{name} is signed out on every device at once and can't sign in again. Nothing is deleted: their "
        "couples, notes and the audit trail stay as they are, and you can reactivate the account later.",
        "{name}'s account is deactivated and every session they had is ended. Nothing was deleted.",
    ),
    "reactivate": (
        "Reactivate {name}?",
        "{name} will be able to sign in again with their existing password and second factor.",
        "{name}'s account is active again; they can sign in.",
    ),
    "end_sessions": (
        "Sign {name} out everywhere?",
        "Every browser and device where {name} is signed in is signed out at once. Their account stays "
        "active: they can sign in again straight away.",
        "{name} is signed out on every device.",
    ),
}


def describe_staff_action(action: str, user) -> dict[str, str]:
    """The confirmation page's title and explanation, and the result message, for `action` on `user`."""
    keys = ("title", "explanation", "result")
    return {key: text.format(name=user.name) for key, text in zip(keys, STAFF_ACTIONS[action], strict=True)}
