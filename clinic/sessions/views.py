"""Sessions & notes pages and the couple's course. Every route answers 404 to anyone but the couple's
treating therapist (partners must not even learn that a note exists), and process notes to anyone but
their author. Pages are built in `pages`; rules live in `services`; each view commits once."""

from functools import wraps

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from clinic.audit.services import record
from clinic.auth.sessions import take_pending_submission
from clinic.core import once
from clinic.couples.services import get_couple_for
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.sessions import pages, services
from clinic.sessions.course import compute_course, enactment_label, timeline_query
from clinic.sessions.forms import (
    AddendumForm,
    CycleMapForm,
    EnteredInErrorForm,
    ProcessNoteForm,
    SessionDetailsForm,
    SignForm,
    TherapySessionForm,
)
from clinic.sessions.models import CYCLE_STEPS, NoteLocked
from clinic.sessions.note_forms import note_form_class
from clinic.sessions.note_legacy import upgrade_answers
from clinic.templating import format_datetime

bp = Blueprint("sessions", __name__)
# A stale version seen by claim_version, or a concurrent save that won the race at UPDATE time.
STALE = (EditConflict, StaleDataError)


def therapist_only(view):
    """Signed-in therapists pass; everyone else gets 404, exactly as for a record that doesn't exist."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "therapist":
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _kept(*paths: str) -> dict | None:
    """Text kept from a post that met an expired sign-in, for the first of `paths` that has some."""
    return take_pending_submission(current_user, *paths) if paths else None  # one query for all paths


@bp.route("/couples/<int:couple_id>/sessions", methods=["GET", "POST"])
@therapist_only
def couple_sessions(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = TherapySessionForm(
        couple=couple, data=None if request.method == "POST" else pages.new_session_defaults(couple)
    )
    if form.validate_on_submit():
        if done := once.already_done(form.form_token.data, current_user):
            return redirect(done)
        try:
            data = {**form.data, "starts_at": pages.to_utc(form.starts_at.data)}
            therapy_session = services.record_session(couple, data, current_user)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            target = url_for("sessions.edit_note", therapy_session_id=therapy_session.id)
            once.claim(form.form_token.data, current_user, target)
            db.session.commit()
            flash(f"Session {therapy_session.number} recorded. Its progress note is open as a draft.", "success")
            return redirect(target)
    page = db.paginate(services.sessions_query(couple), per_page=current_app.config["PER_PAGE"], error_out=False)
    record("therapy_session.list_viewed", record_type="couple", record_id=couple.id, couple_id=couple.id)
    db.session.commit()
    status = 422 if form.errors else 200
    return render_template("sessions/couple_sessions.html", couple=couple, form=form, page=page), status


@bp.get("/sessions/<int:therapy_session_id>")
@therapist_only
def therapy_session(therapy_session_id: int):
    therapy_session, note = services.get_note_for(current_user, therapy_session_id)
    record("therapy_session.viewed", therapy_session)
    record("progress_note.viewed", note)
    if (mine := services.get_process_note(therapy_session, current_user)) is not None:
        record("process_note.viewed", mine, couple_id=therapy_session.couple_id)
    pending = _kept(request.path + "/addenda", request.path)
    if pending:
        db.session.commit()  # the kept text was taken (deleted); audit rows of a read are written after
    form = AddendumForm(formdata=pages.formdata(pending)) if pending else AddendumForm()
    return pages.session_page(therapy_session, form, restored=bool(pending), process_note=mine)


@bp.route("/sessions/<int:therapy_session_id>/note", methods=["GET", "POST"])
@therapist_only
def edit_note(therapy_session_id: int):
    therapy_session, note = services.get_note_for(current_user, therapy_session_id, addenda=False)
    if note.is_signed:
        return _signed_note_edit(therapy_session)
    form_class = note_form_class(note.template)
    if request.method == "POST":
        form = form_class(couple=therapy_session.couple)
        if not form.validate_on_submit():
            return pages.note_page(therapy_session, form, status=422)
        answers, missing = pages.resolved_answers(note, form)
        if missing:
            return pages.note_conflict(therapy_session, form, missing)
        try:
            services.save_draft(note, answers, form.version.data)
        except STALE:
            return pages.note_conflict(therapy_session, form)
        db.session.commit()
        flash(f"Draft saved at {format_datetime(note.updated_at)}.", "success")
        return redirect(url_for("sessions.edit_note", therapy_session_id=therapy_session.id))
    # The form may have been sent from this page or from the page a refused signing left it on.
    if pending := _kept(request.path, request.path + "/sign"):
        form = form_class(formdata=pages.formdata(pending), couple=therapy_session.couple)
    else:
        data = {**upgrade_answers(note.template, note.answers, therapy_session.couple), "version": note.version}
        form = form_class(formdata=None, data=data, couple=therapy_session.couple)
    record("progress_note.viewed", note)
    if pending:
        db.session.commit()  # the kept text was taken (deleted); audit rows of a read are written after
    return pages.note_page(therapy_session, form, restored=bool(pending))


def _signed_note_edit(therapy_session):
    """A signed note is never edited: a post is refused; text kept from a timed-out post is shown back."""
    if request.method == "POST":
        return pages.locked(therapy_session)
    pending = take_pending_submission(current_user, request.path)
    db.session.commit()
    if pending:
        return pages.locked(therapy_session, pages.formdata(pending))
    return redirect(url_for("sessions.therapy_session", therapy_session_id=therapy_session.id))


@bp.post("/sessions/<int:therapy_session_id>/note/autosave")
@therapist_only
def autosave_note(therapy_session_id: int):
    """The page script's autosave: same fields as the form, a JSON answer."""
    therapy_session, note = services.get_note_for(current_user, therapy_session_id)
    form = note_form_class(note.template)(couple=therapy_session.couple)
    if request.form.get("resolving"):  # a conflict is settled by the writer's choices, never by autosave
        return jsonify(error="conflict", message="Choose which version to keep, then press Save draft."), 409
    if not form.validate_on_submit():
        message = "Some fields need attention; use Save draft to see where."
        return jsonify(error="invalid", message=message, errors=form.errors), 422
    try:
        services.save_draft(note, form.answers(), form.version.data, autosave=True)
    except NoteLocked as error:
        db.session.rollback()
        return jsonify(error="locked", message=error.message), 409
    except STALE:
        db.session.rollback()
        message = (
            "This note was saved from another tab or device. Your text is still on this page and "
            "nothing was overwritten: press Save draft to compare both versions and choose what to keep."
        )
        return jsonify(error="conflict", message=message), 409
    db.session.commit()
    return jsonify(ok=True, version=note.version, saved_at=format_datetime(note.updated_at))


