"""The therapist's Plan section: draft, sign, revise as a new version; which goals a session addressed."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.couples.services import get_couple_for
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.plans import services
from clinic.plans.catalogue import choices_for
from clinic.plans.diagnoses import DIAGNOSES
from clinic.plans.diagnoses import label as diagnosis_label
from clinic.plans.forms import ActionForm, DetailsForm, GoalForm, InterventionForm, NoteGoalsForm, ObjectiveForm
from clinic.security import therapist_required
from clinic.sessions.services import get_session_for

bp = Blueprint("plans", __name__)


def _forms(couple, plan, **given):
    details = DetailsForm(
        formdata=None,
        obj=plan,
        diagnosis=diagnosis_label(plan.diagnosis_code) if plan else "",
        version=plan.version if plan else None,
    )
    goals = plan.goals if plan else []
    forms = {
        "details": details,
        "goal": GoalForm(formdata=None, prefix="goal"),
        "objective": {g.id: ObjectiveForm(formdata=None, prefix=f"g{g.id}o") for g in goals},
        "intervention": {g.id: _intervention_form(couple, g.id, formdata=None) for g in goals},
    }
    for key, form in given.items():  # a form sent back with its errors replaces the blank one
        if isinstance(forms[key], dict):
            forms[key][form.goal_id] = form
        else:
            forms[key] = form
    return forms


def _intervention_form(couple, goal_id: int, **kwargs) -> InterventionForm:
    form = InterventionForm(prefix=f"g{goal_id}i", **kwargs)
    form.key.choices = choices_for(couple.model)
    form.goal_id = goal_id
    return form


def _page(couple, status=200, **given):
    plan = services.latest_plan(couple)
    signed = services.latest_signed(couple.id)
    return render_template(
        "plans/couple_plan.html",
        couple=couple,
        plan=plan,
        signed=signed,
        acks=services.acknowledgements(signed) if signed else {},
        standings={s.objective.id: s for s in services.standings(couple, signed)},
        counts=services.goal_session_counts(signed),
        versions=services.plans_of(couple),
        diagnoses=DIAGNOSES,
        forms=_forms(couple, plan, **given),
        action=ActionForm(),
    ), status


@bp.get("/couples/<int:couple_id>/plan")
@therapist_required
def couple_plan(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    record("treatment_plan.viewed", couple, couple_id=couple.id)
    return _page(couple)


@bp.get("/couples/<int:couple_id>/plan/versions/<int:number>")
@therapist_required
def plan_version(couple_id: int, number: int):
    couple = get_couple_for(current_user, couple_id)
    plan = services.plan_version(couple, number)
    record("treatment_plan.viewed", plan)
    return render_template("plans/version.html", couple=couple, plan=plan, acks=services.acknowledgements(plan))


@bp.post("/couples/<int:couple_id>/plan/start")
@therapist_required
def start(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    if ActionForm().validate_on_submit():
        plan = services.start_version(couple, current_user)
        db.session.commit()
        flash(f"Version {plan.number} of the plan is a draft: edit it, then sign it.", "success")
    return redirect(url_for("plans.couple_plan", couple_id=couple_id))


@bp.post("/couples/<int:couple_id>/plan/details")
@therapist_required
def details(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    plan = services.draft_for(couple)
    form = DetailsForm()
    if form.validate_on_submit():
        try:
            services.update_details(plan, form.version.data, form.data)
        except EditConflict:
            db.session.rollback()
            form.form_message = "Someone changed this plan meanwhile: your text is kept below; save again."
            return _page(couple, 409, details=form)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            return _page(couple, 422, details=form)
        db.session.commit()
        flash("Plan saved.", "success")
        return redirect(url_for("plans.couple_plan", couple_id=couple_id))
    return _page(couple, 422, details=form)


@bp.post("/couples/<int:couple_id>/plan/goals")
@therapist_required
def add_goal(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    plan = services.draft_for(couple)
    form = GoalForm(prefix="goal")
    if not form.validate_on_submit():
        return _page(couple, 422, goal=form)
    services.add_goal(plan, form.text.data, form.target_on.data)
    db.session.commit()
    flash("Goal added.", "success")
    return redirect(url_for("plans.couple_plan", couple_id=couple_id, _anchor="goals"))


@bp.post("/couples/<int:couple_id>/plan/goals/<int:goal_id>/objectives")
@therapist_required
def add_objective(couple_id: int, goal_id: int):
    couple = get_couple_for(current_user, couple_id)
    plan = services.draft_for(couple)
    form = ObjectiveForm(prefix=f"g{goal_id}o")
    form.goal_id = goal_id
    if form.validate_on_submit():
        try:
            services.add_objective(plan, goal_id, form.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Objective added.", "success")
            return redirect(url_for("plans.couple_plan", couple_id=couple_id, _anchor=f"goal-{goal_id}"))
    return _page(couple, 422, objective=form)


@bp.post("/couples/<int:couple_id>/plan/goals/<int:goal_id>/interventions")
@therapist_required
def add_intervention(couple_id: int, goal_id: int):
    couple = get_couple_for(current_user, couple_id)
    plan = services.draft_for(couple)
    form = _intervention_form(couple, goal_id)
    if form.validate_on_submit():
        services.add_intervention(plan, goal_id, form.key.data, form.note.data)
        db.session.commit()
        flash("Intervention added.", "success")
        return redirect(url_for("plans.couple_plan", couple_id=couple_id, _anchor=f"goal-{goal_id}"))
    return _page(couple, 422, intervention=form)


@bp.post("/couples/<int:couple_id>/plan/goals/<int:goal_id>/remove")
@therapist_required
def remove(couple_id: int, goal_id: int):
    """Remove a goal, or one of its objectives or interventions (`objective` / `intervention` in the form)."""
    couple = get_couple_for(current_user, couple_id)
    plan = services.draft_for(couple)
    if ActionForm().validate_on_submit():
        objective, intervention = request.form.get("objective", type=int), request.form.get("intervention", type=int)
        if objective:
            services.remove_objective(plan, goal_id, objective)
        elif intervention:
            services.remove_intervention(plan, goal_id, intervention)
        else:
            services.remove_goal(plan, goal_id)
        db.session.commit()
        flash("Removed.", "success")
    return redirect(url_for("plans.couple_plan", couple_id=couple_id, _anchor="goals"))


@bp.post("/couples/<int:couple_id>/plan/sign")
@therapist_required
def sign(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    plan = services.draft_for(couple)
    if ActionForm().validate_on_submit():
        try:
            services.sign(plan, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("plans.couple_plan", couple_id=couple_id)), 303
        db.session.commit()
        flash(f"Version {plan.number} is signed. Each partner can now read and acknowledge it.", "success")
    return redirect(url_for("plans.couple_plan", couple_id=couple_id))


@bp.post("/sessions/<int:therapy_session_id>/plan-goals")
@therapist_required
def note_goals(therapy_session_id: int):
    therapy_session = get_session_for(current_user, therapy_session_id)
    form = NoteGoalsForm()
    form.goal_ids.choices = {g.id: g.text for g in services.current_goals(therapy_session.couple_id)}
    if form.validate_on_submit():
        services.set_goals_addressed(therapy_session, form.goal_ids.data or [])
        db.session.commit()
        flash("Goals addressed saved.", "success")
    else:
        flash("Choose goals of the current plan.", "error")
    return redirect(url_for("sessions.therapy_session", therapy_session_id=therapy_session_id, _anchor="plan-goals"))
