"""Therapist and admin pages for consent: who has signed what, making a couple active, editing documents."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.consent import printing, services
from clinic.consent.forms import ActivateForm, DocumentForm
from clinic.consent.models import KINDS
from clinic.couples.services import get_couple_for
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.handouts.markdown import to_html
from clinic.pdf import send_pdf
from clinic.security import admin_required, therapist_required

bp = Blueprint("consent", __name__)


def _couple_page(couple, form, status=200):
    state = services.status_for_partners(couple, couple.partners)
    return render_template(
        "consent/couple.html",
        couple=couple,
        state=state,
        complete=services.is_complete(state),
        history=services.signature_history(couple),
        overrides=services.overrides(couple),
        form=form,
    ), status


@bp.get("/couples/<int:couple_id>/consent")
@therapist_required
def couple_consent(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    record("consent.viewed", couple, couple_id=couple.id)
    return _couple_page(couple, ActivateForm(version=couple.version))


@bp.post("/couples/<int:couple_id>/consent/activate")
@therapist_required
def activate(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = ActivateForm()
    if not form.validate_on_submit():
        return _couple_page(couple, form, 422)
    try:
        overridden = services.activate(couple, current_user, form.reason.data or "", form.version.data)
    except EditConflict:
        db.session.rollback()
        flash("The couple was changed by someone else meanwhile; nothing was changed. Try again.", "error")
        return redirect(url_for("consent.couple_consent", couple_id=couple_id)), 303
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _couple_page(get_couple_for(current_user, couple_id), form, 422)
    db.session.commit()
    flash("The couple is now active" + (" (your reason was recorded)." if overridden else "."), "success")
    return redirect(url_for("consent.couple_consent", couple_id=couple_id))


@bp.get("/couples/<int:couple_id>/consent/signatures/<int:signature_id>.pdf")
@therapist_required
def signature_pdf(couple_id: int, signature_id: int):
    couple = get_couple_for(current_user, couple_id)
    signature = services.signature_for_therapist(current_user, couple, signature_id)
    record("consent_signature.printed", signature)
    try:
        pdf = printing.signed_copy_pdf(signature, couple, current_user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("consent.couple_consent", couple_id=couple_id))
    return send_pdf(pdf, f"consent-{signature.version.kind}-signed.pdf")


@bp.get("/admin/consent")
@admin_required
def documents():
    return render_template("consent/admin_documents.html", documents=services.current_documents(), kinds=KINDS)


@bp.route("/admin/consent/<kind>", methods=["GET", "POST"])
@admin_required
def edit_document(kind: str):
    document = services.current_documents().get(kind)
    if document is None:
        abort(404)
    form = DocumentForm(data={"title": document.title, "body": document.body})
    if form.validate_on_submit():
        version = services.save_document(kind, form.title.data, form.body.data, current_user)
        db.session.commit()
        flash("Saved: partners will be asked to sign the new version." if version else "No change to save.", "success")
        return redirect(url_for("consent.documents"))
    preview = to_html(form.body.data or "")
    return render_template(
        "consent/admin_edit.html", form=form, document=document, preview=preview
    ), 422 if form.errors else 200
