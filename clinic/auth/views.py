from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from clinic.audit.services import record
from clinic.auth import services
from clinic.auth.forms import AcceptInvitationForm, ChangePasswordForm, LoginForm
from clinic.auth.sessions import seconds_left, sign_in, sign_out
from clinic.couples import invitations
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.security import home_for, safe_next_url

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            db.session.commit()  # keep the audit row of the failed attempt
            form.password.errors = [error.message]
            return render_template("auth/login.html", form=form), 200
        sign_in(user)
        record("auth.login", user, actor=user)
        db.session.commit()
        return redirect(safe_next_url(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    user = current_user._get_current_object()
    record("auth.logout", user)
    sign_out(user)
    db.session.commit()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            getattr(form, error.field).errors = [error.message]
            return render_template("auth/account.html", form=form), 422
        sign_in(current_user)  # this browser continues with the new session version
        db.session.commit()
        flash("Your password was changed. Other devices have been signed out.", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form), 422 if form.errors else 200


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = invitations.find_usable(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(invitation, form.new_password.data)
        except DomainError as error:
            form.new_password.errors = [error.message]
            return render_template("auth/accept_invitation.html", form=form, invitation=invitation), 422
        sign_in(user)
        db.session.commit()
        flash("Welcome. Your account is ready.", "success")
        return redirect(url_for("portal.today"))
    status = 422 if form.errors else 200
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), status


@bp.get("/session/status")
@login_required
def session_status():
    """How long until this session times out; polling it does not count as activity."""
    return jsonify(seconds_left=seconds_left())


@bp.post("/session/keepalive")
@login_required
def keepalive():
    """'Stay signed in': any counted request refreshes the idle timer, this one says so."""
    return jsonify(seconds_left=seconds_left())
