"""In-office mode: a partner answers the safety screen on the therapist's device.

While this browser session is in office mode, every route but the office page itself answers with the
office page (a `before_app_request` hook), so the partner holding the device can't browse the
therapist's pages. The page shows only the neutral screen; after sending, only a thank-you. Leaving
needs the therapist's password (also to end office mode before the partner has answered).
"""

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.couples.services import get_couple_for
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.measures import safety, screen
from clinic.measures.forms import OfficeStartForm, ScreenForm, UnlockForm
from clinic.measures.models import SafetyScreen
from clinic.measures.views import bp
from clinic.security import therapist_required

OFFICE_KEY = "_safety_office"
# The office page's own routes, static files, and the idle-timeout JSON polls (not pages).
OPEN_ENDPOINTS = {"measures.office", "measures.office_unlock", "static", "auth.session_status", "auth.keepalive"}


@bp.before_app_request
def office_lock():
    """Answer every other route with the office page while this session is in office mode."""
    state = session.get(OFFICE_KEY)
    if not state or request.endpoint in OPEN_ENDPOINTS:
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
        db.session.rollback()
        form.password.errors = [error.message]
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
