"""Supervision pages. A supervisor reads their active supervisees' couples and progress notes (every
read audited) and co-signs or asks for changes; the associate reopens or resubmits their note; an
administrator links associates to supervisors. Anything not yours answers 404."""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from clinic.audit.services import record
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.security import admin_required
from clinic.sessions.note_forms import display_pairs
from clinic.supervision import services
from clinic.supervision.forms import ChangesForm, CosignForm, LinkForm

bp = Blueprint("supervision", __name__)


def therapist_only(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "therapist":
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/supervision/")
@therapist_only
def home():
    return render_template(
        "supervision/home.html",
        waiting=services.waiting_for(current_user),
        supervisees=services.supervisees(current_user),
        mine=services.open_for_associate(current_user),
        my_link=services.active_link_for(current_user.id),
    )


@bp.get("/supervision/associates/<int:associate_id>")
@therapist_only
def supervisee(associate_id: int):
    associate = services.get_supervisee_for(current_user, associate_id)
    couples = list(db.session.scalars(services.supervisee_caseload_query(associate).limit(500)))
    record("supervision.caseload_viewed", record_type="user", record_id=associate.id)
    return render_template("supervision/supervisee.html", associate=associate, couples=couples)


@bp.get("/supervision/couples/<int:couple_id>")
@therapist_only
def couple(couple_id: int):
    found = services.get_supervised_couple(current_user, couple_id)
    record("couple.viewed", found, couple_id=found.id)
    sessions = services.supervised_sessions(found)
    return render_template("supervision/couple.html", couple=found, sessions=sessions)


@bp.get("/supervision/notes/<int:note_id>")
@therapist_only
def note(note_id: int):
    return _note_page(services.get_supervised_note(current_user, note_id))


def _note_page(note, cosign_form=None, changes_form=None, status=200, refused: str | None = None):
    record("progress_note.viewed", note)
    ts = note.therapy_session
    cosignature = services.cosignature_of(note)
    transferred = cosignature is not None and services.is_transferred(cosignature)
    return render_template(
        "supervision/note.html",
        note=note,
        ts=ts,
        couple=ts.couple,
        pairs=display_pairs(note.template, note.answers, ts.couple),
        cosignature=cosignature,
        transferred=transferred,
        couple_readable=not transferred or ts.couple.therapist_id in services.supervisee_ids(current_user),
        cosign_form=cosign_form or CosignForm(formdata=None),
        changes_form=changes_form or ChangesForm(formdata=None),
        refused=refused,
    ), status


@bp.post("/supervision/notes/<int:note_id>/cosign")
@therapist_only
def cosign(note_id: int):
    note = services.get_supervised_note(current_user, note_id)
    cosignature = services.cosignature_of(note, lock=True) or abort(404)
    form = CosignForm()
    if form.validate_on_submit():
        try:
            services.cosign(cosignature, current_user, form.password.data, form.attest.data)
        except DomainError as error:
            db.session.commit()  # the refusal's audit event
            if not error.problems:
                return _note_page(note, status=422, refused=error.message)
            attach_error(form, error)
        else:
            db.session.commit()
            flash(f"Session {note.therapy_session.number} note co-signed.", "success")
            return redirect(url_for("supervision.home"))
    return _note_page(note, cosign_form=form, status=422)


@bp.post("/supervision/notes/<int:note_id>/changes")
@therapist_only
def request_changes(note_id: int):
    note = services.get_supervised_note(current_user, note_id)
    cosignature = services.cosignature_of(note, lock=True) or abort(404)
    form = ChangesForm()
    if form.validate_on_submit():
        try:
            services.request_changes(cosignature, current_user, form.comments.data)
        except DomainError as error:
            db.session.rollback()
            if error.field != "comments":
                return _note_page(note, status=422, refused=error.message)
            attach_error(form, error)
        else:
            db.session.commit()
            flash(f"Changes requested on the session {note.therapy_session.number} note.", "success")
            return redirect(url_for("supervision.home"))
    return _note_page(note, changes_form=form, status=422)


@bp.post("/supervision/my-notes/<int:note_id>/reopen")
@therapist_only
def reopen(note_id: int):
    cosignature = services.get_own_cosignature(current_user, note_id)
    return _associate_step(
        cosignature, services.reopen, "The note is open again: revise it, then sign it.", "sessions.edit_note"
    )


@bp.post("/supervision/my-notes/<int:note_id>/resubmit")
@therapist_only
def resubmit(note_id: int):
    cosignature = services.get_own_cosignature(current_user, note_id)
    return _associate_step(
        cosignature, services.resubmit, "Sent back to your supervisor for co-signature.", "sessions.therapy_session"
    )


def _associate_step(cosignature, step, message: str, target: str):
    ts_id = cosignature.note.therapy_session_id
    try:
        step(cosignature, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("sessions.therapy_session", therapy_session_id=ts_id))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(target, therapy_session_id=ts_id))


@bp.route("/admin/supervision", methods=["GET", "POST"])
@admin_required
def links():
    form = LinkForm()
    form.associate.choices = form.supervisor.choices = {"": "Choose…", **services.therapist_choices()}
    if form.validate_on_submit():
        try:
            made = services.link(int(form.associate.data), int(form.supervisor.data), current_user)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(f"{made.supervisor.name} now supervises {made.associate.name}.", "success")
            return redirect(url_for("supervision.links"))
    page = db.paginate(services.links_query(), per_page=50, error_out=False)
    status = 422 if form.errors else 200
    return render_template("supervision/links.html", form=form, page=page), status


@bp.post("/admin/supervision/<int:link_id>/end")
@admin_required
def end_link(link_id: int):
    made = services.get_link(link_id)
    try:
        services.end_link(made, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"{made.supervisor.name} no longer supervises {made.associate.name}.", "success")
    return redirect(url_for("supervision.links"))
