"""Security notices by email: after any change of password or second factor, the account's owner is
told at their own address (so a change they didn't make doesn't go unnoticed)."""

from clinic.auth.models import User
from clinic.db import utcnow
from clinic.mail import services as mail
from clinic.mail.links import external_url
from clinic.templating import format_local_iso

SECOND_FACTOR_CHANGES = {
    "enabled": "an authenticator app was set up",
    "removed": "the authenticator app was switched off",
    "reset": "an administrator reset it",
}


def client_name(user: User) -> str | None:
    """A partner's name for the greeting (mail.send uses the first name only if the practice allows it)."""
    return user.name if user.role == "client" else None


def when_for(user: User) -> str:
    """Now, in the zone of the person the notice is for (theirs, else the practice's), zone named."""
    return format_local_iso(utcnow(), user.time_zone or "")


def password_changed(user: User) -> None:
    mail.send(
        "password_changed",
        user.email,
        partner_name=client_name(user),
        when=when_for(user),
        link=external_url("auth.login"),
    )


def second_factor_changed(user: User, change: str) -> None:
    mail.send(
        "second_factor_changed",
        user.email,
        partner_name=client_name(user),
        change=SECOND_FACTOR_CHANGES[change],
        when=when_for(user),
        link=external_url("auth.login"),
    )