@bp.route("/sessions/<int:therapy_session_id>/note/sign", methods=["GET", "POST"])
@therapist_only
def sign_note(therapy_session_id: int):
    """Save what is on the page, then sign it; a refusal keeps the saved draft and marks every problem.

    GET (e.g. back here after signing in again) goes to the note page, which restores kept text.
    """
    therapy_session, note = services.get_note_for(current_user, therapy_session_id)
    if request.method == "GET":
        return redirect(url_for("sessions.edit_note", therapy_session_id=therapy_session.id))
    if note.is_signed:
        return pages.locked(therapy_session)
    form, sign_form = note_form_class(note.template)(couple=therapy_session.couple), SignForm()
    if not (form.validate_on_submit() & sign_form.validate()):
        return pages.note_page(therapy_session, form, sign_form, status=422)
    answers, missing = pages.resolved_answers(note, form)
    if missing:
        return pages.note_conflict(therapy_session, form, missing)
    try:
        services.save_draft(note, answers, form.version.data)
        services.sign_note(note, current_user, sign_form.password.data, sign_form.attest.data)
    except STALE:
        return pages.note_conflict(therapy_session, form)
    except DomainError as error:
        db.session.commit()  # the draft and the refused attempt are kept; nothing typed is lost
        return pages.sign_refused(therapy_session, form, sign_form, error)
    db.session.commit()
    flash("Note signed and locked. Corrections from now on go in an addendum.", "success")
    return redirect(url_for("sessions.therapy_session", therapy_session_id=therapy_session.id))


