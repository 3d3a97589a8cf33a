"""Security notices by email: after any change of password or second factor, the account's owner is
told at their own address (so a change they didn't make doesn't go unnoticed)."""

from clinic.auth.models import User
from clinic.db import utcnow
from clinic.mail import services as mail
from clinic.mail.links import external_url
from clinic.templating import format_datetime

SECOND_FACTOR_CHANGES = {
    "enabled": "an authenticator app was set up",
    "removed": "the authenticator app was switched off",
    "reset": "an administrator reset it",
}


def client_name(user: User) -> str | None:
    """A partner's name for the greeting (mail.send uses the first name only if the practice allows it)."""
    return user.name if user.role == "client" else None


def password_changed(user: User) -> None:
    mail.send(
        "password_changed",
        user.email,
        partner_name=client_name(user),
        when=format_datetime(utcnow()),
        link=external_url("auth.login"),
    )


def second_factor_changed(user: User, change: str) -> None:
    mail.send(
        "second_factor_changed",
        user.email,
        partner_name=client_name(user),
        change=SECOND_FACTOR_CHANGES[change],
        when=format_datetime(utcnow()),
        link=external_url("auth.login"),
    )
