from flask import Blueprint, render_template, request
from sqlalchemy import select

from clinic.audit import services
from clinic.audit.forms import TrailFilterForm
from clinic.auth.models import User
from clinic.extensions import db
from clinic.security import admin_required

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.get("/")
@admin_required
def trail():
    """The audit trail, newest first: ids, action names and addresses only, never clinical content."""
    from clinic.settings import practice_zone

    form = TrailFilterForm(request.args)
    form.user.choices = {"": "Anyone", **{str(u.id): f"{u.name} ({u.role})" for u in _people()}}
    form.action.choices = {"": "Any action", **{a: a for a in services.known_actions()}}
    ok = form.validate()
    filters = _filters(form) if ok else {}
    page = db.paginate(services.trail_query(**filters, zone=practice_zone()), per_page=50, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/trail.html", form=form, page=page, args=args), 200 if ok else 422


def _filters(form) -> dict:
    user = form.user.data
    return {
        "actor_id": int(user) if user and user.isdigit() else None,
        "couple_id": form.couple.data,
        "action": form.action.data or None,
        "date_from": form.date_from.data,
        "date_to": form.date_to.data,
    }


def _people():
    return db.session.scalars(select(User).order_by(User.role, User.name)).all()
