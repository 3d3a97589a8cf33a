from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.admin import services
from clinic.admin.forms import ActionForm, SettingsForm, StaffForm, TrailFilterForm
from clinic.audit import services as audit
from clinic.auth import recovery
from clinic.auth import services as accounts
from clinic.core import once
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.registry import audit_shows_names, describe_audit
from clinic.security import admin_required
from clinic.settings import edit_practice_settings, get_practice_settings, viewer_zone, zone_select_choices

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/staff")
@admin_required
def staff():
    page = db.paginate(services.staff_query(), per_page=50, error_out=False)
    return render_template("admin/staff.html", page=page, action_form=ActionForm())


@bp.route("/staff/new", methods=["GET", "POST"])
@admin_required
def new_staff():
    form = StaffForm()
    # A repeated submit of a form already done goes where the first went (before the checks, which would
    # now find the account it made).
    if request.method == "POST" and (done := once.already_done(form.form_token.data, current_user)):
        return redirect(done)
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=form.email.data,
                name=form.name.data,
                role="therapist",
                is_admin=form.is_admin.data,
            )
            recovery.send_welcome(user)
        except DomainError as error:
            db.session.rollback()
            field = error.field if error.field in form else "email"
            getattr(form, field).errors = [error.message]
            return render_template("admin/staff_form.html", form=form), 422
        once.claim(form.form_token.data, current_user, url_for("admin.staff"))
        db.session.commit()
        flash("Account created; a set-your-password email is on its way.", "success")
        return redirect(url_for("admin.staff"))
    return render_template("admin/staff_form.html", form=form), 422 if form.errors else 200


@bp.route(
    "/staff/<int:user_id>/<any(grant_admin, remove_admin, deactivate, reactivate, end_sessions):action>",
    methods=["GET", "POST"],
)
@admin_required
def staff_action(user_id: int, action: str):
    """GET: a confirmation page saying what will happen; POST: do it and say what was done."""
    user = services.get_staff_member(user_id)
    words = services.describe_staff_action(action, user)
    if request.method == "GET" or not ActionForm().validate_on_submit():
        return render_template("admin/staff_confirm.html", user=user, action=action, words=words)
    try:
        _apply_staff_action(user, action)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.staff"))
    db.session.commit()
    flash(words["result"], "success")
    return redirect(url_for("admin.staff"))


def _apply_staff_action(user, action: str) -> None:
    if action in ("deactivate", "end_sessions") and user.id == current_user.id:
        raise DomainError("You can't do that to your own account while signed in.")
    if action == "grant_admin":
        services.set_admin_rights(user, True, current_user)
    elif action == "remove_admin":
        services.set_admin_rights(user, False, current_user)
    elif action == "deactivate":
        accounts.deactivate_user(user)
    elif action == "reactivate":
        accounts.reactivate_user(user)
    else:
        accounts.end_all_sessions(user)
        accounts.record("user.sessions_ended", user)


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings():
    current = get_practice_settings() if request.method == "GET" else edit_practice_settings()
    form = SettingsForm(obj=current)
    form.time_zone.choices = zone_select_choices(accounts.likely_zones())
    if form.validate_on_submit():
        try:
            services.update_settings(current, form.version.data, form.data)
        except EditConflict:
            db.session.rollback()
            return render_template("admin/settings.html", form=form, conflict=True), 409
        db.session.commit()
        flash("Practice settings saved.", "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form), 422 if form.errors else 200


@bp.get("/audit/")
@admin_required
def audit_trail():
    """The audit trail, newest first: ids, action names and addresses only, never clinical content."""
    form = TrailFilterForm(request.args)
    names = audit_shows_names(current_user)  # else clients and couples by reference number (#19)
    form.user.choices = {"": "Anyone", **services.people_for_audit_filter(include_clients=names)}
    form.action.choices = {"": "Any action", **{a: a for a in audit.known_actions()}}
    ok = form.validate()
    query = audit.trail_query(**(form.trail_filters() if ok else {}), zone=viewer_zone())
    page = db.paginate(query, per_page=50, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    rows = describe_audit(page.items, current_user)
    context = {"form": form, "page": page, "args": args, "rows": rows, "names_shown": names}
    return render_template("admin/audit_trail.html", **context), 200 if ok else 422


@bp.post("/staff/<int:user_id>/reset-2fa")
@admin_required
def reset_second_factor(user_id: int):
    """Remove a staff member's lost second factor; they set up a new one at their next sign-in."""
    user = services.get_staff_member(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        accounts.reset_second_factor(user, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.staff"))
    db.session.commit()
    flash("Second factor reset; they set up a new one at their next sign-in.", "success")
    return redirect(url_for("admin.staff"))
