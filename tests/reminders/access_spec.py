"""Access declarations for reminders: a partner's own choices (the unsubscribe link is public, signed)."""

from tests.access.matrix import PARTNERS, RouteSpec

SPECS = [
    RouteSpec("reminders.preferences", lambda w: "/portal/reminders", PARTNERS),
    RouteSpec(
        "reminders.preferences",
        lambda w: "/portal/reminders",
        PARTNERS,
        method="POST",
        data=lambda w: {"homework": "y", "send_hour": "18", "time_zone": "Europe/London"},
    ),
]
