"""What every template can use: the practice settings, navigation and a few formatting filters."""

from datetime import date, datetime

from flask import current_app, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from clinic.phones import phone_links
from clinic.security import has_role

# (label, endpoint) per role; an endpoint that a domain does not provide yet is simply left out.
NAVIGATION = {
    "therapist": [
        ("Caseload", "couples.caseload"),
        ("Schedule", "schedule.week"),
        ("Exercises", "homework.library"),
        ("Handouts", "handouts.library"),
        ("Measures", "measures.library"),
        ("Supervision", "supervision.home"),
    ],
    "client": [
        ("Today", "portal.today"),
        # Appointments and the plan are reached from Today (the phone header stays on one row).
        ("Homework", "homework_portal.list"),
        ("Handouts", "handouts_portal.index"),
        ("Questionnaires", "measures_portal.list"),
    ],
    "admin": [
        ("Staff", "admin.staff"),
        ("Practice settings", "admin.settings"),
        ("Audit", "admin.audit_trail"),
        ("Outbox", "mail.outbox_list"),
    ],
}
NAVIGATION["admin"].append(("Consent documents", "consent.documents"))


NAVIGATION["admin"] += [("Supervisors", "supervision.links"), ("Transfers", "supervision.transfers")]


def url_if(endpoint: str, **values) -> str | None:
    """url_for, or None when the endpoint is not registered (lets a page link to optional sections)."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def navigation() -> list[tuple[str, str, str]]:
    """(label, url, endpoint) items for the signed-in user's main navigation."""
    if not current_user.is_authenticated:
        return []
    items = list(NAVIGATION.get(current_user.role, []))
    if current_user.role == "therapist" and has_role(current_user, "admin"):
        items += NAVIGATION["admin"]
    return [(label, url, endpoint) for label, endpoint in items if (url := url_if(endpoint))]


def format_date(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(_zone()).date()
    return f"{value:%a %-d %b %Y}" if isinstance(value, date) else str(value)


def format_datetime(value) -> str:
    if value is None:
        return "—"
    return f"{value.astimezone(_zone()):%-d %b %Y, %H:%M}"


def format_local_iso(value, zone_name: str | None = None) -> str:
    """An ISO timestamp (as the record export stores them, in UTC) in the viewer's zone, zone named:
    "2 Mar 2026, 10:00 EST (America/New_York)". Used by the record PDF. `zone_name`: another person's
    zone instead (an email to them), the practice's when empty or unknown."""
    if not value:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    zone = _zone() if zone_name is None else _named_zone(zone_name)
    local = moment.astimezone(zone)
    return f"{local:%-d %b %Y, %H:%M} {local.tzname()} ({zone.key})"


def _zone():
    from clinic.settings import viewer_zone

    return viewer_zone()


def _named_zone(name: str):
    from clinic.settings import practice_zone, zone_or_none

    return zone_or_none(name) or practice_zone()


def zone_name() -> str:
    """The viewer's zone as a name for "Times in …" lines, e.g. "Europe/London"."""
    return _zone().key


def printed_at(moment: datetime | None = None) -> str:
    """When a document was printed, local to the viewer with the zone named:
    "Printed 6 Dec 2026, 14:05 GMT (Europe/London)"."""
    from datetime import UTC

    return "Printed " + format_local_iso(moment or datetime.now(UTC))


def register(app) -> None:
    app.add_template_global(url_if)
    app.add_template_global(navigation)
    app.add_template_global(zone_name, "viewer_zone_name")
    app.add_template_global(printed_at)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_local_iso, "local_time")
    app.add_template_filter(phone_links, "phone_links")

    @app.context_processor
    def practice_context():
        return {"practice": practice_for_templates}


def practice_for_templates():
    """The practice settings, or their defaults when the database can't be read (error pages)."""
    from clinic.extensions import db
    from clinic.settings import PracticeSettings, get_practice_settings

    try:
        return get_practice_settings()
    except Exception:  # noqa: BLE001 - an error page must render even when the database is down
        db.session.rollback()
        return PracticeSettings(
            practice_name="clinic", contact_line="", quick_exit_url="https://www.weather.gov/", version=1
        )