@bp.route("/sessions/<int:therapy_session_id>/addenda", methods=["GET", "POST"])
@therapist_only
def add_addendum(therapy_session_id: int):
    therapy_session, note = services.get_note_for(current_user, therapy_session_id)
    target = url_for("sessions.therapy_session", therapy_session_id=therapy_session.id, _anchor="addenda")
    if request.method == "GET":  # back here after signing in again: the session page restores kept text
        return redirect(target)
    form = AddendumForm()
    if not form.validate_on_submit():
        return pages.session_page(therapy_session, form, status=422)
    if done := once.already_done(form.form_token.data, current_user):
        return redirect(done)
    try:
        services.add_addendum(note, current_user, form.reason.data, form.text.data)
    except DomainError as error:
        db.session.rollback()
        form.text.errors = [error.message]
        flash(error.message, "error")
        return pages.session_page(therapy_session, form, status=422)
    once.claim(form.form_token.data, current_user, target)
    db.session.commit()
    flash("Addendum added.", "success")
    return redirect(target)


@bp.route("/sessions/<int:therapy_session_id>/process-note", methods=["GET", "POST"])
@therapist_only
def process_note(therapy_session_id: int):
    """The author's private process note; nobody else's is ever loaded, so nobody else can see one."""
    therapy_session = services.get_session_for(current_user, therapy_session_id)
    mine = services.get_process_note(therapy_session, current_user)
    if request.method == "POST":
        form = ProcessNoteForm()
        if not form.validate_on_submit():
            return pages.process_note_page(therapy_session, form, status=422)
        text, missing = pages.resolved_process_text(mine, form)
        if missing:
            return pages.process_note_conflict(therapy_session, form, missing=True)
        try:
            services.save_process_note(therapy_session, current_user, text, form.version.data)
        except STALE:
            return pages.process_note_conflict(therapy_session, form)
        db.session.commit()
        flash("Process note saved. Only you can read it.", "success")
        return redirect(url_for("sessions.process_note", therapy_session_id=therapy_session.id))
    if pending := take_pending_submission(current_user, request.path):
        form = ProcessNoteForm(formdata=pages.formdata(pending))
    else:
        form = ProcessNoteForm(
            formdata=None, data={"text": mine.text if mine else "", "version": mine.version if mine else 0}
        )
    if mine is not None:
        record("process_note.viewed", mine, couple_id=therapy_session.couple_id)
    db.session.commit()
    return pages.process_note_page(therapy_session, form, restored=bool(pending))


@bp.post("/sessions/<int:therapy_session_id>/process-note/autosave")
@therapist_only
def autosave_process_note(therapy_session_id: int):
    """The page script's autosave of the author's own process note: a JSON answer, like progress notes."""
    therapy_session = services.get_session_for(current_user, therapy_session_id)
    form = ProcessNoteForm()
    if request.form.get("resolving"):  # a conflict is settled by the writer's choice, never by autosave
        return jsonify(error="conflict", message="Choose which version to keep, then press Save."), 409
    if not form.validate_on_submit():
        message = " ".join(form.text.errors) or "Check the note."
        return jsonify(error="invalid", message=message, errors=form.errors), 422
    try:
        note = services.save_process_note(
            therapy_session, current_user, form.text.data or "", form.version.data, autosave=True
        )
    except STALE:
        db.session.rollback()
        message = (
            "This process note was saved from another tab or device. Your text is still on this page and "
            "nothing was overwritten: press Save process note to compare both versions and choose what to keep."
        )
        return jsonify(error="conflict", message=message), 409
    db.session.commit()
    return jsonify(ok=True, version=note.version, saved_at=format_datetime(note.updated_at))


