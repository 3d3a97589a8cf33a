"""Sessions & notes pages. Every route answers 404 to anyone but the couple's treating therapist
(partners must not even learn that a note exists), and process notes to anyone but their author."""

from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from clinic.audit.services import record
from clinic.auth.passwords import verify_password
from clinic.auth.sessions import take_pending_submission
from clinic.core import once
from clinic.couples.services import get_couple_for
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.sessions import services
from clinic.sessions.forms import AddendumForm, ProcessNoteForm, SignForm, TherapySessionForm
from clinic.sessions.models import NoteLocked
from clinic.sessions.note_forms import display_pairs, note_form_class
from clinic.settings import practice_zone
from clinic.templating import format_datetime

bp = Blueprint("sessions", __name__)
# A stale version seen by claim_version, or a concurrent save that won the race at UPDATE time.
STALE = (EditConflict, StaleDataError)
PRIVATE_FIELDS = {"password", "attest", "csrf_token"}


def therapist_only(view):
    """Signed-in therapists pass; everyone else gets 404, exactly as for a record that doesn't exist."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "therapist":
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/couples/<int:couple_id>/sessions", methods=["GET", "POST"])
@therapist_only
def couple_sessions(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = TherapySessionForm(couple=couple, data=None if request.method == "POST" else _new_session_defaults(couple))
    if form.validate_on_submit():
        if done := once.already_done(form.form_token.data, current_user):
            return redirect(done)
        try:
            therapy_session = services.record_session(
                couple, {**form.data, "starts_at": _to_utc(form.starts_at.data)}, current_user
            )
        except DomainError as error:
            db.session.rollback()
            form.starts_at.errors = [error.message]
        else:
            target = url_for("sessions.edit_note", therapy_session_id=therapy_session.id)
            once.claim(form.form_token.data, current_user, target)
            db.session.commit()
            flash(f"Session {therapy_session.number} recorded. Its progress note is open as a draft.", "success")
            return redirect(target)
    page = db.paginate(services.sessions_query(couple), per_page=current_app.config["PER_PAGE"], error_out=False)
    record("therapy_session.list_viewed", record_type="couple", record_id=couple.id, couple_id=couple.id)
    db.session.commit()
    return render_template(
        "sessions/couple_sessions.html", couple=couple, form=form, page=page
    ), 422 if form.errors else 200


def _new_session_defaults(couple) -> dict:
    now = datetime.now(practice_zone()).replace(second=0, microsecond=0, tzinfo=None)
    return {"model": couple.model, "starts_at": now, "minutes": 50}


def _to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=practice_zone()).astimezone(UTC)


@bp.get("/sessions/<int:therapy_session_id>")
@therapist_only
def therapy_session(therapy_session_id: int):
    therapy_session = services.get_session_for(current_user, therapy_session_id)
    record("therapy_session.viewed", therapy_session)
    record("progress_note.viewed", therapy_session.progress_note)
    if (mine := services.get_process_note(therapy_session, current_user)) is not None:
        record("process_note.viewed", mine, couple_id=therapy_session.couple_id)
    pending = take_pending_submission(current_user, request.path + "/addenda") or take_pending_submission(
        current_user, request.path
    )
    db.session.commit()
    form = AddendumForm(formdata=_formdata(pending)) if pending else AddendumForm()
    return _session_page(therapy_session, form, restored=bool(pending))


def _session_page(therapy_session, addendum_form, status=200, restored=False, **context):
    note = therapy_session.progress_note
    return render_template(
        "sessions/session.html",
        ts=therapy_session,
        couple=therapy_session.couple,
        note=note,
        restored=restored,
        pairs=display_pairs(note.template, note.answers, therapy_session.couple),
        addenda=services.addenda_for(note),
        addendum_form=addendum_form,
        process_note=services.get_process_note(therapy_session, current_user),
        risks=services.raised_risks(note),
        **context,
    ), status


@bp.route("/sessions/<int:therapy_session_id>/note", methods=["GET", "POST"])
@therapist_only
def edit_note(therapy_session_id: int):
    therapy_session = services.get_session_for(current_user, therapy_session_id)
    note, couple = therapy_session.progress_note, therapy_session.couple
    if note.is_signed:
        return _signed_note_edit(therapy_session)
    form_class = note_form_class(note.template)
    if request.method == "POST":
        form = form_class(couple=couple)
        if form.validate_on_submit():
            try:
                services.save_draft(note, form.answers(), form.version.data)
            except STALE:
                return _conflict(therapy_session, form)
            db.session.commit()
            flash(f"Draft saved at {format_datetime(note.updated_at)}.", "success")
            return redirect(url_for("sessions.edit_note", therapy_session_id=therapy_session.id))
        return _note_page(therapy_session, form, SignForm(formdata=None), status=422)
    # The form may have been sent from this page or from the page a refused signing left it on.
    pending = take_pending_submission(current_user, request.path) or take_pending_submission(
        current_user, request.path + "/sign"
    )
    if pending:
        form = form_class(formdata=_formdata(pending), couple=couple)
    else:
        form = form_class(formdata=None, data={**(note.answers or {}), "version": note.version}, couple=couple)
    record("progress_note.viewed", note)
    db.session.commit()
    return _note_page(therapy_session, form, SignForm(formdata=None), restored=bool(pending))


def _formdata(pending: dict) -> MultiDict:
    data = MultiDict()
    for key, value in pending.items():
        if key in PRIVATE_FIELDS:
            continue
        for item in value if isinstance(value, list) else [value]:
            data.add(key, item)
    return data


def _note_page(therapy_session, form, sign_form, status=200, **context):
    couple = therapy_session.couple
    cycle_map = services.current_cycle_map(couple) if form.template == "efct" else None
    return render_template(
        "sessions/note_form.html",
        ts=therapy_session,
        couple=couple,
        note=therapy_session.progress_note,
        form=form,
        sign_form=sign_form,
        cycle_map=cycle_map,
        **context,
    ), status


def _conflict(therapy_session, form):
    db.session.rollback()
    note = therapy_session.progress_note
    db.session.refresh(note)
    form.version.data = note.version  # saving again applies this text on top of what was saved meanwhile
    saved = display_pairs(note.template, note.answers, therapy_session.couple)
    return _note_page(therapy_session, form, SignForm(formdata=None), status=409, conflict=True, saved=saved)


def _signed_note_edit(therapy_session):
    """A signed note is never edited: a post is refused; text kept from a timed-out post is shown back."""
    if request.method == "POST":
        return _locked(therapy_session)
    pending = take_pending_submission(current_user, request.path)
    db.session.commit()
    if pending:
        return _locked(therapy_session, _formdata(pending))
    return redirect(url_for("sessions.therapy_session", therapy_session_id=therapy_session.id))


def _locked(therapy_session, formdata=None):
    """409 for any change to a signed note; what was sent is shown back (unsaved) so nothing is lost."""
    db.session.rollback()
    note, couple = therapy_session.progress_note, therapy_session.couple
    source = {"formdata": formdata} if formdata is not None else {}  # default: the posted form
    sent = note_form_class(note.template)(**source, couple=couple, meta={"csrf": False})
    submitted = display_pairs(note.template, sent.answers(), couple)
    return render_template("sessions/locked.html", ts=therapy_session, couple=couple, submitted=submitted), 409


@bp.post("/sessions/<int:therapy_session_id>/note/autosave")
@therapist_only
def autosave_note(therapy_session_id: int):
    """The page script's autosave: same fields as the form, a JSON answer."""
    therapy_session = services.get_session_for(current_user, therapy_session_id)
    note = therapy_session.progress_note
    form = note_form_class(note.template)(couple=therapy_session.couple)
    if not form.validate_on_submit():
        return jsonify(
            error="invalid", message="Some fields need attention; use Save draft to see where.", errors=form.errors
        ), 422
    try:
        services.save_draft(note, form.answers(), form.version.data, autosave=True)
    except NoteLocked as error:
        db.session.rollback()
        return jsonify(error="locked", message=error.message), 409
    except STALE:
        db.session.rollback()
        return jsonify(
            error="conflict",
            message="This note was saved from another tab or device. Your text is "
            "still on this page: press Save draft to compare both versions.",
        ), 409
    db.session.commit()
    return jsonify(ok=True, version=note.version, saved_at=format_datetime(note.updated_at))


