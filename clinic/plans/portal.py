"""The partner's view of the plan: the shared part of the latest signed version (goals and objectives in plain
words; never the formulation, diagnosis or interventions), and their acknowledgement."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.couples.services import partner_for_client
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.plans import services
from clinic.plans.forms import AcknowledgeForm
from clinic.security import client_required

bp = Blueprint("plans_portal", __name__, url_prefix="/portal/plan")


@bp.get("/")
@client_required
def shared_plan():
    partner = partner_for_client(current_user)
    plan = services.latest_signed(partner.couple_id)
    if plan is not None:
        record("treatment_plan.viewed", plan)
    ack = services.acknowledgements(plan).get(partner.id) if plan else None
    form = AcknowledgeForm(number=plan.number if plan else None)
    return render_template("plans/portal_plan.html", partner=partner, plan=plan, ack=ack, form=form)


@bp.post("/acknowledge")
@client_required
def acknowledge():
    partner = partner_for_client(current_user)
    form = AcknowledgeForm()
    if form.validate_on_submit():
        try:
            services.acknowledge(partner, form.number.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("plans_portal.shared_plan")), 303
        db.session.commit()
        flash("Thank you: your therapist can see that you have read the plan.", "success")
    return redirect(url_for("plans_portal.shared_plan"))
