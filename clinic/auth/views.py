from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from clinic.audit.services import record
from clinic.auth import services, throttle, totp
from clinic.auth.forms import ChangePasswordForm, LoginForm
from clinic.auth.reauth import mark_recent_auth
from clinic.auth.sessions import quick_exit as end_for_quick_exit
from clinic.auth.sessions import seconds_left, sign_in, sign_out
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import csrf, db
from clinic.security import home_for, safe_next_url

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@throttle.sign_in_by_address
@throttle.sign_in_by_account
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
        target = safe_next_url(request.args.get("next"))
        if totp.required_for(user):
            from clinic.auth.second_factor import start_pending

            return start_pending(user, target)
        return complete_sign_in(user, target)
    return render_template("auth/login.html", form=form)


def complete_sign_in(user, target: str | None, *, via: str = "password"):
    """Start the user's fresh session after every required factor passed; commits."""
    sign_in(user)
    mark_recent_auth()
    user.last_login_at = utcnow()
    record("auth.login" if via == "password" else f"auth.login_{via}", user, actor=user)
    db.session.commit()
    return redirect(target or home_for(user))


@bp.post("/logout")
@login_required
def logout():
    user = current_user._get_current_object()
    record("auth.logout", user)
    sign_out(user)
    db.session.commit()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/exit", methods=["GET", "POST"])
@csrf.exempt  # leaving must never fail, not even with an expired form token
def quick_exit():
    """Quick exit: end the session on the server, wipe what this browser and the server keep, then
    leave for the practice's neutral page. Public, so an anonymous visitor is simply sent there too."""
    end_for_quick_exit(current_user._get_current_object() if current_user.is_authenticated else None)
    db.session.commit()
    response = redirect(_neutral_url(), code=303)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _neutral_url() -> str:
    from clinic.templating import practice_for_templates

    url = practice_for_templates().quick_exit_url or ""
    return url if url.startswith("https://") else "https://www.weather.gov/"


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data, form.code.data)
        except DomainError as error:
            db.session.commit()  # keeps the record of a wrong password and a used-up code
            getattr(form, error.field).errors = [error.message]
            return render_template("auth/account.html", form=form), 422
        sign_in(current_user)  # this browser continues with the new session version
        mark_recent_auth()
        db.session.commit()
        flash("Your password was changed. Other devices have been signed out.", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form), 422 if form.errors else 200


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


from clinic.auth import second_factor  # noqa: E402,F401  (registers its routes on bp)
