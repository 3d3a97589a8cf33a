"""A couple's Handouts section: give a handout, print one for the couple, print the session packet."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.core import once
from clinic.couples.services import get_couple_for
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.handouts import services
from clinic.handouts.documents import handout_document
from clinic.handouts.forms import GiveForm, PacketForm, PrintForm
from clinic.handouts.library import builtin_handouts
from clinic.handouts.printing import handouts_pdf, packet_pdf
from clinic.handouts.views import bp
from clinic.homework.services import couple_assignments
from clinic.pdf import PdfError, send_pdf
from clinic.security import therapist_required


def _forms(couple, give=None, print_form=None, packet=None):
    choices = services.source_choices(current_user)
    recipients = services.partner_choices(couple)
    give = give or GiveForm(formdata=None)
    print_form = print_form or PrintForm(formdata=None, prefix="print")
    packet = packet or PacketForm(formdata=None, prefix="packet")
    give.source.choices = {"": "Choose a handout…", **choices}
    print_form.source.choices = choices
    give.for_partner.choices = print_form.for_partner.choices = recipients
    packet.for_partner.choices = {k: v for k, v in recipients.items() if k != "both"}
    packet.handouts.choices = choices
    return give, print_form, packet


def _section(couple, status=200, **forms):
    give, print_form, packet = _forms(couple, **forms)
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


def _refuse(couple, form, error: DomainError, key: str):
    db.session.rollback()
    getattr(form, error.field if error.field in form else "source").errors = [error.message]
    return _section(couple, 422, **{key: form})


@bp.get("/couples/<int:couple_id>/handouts")
@therapist_required
def couple_handouts(couple_id: int):
    return _section(get_couple_for(current_user, couple_id))


@bp.post("/couples/<int:couple_id>/handouts")
@therapist_required
def give_handout(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form, _, _ = _forms(couple, give=GiveForm())
    if not form.validate_on_submit():
        return _section(couple, 422, give=form)
    if done := once.already_done(form.form_token.data, current_user):
        return redirect(done)
    try:
        partner = services.resolve_partner(couple, form.for_partner.data)
        source = services.resolve_source(current_user, form.source.data)
        services.give_handout(couple, source, form.note.data, current_user, partner=partner)
    except DomainError as error:
        return _refuse(couple, form, error, "give")
    once.claim(form.form_token.data, current_user, url_for("handouts.couple_handouts", couple_id=couple.id))
    db.session.commit()
    flash(f"Given to {partner.name} only." if partner is not None else "Given.", "success")
    return redirect(url_for("handouts.couple_handouts", couple_id=couple.id))


@bp.post("/couples/<int:couple_id>/handouts/<int:given_id>/withdraw")
@therapist_required
def withdraw_handout(couple_id: int, given_id: int):
    couple = get_couple_for(current_user, couple_id)
    services.withdraw_handout(services.get_given_for_couple(couple, given_id))
    db.session.commit()
    flash("Withdrawn: it no longer shows in the portal.", "success")
    return redirect(url_for("handouts.couple_handouts", couple_id=couple.id))


@bp.get("/couples/<int:couple_id>/handouts/<int:given_id>/pdf")
@therapist_required
def given_pdf(couple_id: int, given_id: int):
    couple = get_couple_for(current_user, couple_id)
    given = services.get_given_for_couple(couple, given_id)
    doc = handout_document(given, couple=couple, note=given.note, partner=given.partner)
    return _send(
        couple, [doc], request.args.get("paper"), f"handout-{given.id}", "handout.printed", given, partner=given.partner
    )


@bp.get("/couples/<int:couple_id>/handouts/print")
@therapist_required
def print_for_couple(couple_id: int):
    """Any library handout, personalised for this couple or one partner, straight to PDF (nothing is given)."""
    couple = get_couple_for(current_user, couple_id)
    _, form, _ = _forms(couple, print_form=PrintForm(request.args, prefix="print"))
    if not form.validate():
        return _section(couple, 422, print_form=form)
    try:
        partner = services.resolve_partner(couple, form.for_partner.data)
        source = services.resolve_source(current_user, form.source.data)
        services.check_recipient(source, partner)
    except DomainError as error:
        return _refuse(couple, form, error, "print_form")
    doc = handout_document(source, couple=couple, note=form.note.data or "", partner=partner)
    return _send(couple, [doc], form.paper.data, "handout", "handout.printed", partner=partner)


@bp.get("/couples/<int:couple_id>/packet")
@therapist_required
def session_packet(couple_id: int):
    """One partner's session packet (their private items only), with an optional part for both."""
    couple = get_couple_for(current_user, couple_id)
    _, _, form = _forms(couple, packet=PacketForm(request.args, prefix="packet"))
    if not form.validate():
        return _section(couple, 422, packet=form)
    partner = services.resolve_partner(couple, form.for_partner.data)
    docs = [
        handout_document(services.resolve_source(current_user, s), couple=couple, partner=partner)
        for s in form.handouts.data or []
    ]
    try:
        pdf, _counts = packet_pdf(
            couple,
            partner,
            user=current_user,
            docs=docs,
            include_given=form.given.data,
            include_worksheets=form.worksheets.data,
            include_forms=form.forms.data,
            include_couple_part=form.couple_part.data,
            paper=form.paper.data,
        )
    except PdfError as error:
        return render_template("handouts/pdf_failed.html", message=error.message, couple=couple), 503
    record("session_packet.printed", record_type="couple", record_id=couple.id, couple_id=couple.id)
    db.session.commit()
    return send_pdf(pdf, f"session-packet-{couple.id}-{partner.position}.pdf")


def _send(couple, docs, paper, filename, action, given=None, partner=None):
    try:
        pdf = handouts_pdf(docs, user=current_user, couple=couple, paper=paper, partner=partner)
    except PdfError as error:
        return render_template("handouts/pdf_failed.html", message=error.message, couple=couple), 503
    if given is not None:
        record(action, given, couple_id=couple.id)
    else:
        record(action, record_type="couple", record_id=couple.id, couple_id=couple.id)
    db.session.commit()
    return send_pdf(pdf, f"{filename}.pdf")
