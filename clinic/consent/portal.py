"""The partner's side of consent: read each required document, sign it, download a signed copy."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.consent import printing, services
from clinic.consent.forms import SignForm
from clinic.couples.services import partner_for_client
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.handouts.markdown import to_html
from clinic.pdf import send_pdf
from clinic.security import client_required

bp = Blueprint("consent_portal", __name__, url_prefix="/portal/consent")


@bp.get("/")
@client_required
def index():
    partner = partner_for_client(current_user)
    items = services.status_for_partners(partner.couple, [partner])[partner.id]
    return render_template("consent/portal_index.html", partner=partner, items=items)


@bp.route("/<kind>", methods=["GET", "POST"])
@client_required
def document(kind: str):
    partner = partner_for_client(current_user)
    item = services.document_for_partner(partner, kind)
    form = SignForm(content_hash=item.document.content_hash)
    if form.validate_on_submit():
        try:
            services.sign(
                partner, current_user, kind, form.content_hash.data, form.typed_name.data, form.confirmed.data
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            item = services.document_for_partner(partner, kind)
            form.content_hash.data = item.document.content_hash  # the next try signs the text now shown
        else:
            db.session.commit()
            flash(f"Thank you: you signed “{item.document.title}”.", "success")
            return redirect(url_for("consent_portal.index"))
    body = to_html(item.document.body)
    status = 422 if form.errors else 200
    return render_template("consent/portal_document.html", partner=partner, item=item, body=body, form=form), status


@bp.get("/signatures/<int:signature_id>.pdf")
@client_required
def signature_pdf(signature_id: int):
    partner = partner_for_client(current_user)
    signature = services.signature_for_client(partner, signature_id)
    record("consent_signature.printed", signature)
    try:
        pdf = printing.signed_copy_pdf(signature, partner.couple, current_user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("consent_portal.index"))
    return send_pdf(pdf, f"consent-{signature.version.kind}-signed.pdf")
