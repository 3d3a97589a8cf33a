from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.auth.services import likely_zones
from clinic.couples.services import partner_for_client
from clinic.errors import DomainError
from clinic.extensions import csrf, db
from clinic.forms import attach_error
from clinic.reminders import services
from clinic.reminders.forms import PreferenceForm
from clinic.security import client_required
from clinic.settings import zone_select_choices

bp = Blueprint("reminders", __name__)


@bp.route("/portal/reminders", methods=["GET", "POST"])
@client_required
def preferences():
    partner = partner_for_client(current_user)
    row = services.preference_for(partner)
    # Before any choice is saved, the zone offered is the partner's own (account page), else the practice's.
    start_zone = row.time_zone if row else current_user.time_zone or services.practice_time_zone()
    form = PreferenceForm(obj=row, time_zone=start_zone)
    form.time_zone.choices = zone_select_choices(likely_zones())
    if form.validate_on_submit():
        try:
            services.save_preference(partner, form.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Your reminder choices are saved.", "success")
            return redirect(url_for("reminders.preferences"))
    return render_template("reminders/preferences.html", form=form), 422 if form.errors else 200


@bp.route("/reminders/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # one click from the email (RFC 8058 List-Unsubscribe-Post too); the signed token is the proof
def unsubscribe(token: str):
    """Opening the link (GET) only asks: mail scanners follow links, and must not turn reminders off.
    The button, or a mail program's RFC 8058 one-click POST, does it."""
    if request.method == "GET":
        if not services.unsubscribe_token_is_valid(token):
            return render_template("reminders/unsubscribed.html", ok=False), 404
        return render_template("reminders/unsubscribed.html", ask=True, token=token)
    if not services.unsubscribe(token):
        return render_template("reminders/unsubscribed.html", ok=False), 404
    db.session.commit()
    return render_template("reminders/unsubscribed.html", ok=True)
