"""Forgotten password, set-your-password links and email-address confirmation (all by emailed link)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from clinic.auth import recovery, throttle
from clinic.auth.forms import EmailChangeForm, ForgotPasswordForm, SetPasswordForm
from clinic.auth.reauth import recent_auth_required
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.security import ADMIN, CLIENT, THERAPIST, roles_required

bp = Blueprint("recovery", __name__)


@bp.route("/password/forgot", methods=["GET", "POST"])
@throttle.reset_by_address
@throttle.reset_by_account
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_reset(form.email.data)
        db.session.commit()
        # The same answer whether or not an account uses the address.
        return render_template("auth/reset_sent.html")
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/password/set/<token>", methods=["GET", "POST"])
@throttle.invite_by_address
def set_password(token: str):
    row = recovery.find_usable(token, ("reset", "welcome"))
    if row is None:
        return render_template("auth/link_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.use_password_token(row, form.new_password.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, welcome=row.purpose == "welcome"), (
        422 if form.errors else 200
    )


@bp.route("/account/email", methods=["GET", "POST"])
@roles_required(THERAPIST, ADMIN, CLIENT)
@recent_auth_required(5)
@throttle.email_change_by_account
def change_email():
    """Staff and partners alike: a link to the new address confirms it, the current address is told."""
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            recovery.request_email_change(current_user, form.new_email.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("We sent a link to the new address. Your sign-in changes when you open it.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_email.html", form=form), 422 if form.errors else 200


@bp.get("/account/email/confirm/<token>")
@throttle.invite_by_address
def confirm_email(token: str):
    row = recovery.find_usable(token, ("email_change",))
    if row is None:
        abort(404)
    try:
        recovery.confirm_email_change(row)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("auth.login"))
    db.session.commit()
    flash("Your sign-in address is changed. Sign in with the new address.", "success")
    return redirect(url_for("auth.login"))
