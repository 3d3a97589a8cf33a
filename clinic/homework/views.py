"""Homework, the therapist's side (blueprint `homework`): the exercise library and a couple's homework."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.core import once
from clinic.couples.services import caseload_query, get_couple_for
from clinic.errors import DomainError, EditConflict, edit_conflict
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.homework import assign_helpers, library, safeguard, services
from clinic.homework.exercise_data import exercise_data, exercise_initial
from clinic.homework.forms import (
    AssignForm,
    AssignmentStatusForm,
    EditAssignmentForm,
    ExerciseForm,
    LibraryFilterForm,
    ResumeForm,
)
from clinic.homework.paging import form_status, paged
from clinic.homework.progress import couple_adherence
from clinic.security import safe_next_url, therapist_required

bp = Blueprint("homework", __name__)
ASSIGNMENTS_PER_PAGE = 20


# ---- the exercise library ------------------------------------------------------------------------


@bp.get("/exercises", endpoint="library")
@therapist_required
def library_page():
    filters = LibraryFilterForm(request.args)
    chosen = {k: v for k, v in filters.data.items() if v} if filters.validate() else {}
    exercises = library.library_for(current_user, chosen)
    db.session.commit()
    return render_template("homework/library.html", exercises=exercises, filters=filters, chosen=chosen)


@bp.get("/exercises/<int:exercise_id>")
@therapist_required
def exercise(exercise_id: int):
    item = library.get_exercise_for(current_user, exercise_id)
    couples = db.session.scalars(caseload_query(current_user, None).limit(30)).all()
    return render_template("homework/exercise.html", exercise=item, couples=couples)


@bp.route("/exercises/new", methods=["GET", "POST"])
@therapist_required
def new_exercise():
    form = ExerciseForm()
    if form.validate_on_submit():
        if done := once.already_done(form.form_token.data, current_user):
            return redirect(done)
        try:
            item = library.create_exercise(current_user, exercise_data(form))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            once.claim(form.form_token.data, current_user, url_for("homework.exercise", exercise_id=item.id))
            db.session.commit()
            flash("Added to your library. Only you can see it.", "success")
            return redirect(url_for("homework.exercise", exercise_id=item.id))
    return render_template("homework/exercise_form.html", form=form, exercise=None), form_status(form)


@bp.route("/exercises/<int:exercise_id>/edit", methods=["GET", "POST"])
@therapist_required
def edit_exercise(exercise_id: int):
    item = library.get_own_exercise(current_user, exercise_id)
    form = ExerciseForm(data=None if request.method == "POST" else exercise_initial(item))
    if form.validate_on_submit():
        try:
            library.update_exercise(item, form.version.data, exercise_data(form))
        except EditConflict:
            return edit_conflict("homework/exercise_form.html", form=form, exercise=item)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Changes saved.", "success")
            return redirect(url_for("homework.exercise", exercise_id=item.id))
    return render_template("homework/exercise_form.html", form=form, exercise=item), form_status(form)


@bp.post("/exercises/<int:exercise_id>/copy")
@therapist_required
def copy_exercise(exercise_id: int):
    source = library.get_exercise_for(current_user, exercise_id)
    item = library.copy_exercise(current_user, source)
    db.session.commit()
    flash("This is your own copy: change anything you like. Only you can see it.", "success")
    return redirect(url_for("homework.edit_exercise", exercise_id=item.id))


# ---- a couple's homework -------------------------------------------------------------------------


@bp.get("/couples/<int:couple_id>/homework")
@therapist_required
def couple_homework(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    rows, totals, since = couple_adherence(couple)
    record("homework.couple_viewed", couple, couple_id=couple.id)
    review = services.safety_review(rows)
    page = paged(rows, request.args.get("page", ""), per_page=ASSIGNMENTS_PER_PAGE)
    return render_template(
        "homework/couple.html", couple=couple, rows=rows, page=page, totals=totals, since=since, review=review
    )


@bp.route("/couples/<int:couple_id>/homework/assign", methods=["GET", "POST"])
@therapist_required
def assign(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = AssignForm(
        data=None if request.method == "POST" else assign_helpers.assign_defaults(current_user, request.args)
    )
    exercises = assign_helpers.fill_assign_choices(form, couple, current_user)
    if form.validate_on_submit():
        if done := once.already_done(form.form_token.data, current_user):
            return redirect(done)
        try:
            exercise = library.get_exercise_for(current_user, int(form.exercise_id.data))
            services.create_assignment(couple, current_user, exercise, form.assignment_data(), **form.confirmation())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            url = url_for("homework.couple_homework", couple_id=couple.id)
            once.claim(form.form_token.data, current_user, url)
            db.session.commit()
            flash("Assigned. It now shows in the portal of the partner or partners it is for.", "success")
            return redirect(url)
    elif request.method == "POST":
        assign_helpers.explain_risk(couple, exercises, form)
    risky = assign_helpers.risky_exercise_ids(couple, exercises)
    page = render_template("homework/assign.html", couple=couple, form=form, exercises=exercises, risky=risky)
    return page, form_status(form)


@bp.get("/couples/<int:couple_id>/homework/<int:assignment_id>")
@therapist_required
def assignment(couple_id: int, assignment_id: int):
    item = services.get_assignment_for_therapist(current_user, couple_id, assignment_id)
    rows, _totals, since = couple_adherence(item.couple, assignment_ids=[item.id])
    row = rows[0]
    record("assignment.viewed", item)
    return render_template(
        "homework/assignment.html",
        couple=item.couple,
        row=row,
        a=item,
        since=since,
        status_form=AssignmentStatusForm(),
        page=services.entries_page(services.assignment_entries_query(item), request.args.get("page", "")),
        risk=safeguard.needs_risk_confirmation(item.couple, item.exercise),
    )


@bp.route("/couples/<int:couple_id>/homework/<int:assignment_id>/edit", methods=["GET", "POST"])
@therapist_required
def edit_assignment(couple_id: int, assignment_id: int):
    item = services.get_assignment_for_therapist(current_user, couple_id, assignment_id)
    form = EditAssignmentForm(obj=None if request.method == "POST" else item)
    assign_helpers.fill_session_choices(form, item.couple)
    if request.method == "GET":
        form.therapy_session_id.data = str(item.therapy_session_id or "")
    page = {"form": form, "a": item, "couple": item.couple}
    if form.validate_on_submit():
        try:
            data = form.assignment_data()
            services.update_assignment(item, form.version.data, data, current_user, **form.confirmation())
        except EditConflict:
            return edit_conflict("homework/assignment_form.html", **page)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Assignment updated.", "success")
            return redirect(url_for("homework.assignment", couple_id=couple_id, assignment_id=item.id))
    risk = safeguard.needs_risk_confirmation(item.couple, item.exercise)
    return render_template("homework/assignment_form.html", risk=risk, **page), form_status(form)


@bp.post("/couples/<int:couple_id>/homework/<int:assignment_id>/status")
@therapist_required
def assignment_status(couple_id: int, assignment_id: int):
    item = services.get_assignment_for_therapist(current_user, couple_id, assignment_id)
    form = AssignmentStatusForm()
    if not form.validate_on_submit():
        abort(400, "Choose pause, resume or end.")
    try:
        services.change_assignment_status(item, form.action.data, current_user)
    except safeguard.ConfirmationNeeded:
        db.session.rollback()  # resuming needs the confirmation and a reason: ask for them on their own page
        return redirect(url_for("homework.resume_assignment", couple_id=couple_id, assignment_id=item.id))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(assign_helpers.STATUS_MESSAGES[form.action.data], "success")
    back = url_for("homework.assignment", couple_id=couple_id, assignment_id=item.id)
    return redirect(safe_next_url(form.next.data) or back)


@bp.route("/couples/<int:couple_id>/homework/<int:assignment_id>/resume", methods=["GET", "POST"])
@therapist_required
def resume_assignment(couple_id: int, assignment_id: int):
    item = services.get_assignment_for_therapist(current_user, couple_id, assignment_id)
    form = ResumeForm()
    if item.status == "paused" and form.validate_on_submit():
        try:
            services.change_assignment_status(item, "resume", current_user, **form.confirmation())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Resumed.", "success")
            return redirect(url_for("homework.assignment", couple_id=couple_id, assignment_id=item.id))
    risk = safeguard.needs_risk_confirmation(item.couple, item.exercise)
    page = render_template("homework/resume.html", form=form, a=item, couple=item.couple, risk=risk)
    return page, form_status(form)
