"""The partner's appointments: the upcoming ones they may see (conjoint, or individual with them), and each
as a calendar file. Another partner's individual appointment is 404, as if it didn't exist."""

from flask import Blueprint, render_template
from flask_login import current_user

from clinic.appointments import calendar, services
from clinic.audit.services import record
from clinic.couples.services import partner_for_client
from clinic.db import utcnow
from clinic.security import client_required

bp = Blueprint("appointments_portal", __name__, url_prefix="/portal/appointments")


@bp.get("/")
@client_required
def upcoming():
    partner = partner_for_client(current_user)
    upcoming = services.upcoming_for_partner(partner, utcnow())
    return render_template("appointments/portal_list.html", partner=partner, upcoming=upcoming)


@bp.get("/<int:appointment_id>/calendar.ics")
@client_required
def download_ics(appointment_id: int):
    partner = partner_for_client(current_user)
    found = services.get_appointment_for_partner(partner, appointment_id)
    record("appointment.downloaded", found)
    body = calendar.for_partner(found, found.couple.therapist.name)
    return calendar.ics_response(body, f"session-{found.id}.ics")


def next_for_today(partner):
    """For the Today page: this partner's next appointment, or None."""
    return services.next_for_partner(partner, utcnow())
