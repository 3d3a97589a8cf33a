"""Sign-in (password, then the second factor), sign-out, quick exit, the account page and re-authentication."""

import time

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from clinic.audit.services import record
from clinic.auth import addresses, services, throttle, totp
from clinic.auth.forms import (
    ButtonForm,
    ChangePasswordForm,
    CodeForm,
    EnrolForm,
    LoginForm,
    ReauthForm,
    TimeZoneForm,
)
from clinic.auth.models import User
from clinic.auth.reauth import mark_recent_auth, recent_auth_required
from clinic.auth.sessions import quick_exit as end_for_quick_exit
from clinic.auth.sessions import seconds_left, sign_in, sign_out, sign_out_everywhere
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import csrf, db
from clinic.forms import attach_error
from clinic.security import ADMIN, THERAPIST, home_for, roles_required, safe_next_url
from clinic.settings import zone_select_choices
from clinic.templating import practice_for_templates

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@throttle.sign_in_by_address
@throttle.sign_in_by_account_and_address
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
            return start_pending(user, target)
        return complete_sign_in(user, target)
    return render_template("auth/login.html", form=form)


def complete_sign_in(user, target: str | None, *, via: str = "password"):
    """Start the user's fresh session after every required factor passed; commits."""
    sign_in(user)
    mark_recent_auth()
    user.last_login_at = utcnow()
    addresses.remember(user, get_remote_address())
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
    flash("You have signed out of this browser. Any other device you use stays signed in.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():
    user = current_user._get_current_object()
    record("auth.logout_everywhere", user)
    sign_out_everywhere(user)
    db.session.commit()
    flash("You have signed out everywhere: every browser and device that was signed in must sign in again.", "info")
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
            return _account_page(form), 422
        sign_in(current_user)  # this browser continues with the new session version
        totp.end_enrolment(session)  # a second factor half set up before the change starts again
        mark_recent_auth()
        db.session.commit()
        flash("Your password was changed. Other devices have been signed out.", "success")
        return redirect(url_for("auth.account"))
    return _account_page(form), 422 if form.errors else 200


def _zone_form(formdata=None) -> TimeZoneForm:
    form = TimeZoneForm(formdata=formdata, data={"time_zone": current_user.time_zone or ""})
    form.time_zone.choices = zone_select_choices(services.likely_zones(), practice_choice=True)
    return form


def _account_page(form=None, zone_form=None) -> str:
    return render_template(
        "auth/account.html",
        form=form or ChangePasswordForm(formdata=None),
        zone_form=zone_form or _zone_form(),
    )


@bp.post("/account/time-zone")
@login_required
def account_time_zone():
    """The zone this person reads and types times in (empty: the practice's); changing it is audited."""
    form = _zone_form(request.form)
    if form.validate_on_submit():
        try:
            changed = services.change_time_zone(current_user, form.time_zone.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            if changed:
                name = current_user.time_zone or "the practice's time zone"
                flash(f"Times are now shown in {name}.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(zone_form=form), 422


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


ENROL_EXPIRED = "This set-up has expired. Scan the new code below (or type the new key), then enter a code."
PENDING_KEY = "_2fa_pending"
PENDING_SECONDS = 300
staff_required = roles_required(THERAPIST, ADMIN)


def start_pending(user: User, target: str | None):
    """Password accepted, second factor still to come: remember who, not signed in yet."""
    session.clear()
    session[PENDING_KEY] = {"uid": user.id, "v": user.session_version, "at": int(time.time()), "next": target}
    record("auth.password_ok", user, actor=user)
    db.session.commit()
    return redirect(url_for("auth.login_code" if user.totp_enabled_at else "auth.login_enrol"))


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY) or {}
    if not pending or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = db.session.get(User, int(pending.get("uid", 0)))
    if user is None or not user.is_active or user.session_version != pending.get("v"):
        return None
    return user


def _restart_login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    session.pop(PENDING_KEY, None)
    flash("Please sign in again.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@throttle.second_factor_by_address
@throttle.second_factor_by_account
def login_code():
    user = _pending_user()
    if user is None or not user.totp_enabled_at:
        return _restart_login()
    form = CodeForm()
    if form.validate_on_submit():
        if totp.check_code(user, form.code.data):
            return complete_sign_in(user, session.get(PENDING_KEY, {}).get("next"), via="password")
        reused = totp.already_used(user, form.code.data)
        record("auth.second_factor_failed", user, actor=user, outcome="denied")
        db.session.commit()
        form.code.errors = [
            "That code was already used (each code works once, including the one that turned your second "
            "factor on). Wait for your app to show the next code, then enter that one."
            if reused
            else "That code didn't work. Codes change every 30 seconds and each works once."
        ]
        return render_template("auth/login_code.html", form=form), 422
    return render_template("auth/login_code.html", form=form), 422 if form.errors else 200


@bp.route("/login/enrol", methods=["GET", "POST"])
@throttle.second_factor_by_address
@throttle.second_factor_by_account
def login_enrol():
    """The practice requires a second factor and this person has none yet: set it up, then sign in."""
    user = _pending_user()
    if user is None or user.totp_enabled_at:
        return _restart_login()
    return _enrol(user, during_login=True)


@bp.get("/account/second-factor")
@staff_required
def second_factor():
    return render_template(
        "auth/second_factor.html",
        remaining=totp.remaining_recovery_codes(current_user),
        required=totp.practice_requires(),
        button=ButtonForm(),
    )


@bp.route("/account/second-factor/setup", methods=["GET", "POST"])
@staff_required
@recent_auth_required(5)
@throttle.second_factor_by_account
def second_factor_setup():
    return _enrol(current_user._get_current_object(), during_login=False)


def _enrol(user: User, *, during_login: bool):
    """A GET starts a new attempt (a new secret); a POST confirms this session's current attempt."""
    form = EnrolForm()
    secret = totp.enrolment_secret(user, session) if request.method == "POST" else None
    if request.method == "POST" and secret is None:
        form.validate_on_submit()
        form.code.errors = [ENROL_EXPIRED]
    elif secret is not None and form.validate_on_submit():
        codes = totp.confirm_enrolment(user, secret, form.code.data)
        if codes is not None:
            totp.end_enrolment(session)
            if during_login:
                target = session.get(PENDING_KEY, {}).get("next")
                complete_sign_in(user, target)
            else:
                mark_recent_auth()
                db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, next_url=_after_enrol(during_login))
        form.code.errors = ["That code doesn't match. Check the time on your phone and try the newest code."]
    db.session.commit()
    secret = secret or totp.begin_enrolment(user, session)
    uri = totp.provisioning_uri(user, secret)
    return render_template(
        "auth/enrol.html",
        form=form,
        qr=totp.qr_data_uri(uri),
        secret=totp.group_key(secret),
        during_login=during_login,
        replacing=user.totp_enabled_at is not None,
    ), 422 if form.errors else 200


def _after_enrol(during_login: bool) -> str:
    return home_for(current_user) if during_login else url_for("auth.second_factor")


@bp.post("/account/second-factor/remove")
@staff_required
@recent_auth_required(5)
def second_factor_remove():
    if not ButtonForm().validate_on_submit():
        abort(400)
    if totp.practice_requires():
        flash("The practice requires a second factor, so it can't be switched off. You can set up a new one.", "error")
        return redirect(url_for("auth.second_factor"))
    totp.remove(current_user)
    db.session.commit()
    flash("Your second factor is switched off.", "success")
    return redirect(url_for("auth.second_factor"))


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
@throttle.second_factor_by_address
@throttle.second_factor_by_account
def reauth():
    """Confirm it is still you (password, and a code if you use a second factor) before a sensitive step."""
    form = ReauthForm()
    target = safe_next_url(request.args.get("next"))
    needs_code = bool(current_user.totp_enabled_at)
    if form.validate_on_submit():
        ok = services.check_password(current_user, form.password.data)
        if ok and needs_code and not totp.check_code(current_user, form.code.data or ""):
            record("auth.reauth_failed", current_user, outcome="denied")
            ok = False
        if ok:
            mark_recent_auth()
            record("auth.reauth", current_user)
            db.session.commit()
            return redirect(target or url_for("auth.account"))
        db.session.commit()
        form.password.errors = ["That didn't match. Check your password" + (" and code." if needs_code else ".")]
        return render_template("auth/reauth.html", form=form, needs_code=needs_code), 422
    return render_template("auth/reauth.html", form=form, needs_code=needs_code), 422 if form.errors else 200
