"""The client's Handouts: what their therapist gave the couple, to read on the page or download as PDF."""

from flask import render_template, request
from flask_login import current_user

from clinic.audit.services import record
from clinic.couples.services import partner_for_client
from clinic.extensions import db
from clinic.handouts import services
from clinic.handouts.documents import handout_document
from clinic.handouts.printing import handouts_pdf
from clinic.handouts.views import bp
from clinic.pdf import PdfError, send_pdf
from clinic.security import client_required


@bp.get("/portal/handouts")
@client_required
def portal_list():
    partner = partner_for_client(current_user)
    return render_template("handouts/portal_list.html", partner=partner, given=services.given_to_partner(partner))


@bp.get("/portal/handouts/<int:given_id>")
@client_required
def portal_read(given_id: int):
    partner = partner_for_client(current_user)
    given = services.get_given_for_partner(partner, given_id)
    record("handout.viewed", given, couple_id=given.couple_id)
    db.session.commit()
    doc = handout_document(given, couple=partner.couple, note=given.note, partner=given.partner)
    return render_template("handouts/portal_read.html", partner=partner, given=given, doc=doc)


@bp.get("/portal/handouts/<int:given_id>/pdf")
@client_required
def portal_pdf(given_id: int):
    partner = partner_for_client(current_user)
    given = services.get_given_for_partner(partner, given_id)
    doc = handout_document(given, couple=partner.couple, note=given.note, partner=given.partner)
    try:
        pdf = handouts_pdf(
            [doc],
            user=given.given_by,
            couple=partner.couple,
            paper=request.args.get("paper"),
            when=given.given_at,
            viewer=current_user,
            partner=given.partner,
        )
    except PdfError as error:
        return render_template("handouts/pdf_failed.html", message=error.message), 503
    record("handout.downloaded", given, couple_id=given.couple_id)
    db.session.commit()
    return send_pdf(pdf, f"handout-{given.id}.pdf")