@bp.route("/sessions/<int:therapy_session_id>/note/sign", methods=["GET", "POST"])
@therapist_only
def sign_note(therapy_session_id: int):
    """Save what is on the page, then sign it if complete, attested and the password is right.

    GET (e.g. back here after signing in again) goes to the note page, which restores kept text.
    """
    therapy_session = services.get_session_for(current_user, therapy_session_id)
    if request.method == "GET":
        return redirect(url_for("sessions.edit_note", therapy_session_id=therapy_session.id))
    note = therapy_session.progress_note
    if note.is_signed:
        return _locked(therapy_session)
    form, sign_form = note_form_class(note.template)(couple=therapy_session.couple), SignForm()
    if not form.validate_on_submit():
        return _note_page(therapy_session, form, sign_form, status=422)
    try:
        services.save_draft(note, form.answers(), form.version.data)
    except STALE:
        return _conflict(therapy_session, form)
    db.session.commit()  # the draft is safe whatever happens to the signature
    problems, sign_ok = form.sign_problems(took_place=therapy_session.took_place), sign_form.validate()
    if sign_ok and not verify_password(current_user.password_hash, sign_form.password.data):
        sign_form.password.errors = ["That password is not right."]
        sign_ok = False
    if problems or not sign_ok:
        record("progress_note.sign_refused", note, outcome="refused")
        db.session.commit()
        for name, message in problems.items():
            form[name].errors = [message]
        form.version.data, sign_form.password.data = note.version, ""
        return _note_page(therapy_session, form, sign_form, status=422, sign_refused=True)
    services.sign_note(note, current_user)
    db.session.commit()
    flash("Note signed and locked. Corrections from now on go in an addendum.", "success")
    return redirect(url_for("sessions.therapy_session", therapy_session_id=therapy_session.id))


