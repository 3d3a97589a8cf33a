"""The partner's homework: the list by due-ness, one assignment with its form and history, editing."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.core import once
from clinic.couples.services import partner_for_client
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.homework import services
from clinic.homework.forms import entry_data, entry_form, entry_initial
from clinic.homework.progress import grouped, portal_items
from clinic.homework.views import attach_error, bp, paged
from clinic.security import client_required


@bp.get("/portal/homework")
@client_required
def portal_list():
    partner = partner_for_client(current_user)
    items = portal_items(partner)
    return render_template("homework/portal_list.html", partner=partner, groups=grouped(items), items=items)


@bp.route("/portal/homework/<int:assignment_id>", methods=["GET", "POST"])
@client_required
def portal_assignment(assignment_id: int):
    assignment, partner = services.get_assignment_for_partner(current_user, assignment_id)
    form = entry_form(
        assignment.exercise, data=None if request.method == "POST" else {"done_on": services.practice_today()}
    )
    if form.validate_on_submit():
        if done := once.already_done(form.form_token.data, current_user):
            return redirect(done)
        try:
            entry = services.add_entry(assignment, partner, entry_data(form))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            url = url_for("homework.portal_assignment", assignment_id=assignment.id, _anchor="history")
            once.claim(form.form_token.data, current_user, url)
            db.session.commit()
            flash(
                "Saved. "
                + (
                    "Your partner can read this entry."
                    if entry.is_shared
                    else "Only you and your therapist can read it."
                ),
                "success",
            )
            return redirect(url)
    elif request.method == "POST":
        _explain_date(assignment, form)
    else:
        record("assignment.viewed", assignment)
        db.session.commit()
    status = 422 if form.errors or getattr(form, "form_message", None) else 200
    return _assignment_page(assignment, partner, form), status


def _explain_date(assignment, form) -> None:
    """When other fields failed, say at once if the date is wrong too (not one message per round trip)."""
    if form.done_on.data is not None and not form.done_on.errors:
        try:
            services.check_entry_date(assignment, form.done_on.data)
        except DomainError as error:
            attach_error(form, error)


def _assignment_page(assignment, partner, form):
    item = next(i for i in portal_items(partner) if i.assignment.id == assignment.id)
    return render_template(
        "homework/portal_assignment.html",
        a=assignment,
        item=item,
        partner=partner,
        other=partner.couple.other_partner(partner),
        form=form,
        can_edit=services.can_edit,
        page=paged(item.entries, request.args.get("page", "")),
    )


@bp.route("/portal/homework/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@client_required
def edit_entry(entry_id: int):
    entry = services.get_own_entry(current_user, entry_id)
    form = entry_form(entry.assignment.exercise, data=None if request.method == "POST" else entry_initial(entry))
    if form.validate_on_submit():
        try:
            services.edit_entry(entry, current_user, form.version.data, entry_data(form))
        except EditConflict:
            db.session.rollback()
            return render_template("homework/entry_edit.html", form=form, entry=entry, conflict=True), 409
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Your changes are saved; the earlier version is kept in the history.", "success")
            return redirect(url_for("homework.portal_assignment", assignment_id=entry.assignment_id, _anchor="history"))
    elif request.method == "POST":
        _explain_date(entry.assignment, form)
    else:
        record("homework_entry.viewed", entry)
        db.session.commit()
    status = 422 if form.errors or getattr(form, "form_message", None) else 200
    return render_template(
        "homework/entry_edit.html", form=form, entry=entry, editable=services.can_edit(entry)
    ), status
