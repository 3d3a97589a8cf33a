"""The client side of couples: a partner accepting their invitation link and getting an account."""

from flask import Blueprint, flash, redirect, render_template, url_for

from clinic.auth import services as accounts
from clinic.auth import throttle
from clinic.auth.forms import AcceptInvitationForm
from clinic.couples import invitations
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.forms import attach_error

bp = Blueprint("couples_portal", __name__)


@bp.route("/invite/<token>", methods=["GET", "POST"])
@throttle.invite_by_address
def accept_invitation(token: str):
    invitation = invitations.find_usable(token)
    if invitation is None:
        return render_template("couples/invitation_invalid.html"), 404
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(invitation, form.new_password.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            return render_template("couples/accept_invitation.html", form=form, invitation=invitation), 422
        accounts.sign_in(user)
        db.session.commit()
        flash("Welcome. Your account is ready.", "success")
        return redirect(url_for("portal.today"))
    status = 422 if form.errors else 200
    if invitation.opened_at is None:
        invitations.note_opened(invitation)
        db.session.commit()
    return render_template("couples/accept_invitation.html", form=form, invitation=invitation), status
