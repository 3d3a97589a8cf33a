"""Therapist pages: the measure library, a couple's measures (requests, charts, paper entry) and the
safety screen. The partner's pages live in portal.py on the same blueprint."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from clinic.audit.services import record
from clinic.couples.services import get_couple_for
from clinic.db import utcnow
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.measures import caseload, charts, safety, schedule, screen, services
from clinic.measures.forms import (
    DecisionForm,
    FollowUpForm,
    RequestForm,
    SendScreenForm,
    StopForm,
    answer_form_class,
)
from clinic.measures.library import MEASURES
from clinic.security import therapist_required

bp = Blueprint("measures", __name__)


@bp.get("/measures/library")
@therapist_required
def library():
    return render_template("measures/library.html", measures=MEASURES.values(), screen=screen)


def _couple_page(couple, request_form=None, status=200):
    csi, ecr = services.couple_responses(couple, "csi4"), services.couple_responses(couple, "ecr_rs")
    screens = safety.screens_for(couple)
    requests = services.all_requests(couple)
    sessions, now = schedule.last_session_times([couple.id]), utcnow()
    return render_template(
        "measures/couple_measures.html",
        couple=couple,
        info=caseload.provide([couple])[couple.id],
        drop_rule=caseload.DROP_RULE,
        csi_svg=charts.csi_chart_svg(couple, csi),
        csi_rows=charts.csi_rows(couple, csi),
        ecr_svg=charts.ecr_chart_svg(couple, ecr),
        ecr_rows=charts.ecr_rows(couple, ecr),
        others=[r for r in services.couple_responses(couple) if r.measure_key not in ("csi4", "ecr_rs")],
        requests=requests,
        due_ids={r.id for r in requests if schedule.is_due(r, now, sessions)},
        measures=MEASURES,
        request_form=request_form or RequestForm(formdata=None),
        screens=screens,
        screen_status=safety.screen_status(couple, screens),
        rule_text=screen.RULE_TEXT[screen.VERSION],
        plain_form=StopForm(formdata=None),
        tier_labels=screen.TIER_LABELS,
    ), status


@bp.get("/couples/<int:couple_id>/measures")
@therapist_required
def couple_measures(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    record("measure_scores.viewed", couple, couple_id=couple.id)
    db.session.commit()
    return _couple_page(couple)


@bp.post("/couples/<int:couple_id>/measures/requests")
@therapist_required
def request_measure(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = RequestForm()
    if not form.validate_on_submit():
        return _couple_page(couple, form, 422)
    partners = couple.partners if form.who.data == "both" else [couple.partner(form.who.data)]
    try:
        services.request_measure(
            couple, partners, form.measure_key.data, form.schedule.data, form.interval_days.data, current_user
        )
    except DomainError as error:
        db.session.rollback()
        form.measure_key.errors = [error.message]
        return _couple_page(couple, form, 422)
    db.session.commit()
    flash(
        f"{MEASURES[form.measure_key.data].short_title} requested for {' and '.join(p.name for p in partners)}.",
        "success",
    )
    return redirect(url_for("measures.couple_measures", couple_id=couple.id, _anchor="requests"))


@bp.post("/couples/<int:couple_id>/measures/requests/<int:request_id>/stop")
@therapist_required
def stop_request(couple_id: int, request_id: int):
    couple = get_couple_for(current_user, couple_id)
    request = services.get_request_for_couple(couple, request_id)
    if StopForm().validate_on_submit():
        services.stop_request(request, current_user)
        db.session.commit()
        flash("Request stopped. Answers already given are kept.", "success")
    return redirect(url_for("measures.couple_measures", couple_id=couple.id, _anchor="requests"))


@bp.route("/couples/<int:couple_id>/measures/requests/<int:request_id>/paper", methods=["GET", "POST"])
@therapist_required
def paper_entry(couple_id: int, request_id: int):
    couple = get_couple_for(current_user, couple_id)
    request = services.get_request_for_couple(couple, request_id)
    form = answer_form_class(request.measure_key, paper=True)(sequence=services.next_sequence(request))
    context = {
        "couple": couple,
        "request": request,
        "measure": MEASURES[request.measure_key],
        "form": form,
        "is_due": services.is_due(request),
    }
    if form.validate_on_submit():
        try:
            services.submit_answers(
                request,
                form.sequence_number(),
                form.answers(),
                current_user,
                method="paper",
                answered_on=form.answered_on.data,
            )
        except DomainError as error:
            db.session.rollback()
            (form.answered_on if error.field == "answered_on" else form.sequence).errors = [error.message]
            return render_template("measures/paper_entry.html", **context, refused=error.message), 422
        db.session.commit()
        flash(f"Paper answers of {request.partner.name} saved.", "success")
        return redirect(url_for("measures.couple_measures", couple_id=couple.id))
    return render_template("measures/paper_entry.html", **context), 422 if form.errors else 200


@bp.get("/couples/<int:couple_id>/measures/responses/<int:response_id>")
@therapist_required
def response_detail(couple_id: int, response_id: int):
    couple = get_couple_for(current_user, couple_id)
    response = services.get_response_for_couple(couple, response_id)
    record("measure_response.viewed", response)
    db.session.commit()
    return render_template(
        "measures/response_detail.html", couple=couple, response=response, measure=MEASURES[response.measure_key]
    )


@bp.post("/couples/<int:couple_id>/safety")
@therapist_required
def send_screen(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = SendScreenForm()
    if form.validate_on_submit():
        try:
            safety.send_screen(couple, couple.partner(form.partner.data), current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("measures.couple_measures", couple_id=couple.id, _anchor="safety"))
        db.session.commit()
        flash("Sent.", "success")
    else:
        flash("Choose partner A or B.", "error")
    return redirect(url_for("measures.couple_measures", couple_id=couple.id, _anchor="safety"))


@bp.get("/couples/<int:couple_id>/safety/<int:screen_id>")
@therapist_required
def screen_detail(couple_id: int, screen_id: int):
    couple = get_couple_for(current_user, couple_id)
    found = safety.get_screen_for_couple(couple, screen_id)
    record("safety_screen.viewed", found)
    db.session.commit()
    return _screen_page(couple, found)


def _screen_page(couple, found, decision_form=None, follow_form=None, status=200, conflict=False):
    follow = safety.follow_up_for(found)
    if follow_form is None:
        follow_form = FollowUpForm(formdata=None, obj=follow, data=(follow.answers if follow else {}))
    decision_form = decision_form or DecisionForm(formdata=None)
    tier = safety.decision_tier(couple, found) if found.is_answered else "none"
    decision_form.decision.choices = {"": "Choose how you will proceed…", **safety.allowed_decisions(tier)}
    result = found.result
    return render_template(
        "measures/screen_detail.html",
        couple=couple,
        screen=found,
        result=result,
        tier_labels=screen.TIER_LABELS,
        reasons=screen.reason_labels(result.reasons) if result else [],
        decision_tier=tier,
        labels=screen.answer_labels(found.answers or {}),
        rows=screen.both_directions(found.answers or {}, found.scoring_version),
        directions=screen.DIRECTION_LABELS,
        rule_text=screen.RULE_TEXT.get(found.scoring_version or screen.VERSION),
        form=decision_form,
        follow_form=follow_form,
        follow=follow,
        conflict=conflict,
        follow_citation=screen.FOLLOW_UP_CITATION,
    ), status


@bp.post("/couples/<int:couple_id>/safety/<int:screen_id>/decision")
@therapist_required
def record_decision(couple_id: int, screen_id: int):
    couple = get_couple_for(current_user, couple_id)
    found = safety.get_screen_for_couple(couple, screen_id)
    form = DecisionForm()
    form.decision.choices = {"": "Choose…", **safety.allowed_decisions("none")}
    if not form.validate_on_submit():
        return _screen_page(couple, found, decision_form=form, status=422)
    try:
        safety.record_decision(couple, found, form.data, current_user)
    except DomainError as error:
        db.session.rollback()
        getattr(form, error.field or "decision").errors = [error.message]
        return _screen_page(couple, found, decision_form=form, status=422)
    db.session.commit()
    flash("Saved.", "success")
    return redirect(url_for("measures.screen_detail", couple_id=couple.id, screen_id=found.id, _anchor="decide"))


@bp.post("/couples/<int:couple_id>/safety/<int:screen_id>/follow-up")
@therapist_required
def save_follow_up(couple_id: int, screen_id: int):
    couple = get_couple_for(current_user, couple_id)
    found = safety.get_screen_for_couple(couple, screen_id)
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _screen_page(couple, found, follow_form=form, status=422)
    try:
        safety.save_follow_up(found, form.version.data, form.answers(), form.notes.data, current_user)
    except (EditConflict, IntegrityError):  # IntegrityError: two first saves of the same follow-up at once
        db.session.rollback()
        return _screen_page(couple, found, follow_form=form, status=409, conflict=True)
    except DomainError as error:
        db.session.rollback()
        form.notes.errors = [error.message]
        return _screen_page(couple, found, follow_form=form, status=422)
    db.session.commit()
    flash("Saved.", "success")
    return redirect(url_for("measures.screen_detail", couple_id=couple.id, screen_id=found.id, _anchor="follow-up"))


from clinic.measures import office, portal  # noqa: E402,F401  (the office mode and partner routes, on this blueprint)