@bp.route("/sessions/<int:therapy_session_id>/addenda", methods=["GET", "POST"])
@therapist_only
def add_addendum(therapy_session_id: int):
    therapy_session = services.get_session_for(current_user, therapy_session_id)
    if request.method == "GET":  # back here after signing in again: the session page restores kept text
        return redirect(url_for("sessions.therapy_session", therapy_session_id=therapy_session.id, _anchor="addenda"))
    form = AddendumForm()
    if not form.validate_on_submit():
        return _session_page(therapy_session, form, status=422)
    if done := once.already_done(form.form_token.data, current_user):
        return redirect(done)
    target = url_for("sessions.therapy_session", therapy_session_id=therapy_session.id, _anchor="addenda")
    try:
        services.add_addendum(therapy_session.progress_note, current_user, form.reason.data, form.text.data)
    except DomainError as error:
        db.session.rollback()
        form.text.errors = [error.message]
        flash(error.message, "error")
        return _session_page(therapy_session, form, status=422)
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
    form = (
        ProcessNoteForm(formdata=None, data={"text": mine.text if mine else "", "version": mine.version if mine else 0})
        if request.method == "GET"
        else ProcessNoteForm()
    )
    if form.validate_on_submit():
        try:
            services.save_process_note(therapy_session, current_user, form.text.data or "", form.version.data)
        except STALE:
            db.session.rollback()
            mine = services.get_process_note(therapy_session, current_user)
            form.version.data = mine.version if mine else 0
            return render_template(
                "sessions/process_note.html",
                ts=therapy_session,
                couple=therapy_session.couple,
                form=form,
                conflict=True,
                saved=mine,
            ), 409
        db.session.commit()
        flash("Process note saved. Only you can read it.", "success")
        return redirect(url_for("sessions.process_note", therapy_session_id=therapy_session.id))
    pending = take_pending_submission(current_user, request.path) if request.method == "GET" else None
    if pending:
        form = ProcessNoteForm(formdata=_formdata(pending))
    if mine is not None and request.method == "GET":
        record("process_note.viewed", mine, couple_id=therapy_session.couple_id)
    db.session.commit()
    return render_template(
        "sessions/process_note.html",
        ts=therapy_session,
        couple=therapy_session.couple,
        form=form,
        restored=bool(pending),
    ), 422 if form.errors else 200


@bp.post("/sessions/<int:therapy_session_id>/risk-reviews")
@therapist_only
def add_risk_review(therapy_session_id: int):
    """Record how a moderate or high risk rating was addressed; ends that caseload alert."""
    therapy_session = services.get_session_for(current_user, therapy_session_id)
    position, text = request.form.get("position", ""), request.form.get("text", "")
    try:
        services.record_risk_review(therapy_session.progress_note, position, text, current_user)
    except DomainError as error:
        db.session.rollback()
        return _session_page(
            therapy_session,
            AddendumForm(formdata=None),
            status=422,
            risk_error=(position, error.message),
            risk_text=text,
        )
    db.session.commit()
    flash("Recorded how the risk was addressed.", "success")
    return redirect(url_for("sessions.therapy_session", therapy_session_id=therapy_session.id, _anchor="risk"))


from clinic.sessions import course_views  # noqa: E402, F401  (registers the course routes on bp)
