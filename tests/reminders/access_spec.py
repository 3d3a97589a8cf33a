"""Access declarations for reminders: every client sets their own choices (the unsubscribe link is public, signed)."""

from tests.access.matrix import CLIENTS, RouteSpec

SPECS = [
    RouteSpec("reminders.preferences", lambda w: "/portal/reminders", CLIENTS),
    RouteSpec(
        "reminders.preferences",
        lambda w: "/portal/reminders",
        CLIENTS,
        method="POST",
        data=lambda w: {"homework": "y", "send_hour": "18", "time_zone": "Europe/London"},
    ),
]