@bp.post("/sessions/<int:therapy_session_id>/risk-reviews")
@therapist_only
def add_risk_review(therapy_session_id: int):
    """Record how a moderate or high risk rating was addressed; ends that caseload alert."""
    therapy_session, note = services.get_note_for(current_user, therapy_session_id)
    position, text = request.form.get("position", ""), request.form.get("text", "")
    try:
        services.record_risk_review(note, position, text, current_user)
    except DomainError as error:
        db.session.rollback()
        form = AddendumForm(formdata=None)
        return pages.session_page(
            therapy_session, form, status=422, risk_error=(position, error.message), risk_text=text
        )
    db.session.commit()
    flash("Recorded how the risk was addressed.", "success")
    return redirect(url_for("sessions.therapy_session", therapy_session_id=therapy_session.id, _anchor="risk"))


@bp.get("/couples/<int:couple_id>/course")
@therapist_only
def course(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    record("course.viewed", record_type="couple", record_id=couple.id, couple_id=couple.id)  # written after
    page = db.paginate(timeline_query(couple), per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template(
        "sessions/course.html",
        couple=couple,
        page=page,
        course=compute_course(couple, timeline=page.items),
        cycle_map=services.current_cycle_map(couple),
        steps=CYCLE_STEPS,
        enactment_label=enactment_label,
    )


@bp.route("/couples/<int:couple_id>/cycle-map", methods=["GET", "POST"])
@therapist_only
def cycle_map(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    current = services.current_cycle_map(couple)
    if request.method == "GET":
        form = CycleMapForm(formdata=None, data=pages.cycle_map_data(current), couple=couple)
    else:
        form = CycleMapForm(couple=couple)
    if form.validate_on_submit():
        try:
            name, words_a, words_b = form.cycle_name.data or "", form.words("a"), form.words("b")
            services.save_cycle_map(couple, current_user, form.based_on.data, name, words_a, words_b)
        except EditConflict:
            return pages.cycle_map_conflict(couple, form)
        db.session.commit()
        flash("Cycle map saved. The earlier version stays in its history.", "success")
        return redirect(url_for("sessions.course", couple_id=couple.id, _anchor="cycle-map"))
    record("cycle_map.viewed", record_type="couple", record_id=couple.id, couple_id=couple.id)
    db.session.commit()
    return pages.cycle_map_page(couple, form, current, status=422 if form.errors else 200)


@bp.post("/sessions/<int:therapy_session_id>/details")
@therapist_only
def edit_details(therapy_session_id: int):
    """Correct the session's details while the note is a draft; after signing, corrections are addenda."""
    therapy_session, _note = services.get_note_for(current_user, therapy_session_id)
    form = SessionDetailsForm(couple=therapy_session.couple)
    if form.validate_on_submit():
        try:
            data = {**form.data, "starts_at": pages.to_utc(form.starts_at.data)}
            services.edit_details(therapy_session, data, current_user)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Session details saved.", "success")
            return redirect(url_for("sessions.therapy_session", therapy_session_id=therapy_session.id))
    therapy_session, _note = services.get_note_for(current_user, therapy_session_id)
    return pages.session_page(therapy_session, AddendumForm(formdata=None), status=422, details_form=form)


@bp.post("/sessions/<int:therapy_session_id>/entered-in-error")
@therapist_only
def entered_in_error(therapy_session_id: int):
    """Mark the session as entered in error: kept, struck through, left out of counts and the course."""
    therapy_session, _note = services.get_note_for(current_user, therapy_session_id)
    form = EnteredInErrorForm()
    if form.validate_on_submit():
        try:
            services.mark_entered_in_error(therapy_session, form.reason.data, current_user)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Session marked as entered in error. It stays in the record, struck through.", "success")
            return redirect(url_for("sessions.therapy_session", therapy_session_id=therapy_session.id))
    therapy_session, _note = services.get_note_for(current_user, therapy_session_id)
    return pages.session_page(therapy_session, AddendumForm(formdata=None), status=422, error_form=form)
