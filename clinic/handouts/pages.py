"""Page helpers shared by the handout routes: the couple's Handouts section and sending PDFs."""

from flask import render_template, request
from flask_login import current_user

from clinic.audit.services import record
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.handouts import services
from clinic.handouts.forms import GiveForm, PacketForm, PrintForm
from clinic.handouts.library import builtin_handouts
from clinic.handouts.printing import handouts_pdf, worksheets_pdf
from clinic.homework.services import couple_assignments
from clinic.pdf import PdfError, send_pdf


def pdf_failed(message: str, couple=None):
    return render_template("handouts/pdf_failed.html", message=message, couple=couple), 503


def couple_forms(couple, give=None, print_form=None, packet=None):
    """The three forms of a couple's Handouts section, with their choices filled in."""
    choices = services.source_choices(current_user)
    recipients = services.partner_choices(couple)
    give = give or GiveForm(formdata=None)
    print_form = print_form or PrintForm(formdata=None, prefix="print")
    packet = packet or PacketForm(formdata=None, prefix="packet")
    give.source.choices = {"": "Choose a handout…", **choices}
    print_form.source.choices = {"": "Choose a handout…", **choices}
    give.for_partner.choices = print_form.for_partner.choices = recipients
    packet.for_partner.choices = {k: v for k, v in recipients.items() if k != "both"}
    packet.handouts.choices = choices
    return give, print_form, packet


def couple_section(couple, status=200, **forms):
    give, print_form, packet = couple_forms(couple, **forms)
    return render_template(
        "handouts/couple.html",
        couple=couple,
        given=services.given_to_couple(couple),
        assignments=[a for a in couple_assignments(couple) if a.status == "active"],
        give_form=give,
        print_form=print_form,
        packet_form=packet,
        builtins={f"b:{h.slug}": h for h in builtin_handouts()},
    ), status


def refuse(couple, form, error: DomainError, key: str):
    """The section again, with the refusal shown on the field it concerns."""
    db.session.rollback()
    field = error.field if error.field is not None and error.field in form else "source"
    form[field].errors = [error.message]
    return couple_section(couple, 422, **{key: form})


def send_handouts(couple, docs, paper, filename, action, given=None, partner=None):
    """Handouts for a couple as one PDF, audited."""
    try:
        pdf = handouts_pdf(docs, user=current_user, couple=couple, paper=paper, partner=partner)
    except PdfError as error:
        return pdf_failed(error.message, couple)
    if given is not None:
        record(action, given, couple_id=couple.id)
    else:
        record(action, record_type="couple", record_id=couple.id, couple_id=couple.id)
    db.session.commit()
    return send_pdf(pdf, filename)


def send_library_pdf(doc: dict, paper: str | None, filename: str, handout=None):
    """A library handout (built-in or the therapist's own) as PDF, not personalised, audited."""
    try:
        pdf = handouts_pdf([doc], user=current_user, paper=paper)
    except PdfError as error:
        return pdf_failed(error.message)
    if handout is not None:
        record("handout.printed", handout)
    else:
        record("handout.printed", record_type="builtin_handout", record_id=None)
    db.session.commit()
    return send_pdf(pdf, filename)


def send_worksheets(sheets, filename, action, *, couple=None, record_type, record_id, therapist=None):
    """Worksheets as one PDF, audited; `therapist` is who the header names (default: who asks)."""
    try:
        pdf = worksheets_pdf(
            sheets, user=therapist or current_user, viewer=current_user, couple=couple, paper=request.args.get("paper")
        )
    except PdfError as error:
        return pdf_failed(error.message)
    record(action, record_type=record_type, record_id=record_id, couple_id=couple.id if couple else None)
    db.session.commit()
    return send_pdf(pdf, filename)
