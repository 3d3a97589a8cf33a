"""The therapist's homework section of a couple: adherence, assigning, editing, pausing and ending."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.core import once
from clinic.couples.services import get_couple_for
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.homework import library, safeguard, services
from clinic.homework.forms import AssignForm, AssignmentStatusForm, EditAssignmentForm, ResumeForm
from clinic.homework.progress import couple_adherence
from clinic.homework.views import attach_error, bp, paged
from clinic.security import safe_next_url, therapist_required


@bp.get("/couples/<int:couple_id>/homework")
@therapist_required
def couple_homework(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    rows, totals, since = couple_adherence(couple)
    record("homework.couple_viewed", couple, couple_id=couple.id)
    db.session.commit()
    return render_template(
        "homework/couple.html",
        couple=couple,
        rows=rows,
        totals=totals,
        since=since,
        review=services.safety_review(rows),
    )


def _assign_form(couple, form):
    exercises = library.library_for(current_user, {})
    form.exercise_id.choices = {"": "Choose an exercise…", **{str(e.id): e.title for e in exercises}}
    form.partner_id.choices = {"": "—", **{str(p.id): p.name for p in couple.partners}}
    form.therapy_session_id.choices = {"": "Not linked to a session", **services.sessions_for_choice(couple)}
    return exercises


@bp.route("/couples/<int:couple_id>/homework/assign", methods=["GET", "POST"])
@therapist_required
def assign(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = AssignForm(data=None if request.method == "POST" else _assign_defaults())
    exercises = _assign_form(couple, form)
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
        _explain_risk(couple, exercises, form)
    status = 422 if form.errors or getattr(form, "form_message", None) else 200
    risky = [e.id for e in exercises if e.raises_conflict] if safeguard.couple_reasons(couple) else []
    return render_template("homework/assign.html", couple=couple, form=form, exercises=exercises, risky=risky), status


def _explain_risk(couple, exercises, form) -> None:
    """When other fields failed, say at once if the safety confirmation is missing too."""
    chosen = next((e for e in exercises if str(e.id) == form.exercise_id.data), None)
    if chosen is not None:
        for problem in safeguard.confirmation_problems(couple, chosen, **form.confirmation()):
            attach_error(form, problem)


def _assign_defaults() -> dict:
    data = {"starts_on": services.practice_today(), "frequency_kind": "daily", "who": "each"}
    exercise_id = request.args.get("exercise_id", "")
    if exercise_id.isdigit():
        exercise = library.get_exercise_for(current_user, int(exercise_id))
        data.update(
            exercise_id=str(exercise.id),
            who=exercise.who,
            frequency_kind=exercise.frequency_kind,
            times_per_week=exercise.times_per_week,
        )
    session_id = request.args.get("therapy_session_id", "")
    if session_id.isdigit():
        data["therapy_session_id"] = session_id
    return data


@bp.get("/couples/<int:couple_id>/homework/<int:assignment_id>")
@therapist_required
def assignment(couple_id: int, assignment_id: int):
    item = services.get_assignment_for_therapist(current_user, couple_id, assignment_id)
    rows, _totals, since = couple_adherence(item.couple)
    row = next(r for r in rows if r.assignment.id == item.id)
    record("assignment.viewed", item)
    db.session.commit()
    page = paged(row.entries, request.args.get("page", ""))
    return render_template(
        "homework/assignment.html",
        couple=item.couple,
        row=row,
        a=item,
        since=since,
        status_form=AssignmentStatusForm(),
        page=page,
        risk=safeguard.needs_risk_confirmation(item.couple, item.exercise),
    )


@bp.route("/couples/<int:couple_id>/homework/<int:assignment_id>/edit", methods=["GET", "POST"])
@therapist_required
def edit_assignment(couple_id: int, assignment_id: int):
    item = services.get_assignment_for_therapist(current_user, couple_id, assignment_id)
    form = EditAssignmentForm(obj=None if request.method == "POST" else item)
    form.therapy_session_id.choices = {"": "Not linked to a session", **services.sessions_for_choice(item.couple)}
    if request.method == "GET":
        form.therapy_session_id.data = str(item.therapy_session_id or "")
    if form.validate_on_submit():
        try:
            services.update_assignment(
                item, form.version.data, form.assignment_data(), current_user, **form.confirmation()
            )
        except EditConflict:
            db.session.rollback()
            return render_template(
                "homework/assignment_form.html", form=form, a=item, couple=item.couple, conflict=True
            ), 409
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Assignment updated.", "success")
            return redirect(url_for("homework.assignment", couple_id=couple_id, assignment_id=item.id))
    status = 422 if form.errors or getattr(form, "form_message", None) else 200
    return render_template(
        "homework/assignment_form.html",
        form=form,
        a=item,
        couple=item.couple,
        risk=safeguard.needs_risk_confirmation(item.couple, item.exercise),
    ), status


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
        flash(
            {
                "pause": "Paused: nothing is expected until you resume it.",
                "resume": "Resumed.",
                "end": "Ended. The entries are kept.",
            }[form.action.data],
            "success",
        )
    return redirect(
        safe_next_url(form.next.data) or url_for("homework.assignment", couple_id=couple_id, assignment_id=item.id)
    )


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
    status = 422 if form.errors or getattr(form, "form_message", None) else 200
    return render_template(
        "homework/resume.html",
        form=form,
        a=item,
        couple=item.couple,
        risk=safeguard.needs_risk_confirmation(item.couple, item.exercise),
    ), status
