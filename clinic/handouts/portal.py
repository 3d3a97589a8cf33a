"""Handouts, the client's side (blueprint `handouts_portal`): what their therapist gave the couple, to read
on the page or download as PDF, and their homework worksheets to print."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from clinic.audit.services import record
from clinic.couples.services import partner_for_client
from clinic.extensions import db
from clinic.handouts import pages, services
from clinic.handouts.documents import handout_document
from clinic.handouts.printing import file_name, handouts_pdf
from clinic.homework.services import get_assignment_for_partner
from clinic.homework.worksheets import assignment_worksheets
from clinic.pdf import PdfError, send_pdf
from clinic.security import client_required

bp = Blueprint("handouts_portal", __name__)


@bp.get("/portal/handouts")
@client_required
def index():
    partner = partner_for_client(current_user)
    return render_template("handouts/portal_list.html", partner=partner, given=services.given_to_partner(partner))


@bp.get("/portal/handouts/<int:given_id>")
@client_required
def read(given_id: int):
    partner = partner_for_client(current_user)
    given = services.get_given_for_partner(partner, given_id)
    record("handout.viewed", given, couple_id=given.couple_id)
    doc = handout_document(given, couple=partner.couple, note=given.note, partner=given.partner)
    return render_template("handouts/portal_read.html", partner=partner, given=given, doc=doc)


@bp.get("/portal/handouts/<int:given_id>/pdf")
@client_required
def download(given_id: int):
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
        return pages.pdf_failed(error.message)
    record("handout.downloaded", given, couple_id=given.couple_id)
    db.session.commit()
    return send_pdf(pdf, file_name("handout", given.title, couple=partner.couple, partner=given.partner))


@bp.get("/portal/worksheets/<int:assignment_id>/pdf")
@client_required
def worksheet(assignment_id: int):
    """The partner's worksheets for one assignment: only their own sheet when each partner does it."""
    assignment, partner = get_assignment_for_partner(current_user, assignment_id)
    sheets = [
        s
        for s in assignment_worksheets(assignment, partner.couple)
        if assignment.who != "each" or s["for"] == partner.name
    ]
    return pages.send_worksheets(
        sheets,
        file_name("worksheet", assignment.exercise.title, couple=partner.couple, partner=assignment.partner),
        "worksheet.downloaded",
        couple=partner.couple,
        record_type="assignment",
        record_id=assignment.id,
        therapist=partner.couple.therapist,
    )
