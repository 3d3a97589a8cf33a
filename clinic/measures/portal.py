"""The partner's pages: questionnaires waiting, answering, their own history, and the private check-in
(the safety screen, shown only to the partner it was sent to, under a neutral title)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.couples.services import partner_for_client
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.measures import safety, screen, services
from clinic.measures.charts import OWN_LABELS, own_chart_svg, own_rows
from clinic.measures.forms import ScreenForm, answer_form_class
from clinic.measures.library import MEASURES, explain
from clinic.measures.presenters import format_own, waiting_for
from clinic.security import client_required

bp = Blueprint("measures_portal", __name__)


@bp.get("/portal/questionnaires", endpoint="list")
@client_required
def portal_list():
    partner = partner_for_client(current_user)
    history = services.partner_history(partner)
    record("measure_scores.viewed_own", record_type="partner", record_id=partner.id, couple_id=partner.couple_id)
    groups = [(m, [r for r in history if r.measure_key == m.key]) for m in MEASURES.values()]
    return render_template(
        "measures/portal_list.html",
        partner=partner,
        waiting=waiting_for(partner),
        groups=[(m, rows) for m, rows in groups if rows],
        explain=explain,
        short=format_own,
        chart=own_chart_svg,
        table=own_rows,
        own_labels=OWN_LABELS,
    )


@bp.route("/portal/questionnaires/<int:request_id>", methods=["GET", "POST"])
@client_required
def answer(request_id: int):
    partner = partner_for_client(current_user)
    request = services.get_request_for_partner(partner, request_id)
    form = answer_form_class(request.measure_key)(sequence=services.next_sequence(request))
    context = {"request": request, "measure": MEASURES[request.measure_key], "form": form}
    context["is_due"] = services.is_due(request)
    if form.validate_on_submit():
        try:
            services.submit_answers(request, form.sequence_number(), form.answers(), current_user)
        except DomainError as error:
            db.session.rollback()
            return render_template("measures/answer.html", **context, refused=error.message), 409
        db.session.commit()
        flash("Thank you. Your answers are saved.", "success")
        return redirect(url_for("measures_portal.list"))
    return render_template("measures/answer.html", **context), 422 if form.errors else 200


@bp.route("/portal/check-in/<int:screen_id>", methods=["GET", "POST"])
@client_required
def check_in(screen_id: int):
    partner = partner_for_client(current_user)
    found = safety.get_screen_for_partner(partner, screen_id)
    form = ScreenForm()
    if found.is_answered:
        return render_template("measures/check_in_done.html", screen=found, hotline=screen.HOTLINE)
    if form.validate_on_submit():
        try:
            safety.answer_screen(found, form.answers(), current_user)
        except DomainError as error:
            db.session.rollback()
            return render_template("measures/check_in.html", form=form, refused=error.message), 409
        db.session.commit()
        return redirect(url_for("measures_portal.check_in", screen_id=found.id))
    return render_template("measures/check_in.html", form=form, title=screen.NEUTRAL_TITLE), 422 if form.errors else 200
