from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from clinic.audit.services import record
from clinic.core import once
from clinic.couples import invitations, services
from clinic.couples.forms import (
    CaseloadFilterForm,
    CoupleForm,
    EditCoupleForm,
    GoalForm,
    GoalStatusForm,
    InviteForm,
    StatusForm,
)
from clinic.couples.models import Couple
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.registry import FACT_ORDER, caseload_info
from clinic.security import therapist_required

bp = Blueprint("couples", __name__)


@bp.get("/caseload")
@therapist_required
def caseload():
    filters = CaseloadFilterForm(request.args)
    status = filters.status.data if filters.validate() else None
    counts = services.count_by_status(current_user)
    # Partners join the page's own query (SQLAlchemy limits the couples in a subquery first).
    query = services.caseload_query(current_user, status).options(joinedload(Couple.partners))
    page = db.paginate(query, per_page=20, error_out=False, count=False)
    page.total = services.caseload_total(counts, status)  # from the status counts: no second count query
    info = caseload_info(page.items)
    return render_template(
        "couples/caseload.html",
        page=page,
        info=info,
        filters=filters,
        status=status,
        fact_labels=FACT_ORDER,
        counts=counts,
    )


@bp.route("/couples/new", methods=["GET", "POST"])
@therapist_required
def new_couple():
    form = CoupleForm()
    if form.validate_on_submit():
        if done := once.already_done(form.form_token.data, current_user):
            return redirect(done)
        try:
            couple = services.create_couple(
                current_user,
                form.data,
                (form.partner_a.data, form.partner_b.data),
                [g for g in (form.goals.data or "").splitlines() if g.strip()],
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            return render_template("couples/couple_form.html", form=form, couple=None), 422
        once.claim(form.form_token.data, current_user, url_for("couples.overview", couple_id=couple.id))
        db.session.commit()
        flash("The couple was added to your caseload. Next: invite each partner.", "success")
        return redirect(url_for("couples.overview", couple_id=couple.id))
    return render_template("couples/couple_form.html", form=form, couple=None), 422 if form.errors else 200


@bp.get("/couples/<int:couple_id>")
@therapist_required
def overview(couple_id: int):
    couple = services.get_couple_for(current_user, couple_id, services.OVERVIEW)
    record("couple.viewed", couple, couple_id=couple.id)  # a read: written after the response is built
    return render_template(
        "couples/overview.html",
        couple=couple,
        info=caseload_info([couple])[couple.id],
        status_form=StatusForm(version=couple.version),
        goal_form=GoalForm(),
        goal_status_form=GoalStatusForm(),
        invite_form=InviteForm(),
        invite_state=invitations.invite_state,
        latest_invitation=invitations.latest,
    )


@bp.route("/couples/<int:couple_id>/edit", methods=["GET", "POST"])
@therapist_required
def edit_couple(couple_id: int):
    couple = services.get_couple_for(current_user, couple_id)
    form = EditCoupleForm(obj=couple, data=None if request.method == "POST" else _partner_data(couple))
    if form.validate_on_submit():
        try:
            services.update_couple(couple, form.version.data, form.data, (form.partner_a.data, form.partner_b.data))
        except EditConflict:
            db.session.rollback()
            return render_template("couples/couple_form.html", form=form, couple=couple, conflict=True), 409
        except DomainError as error:
            db.session.rollback()
            attach_error(
                form, error if error.field == "status" else DomainError(error.message, field="partner_a-email")
            )
            return render_template("couples/couple_form.html", form=form, couple=couple), 422
        db.session.commit()
        flash("Changes saved.", "success")
        return redirect(url_for("couples.overview", couple_id=couple.id))
    return render_template("couples/couple_form.html", form=form, couple=couple), 422 if form.errors else 200


def _partner_data(couple) -> dict:
    fields = services.PARTNER_FIELDS
    return {f"partner_{p.position}": {k: getattr(p, k) for k in fields} for p in couple.partners}


@bp.post("/couples/<int:couple_id>/status")
@therapist_required
def change_status(couple_id: int):
    couple = services.get_couple_for(current_user, couple_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.change_status(couple, form.status.data, form.version.data)
        except EditConflict:
            db.session.rollback()
            flash("The couple was changed by someone else meanwhile; nothing was changed. Try again.", "error")
            return redirect(url_for("couples.overview", couple_id=couple.id)), 303
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("couples.overview", couple_id=couple.id)), 303
        db.session.commit()
        flash(f"Status is now {couple.status_label}.", "success")
    else:
        flash("Choose one of the listed statuses.", "error")
    return redirect(url_for("couples.overview", couple_id=couple.id))


@bp.post("/couples/<int:couple_id>/goals")
@therapist_required
def add_goal(couple_id: int):
    couple = services.get_couple_for(current_user, couple_id, services.OVERVIEW)
    form = GoalForm()
    if form.validate_on_submit():
        services.add_goal(couple, form.text.data)
        db.session.commit()
        flash("Goal added.", "success")
        return redirect(url_for("couples.overview", couple_id=couple.id, _anchor="goals"))
    return render_template(
        "couples/overview.html",
        couple=couple,
        info=caseload_info([couple])[couple.id],
        status_form=StatusForm(version=couple.version),
        goal_form=form,
        goal_status_form=GoalStatusForm(formdata=None),
        invite_form=InviteForm(),
        invite_state=invitations.invite_state,
        latest_invitation=invitations.latest,
    ), 422


@bp.post("/couples/<int:couple_id>/goals/<int:goal_id>")
@therapist_required
def set_goal_status(couple_id: int, goal_id: int):
    couple = services.get_couple_for(current_user, couple_id, services.GOALS)
    form = GoalStatusForm()
    if form.validate_on_submit():
        services.set_goal_status(couple, goal_id, form.status.data)
        db.session.commit()
        flash("Goal updated.", "success")
    else:
        flash("Choose one of the listed goal statuses.", "error")
    return redirect(url_for("couples.overview", couple_id=couple.id, _anchor="goals"))


@bp.post("/couples/<int:couple_id>/partners/<int:partner_id>/invite")
@therapist_required
def invite(couple_id: int, partner_id: int):
    partner = services.get_partner_for(current_user, couple_id, partner_id)
    if not InviteForm().validate_on_submit():
        return redirect(url_for("couples.overview", couple_id=couple_id))
    by_email = request.form.get("delivery") == "email"
    try:
        token = invitations.create(partner, current_user, email=by_email)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("couples.overview", couple_id=couple_id))
    db.session.commit()
    if by_email:
        flash("Invitation emailed. Any earlier link no longer works.", "success")
        return redirect(url_for("couples.overview", couple_id=couple_id))
    # Shown once on this response only: the token itself is never stored.
    link = invitations.link_for(token)
    return render_template("couples/invitation_link.html", partner=partner, couple=partner.couple, link=link)
