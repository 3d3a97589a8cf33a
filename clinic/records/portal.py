"""The partner's side of the record: authorise or decline a release, download their own entries."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.couples.services import partner_for_client
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.forms import BaseForm, attach_error
from clinic.pdf import send_pdf
from clinic.records import own, services
from clinic.records.forms import AuthoriseForm, DeclineForm
from clinic.security import client_required

bp = Blueprint("records_portal", __name__, url_prefix="/portal/records")


@bp.get("/releases")
@client_required
def releases():
    partner = partner_for_client(current_user)
    items = services.releases_for_partner(partner)
    return render_template("records/portal_releases.html", partner=partner, releases=items)


@bp.route("/releases/<int:release_id>", methods=["GET", "POST"])
@client_required
def release(release_id: int):
    """Read what would be released, to whom and why, and authorise it (typed full name + confirmation)."""
    partner = partner_for_client(current_user)
    item = services.get_release_for_partner(partner, release_id)
    form = AuthoriseForm()
    if form.validate_on_submit():
        try:
            services.authorise_release(
                item,
                partner,
                current_user,
                typed_name=form.typed_name.data or "",
                confirmed=bool(form.confirmed.data),
                process_notes=bool(form.process_notes.data),
            )
        except DomainError as error:
            db.session.rollback()
            if not error.problems:  # no longer open, or already answered: say so on the page
                flash(error.message, "error")
                return redirect(url_for("records_portal.release", release_id=release_id))
            item = services.get_release_for_partner(partner, release_id)
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Thank you: you authorised this release.", "success")
            return redirect(url_for("records_portal.releases"))
    elif request.method == "GET":
        record("record_release.read", item)
    return _page(partner, item, form, DeclineForm())


@bp.post("/releases/<int:release_id>/decline")
@client_required
def decline(release_id: int):
    partner = partner_for_client(current_user)
    item = services.get_release_for_partner(partner, release_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline_release(item, partner, current_user, reason=form.reason.data or "")
        except DomainError as error:
            db.session.rollback()
            if not error.problems:  # no longer open, or already answered: say so on the page
                flash(error.message, "error")
                return redirect(url_for("records_portal.release", release_id=release_id))
            item = services.get_release_for_partner(partner, release_id)
            attach_error(form, error)
        else:
            db.session.commit()
            flash("You declined this release. Nothing will be sent.", "success")
            return redirect(url_for("records_portal.releases"))
    return _page(partner, item, AuthoriseForm(formdata=None), form)


def _page(partner, item, form, decline_form):
    status = 422 if form.errors or decline_form.errors else 200
    return (
        render_template(
            "records/portal_release.html",
            partner=partner,
            release=item,
            contents=services.release_contents(item),
            decision=item.decision_of(partner),
            form=form,
            decline_form=decline_form,
        ),
        status,
    )


@bp.get("/mine")
@client_required
def mine():
    partner = partner_for_client(current_user)
    return render_template("records/portal_mine.html", partner=partner, form=BaseForm())


@bp.post("/mine/<fmt>")
@client_required
def download_mine(fmt: str) -> Response:
    """The partner's own entries and answers as JSON or a printable PDF (POST: nothing in the address)."""
    if fmt not in ("json", "pdf"):
        abort(404)
    partner = partner_for_client(current_user)
    if not BaseForm().validate_on_submit():
        abort(400)
    record("own_data.downloaded", record_type="partner", record_id=partner.id, couple_id=partner.couple_id)
    db.session.commit()
    if fmt == "json":
        response = Response(own.own_json(partner), mimetype="application/json")
        response.headers["Content-Disposition"] = f'attachment; filename="{own.own_file_name(partner, "json")}"'
        return response
    return send_pdf(own.own_pdf(partner, current_user), own.own_file_name(partner, "pdf"))
