"""Caseload care pages: a therapist's search by name (POST, so names never sit in a URL) and the
administrator's transfer of couples, reviewed on a confirmation page before anything moves."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.security import admin_required
from clinic.supervision import caseload
from clinic.supervision.forms import SearchForm, TransferForm
from clinic.supervision.services import pending_on, therapist_choices
from clinic.supervision.views import bp, therapist_only


@bp.post("/caseload/search")
@therapist_only
def search_caseload():
    form = SearchForm()
    found = caseload.search(current_user, form.q.data) if form.validate_on_submit() else []
    status = 422 if form.errors else 200
    return render_template("supervision/search.html", form=form, found=found, search_q=form.q.data), status


@bp.post("/supervision/search")
@therapist_only
def search_supervised():
    """A supervisor finds a couple among their active supervisees' caseloads (POST: no names in URLs)."""
    form = SearchForm()
    found = caseload.search_supervised(current_user, form.q.data) if form.validate_on_submit() else []
    if form.q.data and not form.errors:
        record("supervision.searched", record_type="user", record_id=current_user.id)
        db.session.commit()
    status = 422 if form.errors else 200
    return render_template("supervision/supervised_search.html", form=form, found=found, search_q=form.q.data), status


def shows_names(user) -> bool:
    """An administrator who holds no clinical role sees couples by reference number only."""
    return user.role == "therapist"


@bp.get("/admin/transfers")
@admin_required
def transfers():
    therapists = list(therapist_choices().items())
    return render_template("supervision/transfers.html", therapists=therapists)


@bp.route("/admin/transfers/<int:therapist_id>", methods=["GET", "POST"])
@admin_required
def transfer(therapist_id: int):
    source = caseload.therapist_or_404(therapist_id)
    couples = caseload.couples_of(source)
    form = TransferForm()
    form.couples.choices = [(c.id, c.id) for c in couples]
    form.to_therapist.choices = {"": "Choose…", **therapist_choices()}
    context = {"source": source, "couples": couples, "form": form, "names": shows_names(current_user)}
    if not form.is_submitted():
        form.couples.data = [c.id for c in couples]  # a departing therapist's whole caseload by default
        return render_template("supervision/transfer.html", **context)
    if form.validate():
        try:
            target = caseload.therapist_or_404(int(form.to_therapist.data))
            chosen = caseload.check_transfer(form.couples.data, source, target)
        except DomainError as error:
            attach_error(form, error)
        else:
            if form.confirmed.data:
                return _do_transfer(form, source, target, context)
            pending = pending_on([c.id for c in chosen])
            return render_template(
                "supervision/transfer_confirm.html", chosen=chosen, target=target, pending=pending, **context
            )
    elif not form.couples.data:
        form.couples.errors = ["Choose at least one couple to transfer."]  # shown with the other mistakes
    return render_template("supervision/transfer.html", **context), 422


def _do_transfer(form, source, target, context):
    try:
        moved = caseload.transfer(form.couples.data, source, target, current_user)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return render_template("supervision/transfer.html", **context), 422
    db.session.commit()
    flash(f"{len(moved)} {'couple' if len(moved) == 1 else 'couples'} transferred to {target.name}.", "success")
    return redirect(url_for("supervision.transfers"))
