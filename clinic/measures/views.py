"""Therapist pages: the measure library, a couple's measures (requests, charts, paper entry), the
safety screen and the in-office mode. The partner's pages are portal.py (blueprint `measures_portal`).

In-office mode: a partner answers the safety screen on the therapist's device. While this browser
session is in office mode, every route but the office page itself answers with the office page (a
`before_app_request` hook), so the partner holding the device can't browse the therapist's pages.
Leaving needs the therapist's password (also to end office mode before the partner has answered).
"""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask import request as http_request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from clinic.audit.services import record
from clinic.couples.services import get_couple_for
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.measures import presenters, safety, screen, services
from clinic.measures.forms import (
    DecisionForm,
    FollowUpForm,
    OfficeStartForm,
    RequestForm,
    ScreenForm,
    SendScreenForm,
    StopForm,
    UnlockForm,
    answer_form_class,
)
from clinic.measures.library import MEASURES
from clinic.measures.models import SafetyScreen
from clinic.security import therapist_required

bp = Blueprint("measures", __name__)


@bp.get("/measures/library")
@therapist_required
def library():
    return render_template("measures/library.html", measures=MEASURES.values(), screen=screen)


def _couple_page(couple, request_form=None, status=200):
    return render_template("measures/couple_measures.html", **presenters.couple_page(couple, request_form)), status


def _show_error(form, error: DomainError, default_field: str) -> None:
    """Roll back and put the service's refusal next to its field (or `default_field` when it names none)."""
    db.session.rollback()
    attach_error(form, error if error.field else DomainError(error.message, default_field))


@bp.get("/couples/<int:couple_id>/measures")
@therapist_required
def couple_measures(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    record("measure_scores.viewed", couple, couple_id=couple.id)  # a read: written after the response
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
        _show_error(form, error, "measure_key")
        return _couple_page(couple, form, 422)
    db.session.commit()
    # No names or questionnaire titles in a flash message: it rides in the (readable) session cookie.
    flash("Requested for both partners." if len(partners) > 1 else "Requested for one partner.", "success")
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
            _show_error(form, error, "sequence")
            return render_template("measures/paper_entry.html", **context, refused=error.message), 422
        db.session.commit()
        flash("Paper answers saved.", "success")
        return redirect(url_for("measures.couple_measures", couple_id=couple.id))
    return render_template("measures/paper_entry.html", **context), 422 if form.errors else 200


@bp.get("/couples/<int:couple_id>/measures/responses/<int:response_id>")
@therapist_required
def response_detail(couple_id: int, response_id: int):
    couple = get_couple_for(current_user, couple_id)
    response = services.get_response_for_couple(couple, response_id)
    record("measure_response.viewed", response)
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
    return _screen_page(couple, found)


def _screen_page(couple, found, decision_form=None, follow_form=None, status=200, conflict=False):
    context = presenters.screen_page(couple, found, decision_form, follow_form)
    return render_template("measures/screen_detail.html", conflict=conflict, **context), status


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
        _show_error(form, error, "decision")
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
        _show_error(form, error, "notes")
        return _screen_page(couple, found, follow_form=form, status=422)
    db.session.commit()
    flash("Saved.", "success")
    return redirect(url_for("measures.screen_detail", couple_id=couple.id, screen_id=found.id, _anchor="follow-up"))


# --- In-office mode ------------------------------------------------------------------------------

OFFICE_KEY = "_safety_office"
# The office page's own routes, static files, and the idle-timeout JSON polls (not pages).
OPEN_ENDPOINTS = {"measures.office", "measures.office_unlock", "static", "auth.session_status", "auth.keepalive"}


@bp.before_app_request
def office_lock():
    """Answer every other route with the office page while this session is in office mode."""
    state = session.get(OFFICE_KEY)
    if not state or http_request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated or current_user.id != state.get("user_id"):
        session.pop(OFFICE_KEY, None)
        return None
    return _office_page(state, status=423)


def _office_page(state, form=None, unlock=None, status=200):
    if state.get("answered"):
        return render_template("measures/office.html", done=True, unlock=unlock or UnlockForm(formdata=None)), status
    return render_template(
        "measures/office.html",
        done=False,
        form=form or ScreenForm(formdata=None),
        unlock=unlock or UnlockForm(formdata=None),
        title=screen.NEUTRAL_TITLE,
    ), status


@bp.post("/couples/<int:couple_id>/safety/office")
@therapist_required
def start_office(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = OfficeStartForm()
    if not form.validate_on_submit():
        return redirect(url_for("measures.couple_measures", couple_id=couple.id, _anchor="safety"))
    try:
        found = safety.start_in_office(couple, couple.partner(form.partner.data), current_user)
    except DomainError:
        db.session.rollback()
        return redirect(url_for("measures.couple_measures", couple_id=couple.id, _anchor="safety"))
    db.session.commit()
    session[OFFICE_KEY] = {"screen_id": found.id, "couple_id": couple.id, "user_id": current_user.id, "answered": False}
    return redirect(url_for("measures.office"))


@bp.route("/safety/office", methods=["GET", "POST"])
@therapist_required
def office():
    state = session.get(OFFICE_KEY)
    if not state:
        return redirect(url_for("couples.caseload"))
    form = ScreenForm()
    if state.get("answered") or not form.validate_on_submit():
        return _office_page(state, form, status=422 if form.errors else 200)
    found = db.session.get(SafetyScreen, state["screen_id"])
    try:
        safety.answer_screen(found, form.answers(), current_user, method="office")
    except DomainError:
        db.session.rollback()
    else:
        db.session.commit()
    session[OFFICE_KEY] = {**state, "answered": True}
    return redirect(url_for("measures.office"))


@bp.post("/safety/office/unlock")
@therapist_required
def office_unlock():
    state = session.get(OFFICE_KEY)
    if not state:
        return redirect(url_for("measures.office"))
    form = UnlockForm()
    try:
        if not form.validate_on_submit():
            raise DomainError("Enter the therapist's password.", field="password")
        safety.check_password(current_user, form.password.data)
    except DomainError as error:
        _show_error(form, error, "password")
        return _office_page(state, unlock=form, status=422)
    session.pop(OFFICE_KEY, None)
    record(
        "safety_screen.office_ended",
        record_type="safety_screen",
        record_id=state["screen_id"],
        couple_id=state["couple_id"],
    )
    db.session.commit()
    return redirect(url_for("measures.screen_detail", couple_id=state["couple_id"], screen_id=state["screen_id"]))
