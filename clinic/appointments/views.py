"""The therapist's appointment pages: a couple's appointments and booking, one appointment and what can
be done to it, and the calendar downloads. The schedule and the feed are in `schedule`; partners' pages
in `portal`. Rules live in `services` and `changes`; each view commits once."""

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from clinic.appointments import calendar, changes, services
from clinic.appointments.forms import BookingForm, CancelForm, MoveForm
from clinic.appointments.recurrence import describe, to_local
from clinic.audit.services import record
from clinic.core import once
from clinic.couples.services import get_couple_for
from clinic.db import utcnow
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.settings import viewer_zone

bp = Blueprint("appointments", __name__)


def when(value) -> str:
    """Template filter: date and time in the viewer's zone, the zone named."""
    return describe(value, viewer_zone()) if value is not None else "—"


def clock(value) -> str:
    return describe(value, viewer_zone(), with_date=False) if value is not None else "—"


def therapist_only(view):
    """Signed-in therapists pass; everyone else gets 404, as for a record that doesn't exist."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "therapist":
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/couples/<int:couple_id>/appointments", methods=["GET", "POST"])
@therapist_only
def couple_appointments(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = BookingForm(couple=couple)
    if form.validate_on_submit():
        if done := once.already_done(form.form_token.data, current_user):
            return redirect(done)
        try:
            made = services.book(couple, form.data_for_booking(), current_user)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            target = url_for("appointments.couple_appointments", couple_id=couple.id)
            once.claim(form.form_token.data, current_user, target)
            db.session.commit()
            flash(f"{len(made)} appointment{'s' if len(made) != 1 else ''} booked.", "success")
            return redirect(target)
    page = db.paginate(services.couple_query(couple), per_page=current_app.config["PER_PAGE"], error_out=False)
    status = 422 if form.errors or getattr(form, "form_message", None) else 200
    return render_template("appointments/couple.html", couple=couple, form=form, page=page), status


@bp.get("/appointments/<int:appointment_id>")
@therapist_only
def appointment(appointment_id: int):
    found = services.get_appointment_for(current_user, appointment_id)
    record("appointment.viewed", found)
    return _page(found, _move_form(found), CancelForm(formdata=None, late=changes.is_late(found, utcnow())))


def _move_form(found) -> MoveForm:
    local = to_local(found.starts_at, viewer_zone())
    data = {
        "starts_on": local.date(),
        "start_time": local.time(),
        "minutes": found.minutes,
        "format": found.format,
        "location": found.location,
        "video_link": found.video_link,
        "note_for_partners": found.note_for_partners,
        "version": found.version,
        "scope": "this",
    }
    return MoveForm(formdata=None, data=data)


def _page(found, move_form, cancel_form, status=200):
    now = utcnow()
    return (
        render_template(
            "appointments/appointment.html",
            appointment=found,
            couple=found.couple,
            move_form=move_form,
            cancel_form=cancel_form,
            has_started=found.has_started(now),
        ),
        status,
    )


@bp.post("/appointments/<int:appointment_id>/move")
@therapist_only
def move(appointment_id: int):
    found = services.get_appointment_for(current_user, appointment_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            moved = changes.move(found, form.booking(), form.scope.data, form.version.data)
        except (EditConflict, StaleDataError):
            db.session.rollback()
            form.form_message = "Someone changed this appointment after you opened it. Check the times and save again."
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(f"{len(moved)} appointment{'s' if len(moved) != 1 else ''} changed.", "success")
            return redirect(url_for("appointments.appointment", appointment_id=found.id))
    found = services.get_appointment_for(current_user, appointment_id)
    return _page(found, form, CancelForm(formdata=None), status=422)


@bp.post("/appointments/<int:appointment_id>/cancel")
@therapist_only
def cancel(appointment_id: int):
    found = services.get_appointment_for(current_user, appointment_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            changes.cancel(found, form.by_whom.data, form.reason.data or "", bool(form.late.data))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Appointment marked " + found.status_label.lower() + ".", "success")
            return redirect(url_for("appointments.appointment", appointment_id=found.id))
    found = services.get_appointment_for(current_user, appointment_id)
    return _page(found, _move_form(found), form, status=422)


@bp.post("/appointments/<int:appointment_id>/no-show")
@therapist_only
def no_show(appointment_id: int):
    found = services.get_appointment_for(current_user, appointment_id)
    return _act(found, lambda: changes.mark_no_show(found), "Marked as a no-show.")


@bp.post("/appointments/<int:appointment_id>/start")
@therapist_only
def start_session(appointment_id: int):
    """One click: the session is recorded from the appointment and its draft note opens."""
    found = services.get_appointment_for(current_user, appointment_id)
    try:
        therapy_session = changes.start_session(found, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("appointments.appointment", appointment_id=appointment_id))
    db.session.commit()
    flash(f"Session {therapy_session.number} recorded. Its progress note is open as a draft.", "success")
    return redirect(url_for("sessions.edit_note", therapy_session_id=therapy_session.id))


def _act(found, action, message: str):
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("appointments.appointment", appointment_id=found.id))


@bp.get("/appointments/<int:appointment_id>/calendar.ics")
@therapist_only
def download_ics(appointment_id: int):
    found = services.get_appointment_for(current_user, appointment_id)
    record("appointment.downloaded", found)
    return calendar.ics_response(calendar.for_therapist(found), f"appointment-{found.id}.ics")
