from flask import Blueprint, render_template
from flask_login import current_user

from clinic.couples.services import partner_for_client
from clinic.security import client_required

bp = Blueprint("portal", __name__, url_prefix="/portal")


@bp.get("/")
@client_required
def today():
    """Today: what is due, what the partner shared, a questionnaire waiting (sections from each domain)."""
    partner = partner_for_client(current_user)
    return render_template("portal/today.html", partner=partner, couple=partner.couple)
