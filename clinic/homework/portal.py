"""Homework, the partner's side (blueprint `homework_portal`): the list by due-ness, one assignment with
its form and history, and editing one's own entry."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from clinic.audit.services import record
from clinic.core import once
from clinic.couples.services import partner_for_client
from clinic.errors import DomainError, EditConflict, edit_conflict
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.homework import services
from clinic.homework.forms import entry_data, entry_form, entry_initial
from clinic.homework.models import Entry
from clinic.homework.paging import form_status
from clinic.homework.progress import grouped, portal_item, portal_page
from clinic.security import client_required

bp = Blueprint("homework_portal", __name__)


@bp.get("/portal/homework", endpoint="list")
@client_required
def homework_list():
    partner = partner_for_client(current_user)
    arg = request.args.get("finished", "")
    page = portal_page(partner, finished_page=max(int(arg), 1) if arg.isdigit() else 1)
    return render_template(
        "homework/portal_list.html", partner=partner, groups=grouped(page.items), items=page.items, page=page
    )


@bp.route("/portal/homework/<int:assignment_id>", methods=["GET", "POST"])
@client_required
def assignment(assignment_id: int):
    item, partner = services.get_assignment_for_partner(current_user, assignment_id)
    form = entry_form(item.exercise, data=None if request.method == "POST" else {"done_on": services.practice_today()})
    if form.validate_on_submit():
        if done := once.already_done(form.form_token.data, current_user):
            return redirect(done)
        try:
            entry = services.add_entry(item, partner, entry_data(form))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            url = url_for("homework_portal.assignment", assignment_id=item.id, _anchor="history")
            once.claim(form.form_token.data, current_user, url)
            db.session.commit()
            flash("Saved. " + services.sharing_note(entry), "success")
            return redirect(url)
    elif request.method == "POST":
        _explain_date(item, form)
    else:
        record("assignment.viewed", item)
        db.session.commit()
    return _assignment_page(item, partner, form), form_status(form)


@bp.route("/portal/homework/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@client_required
def edit_entry(entry_id: int):
    entry = services.get_own_entry(current_user, entry_id)
    form = entry_form(entry.assignment.exercise, data=None if request.method == "POST" else entry_initial(entry))
    if form.validate_on_submit():
        try:
            services.edit_entry(entry, current_user, form.version.data, entry_data(form))
        except EditConflict:
            return edit_conflict("homework/entry_edit.html", form=form, entry=entry)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Your changes are saved; the earlier version is kept in the history.", "success")
            url = url_for("homework_portal.assignment", assignment_id=entry.assignment_id, _anchor="history")
            return redirect(url)
    elif request.method == "POST":
        _explain_date(entry.assignment, form)
    else:
        record("homework_entry.viewed", entry)
        db.session.commit()
    page = render_template("homework/entry_edit.html", form=form, entry=entry, editable=services.can_edit(entry))
    return page, form_status(form)


def _explain_date(assignment, form) -> None:
    """When other fields failed, say at once if the date is wrong too (not one message per round trip)."""
    if form.done_on.data is not None and not form.done_on.errors:
        try:
            services.check_entry_date(assignment, form.done_on.data)
        except DomainError as error:
            attach_error(form, error)


def _assignment_page(assignment, partner, form):
    item = portal_item(assignment, partner)
    entries = services.visible_entries_query(partner, [assignment.id]).options(selectinload(Entry.revisions))
    return render_template(
        "homework/portal_assignment.html",
        a=assignment,
        item=item,
        partner=partner,
        other=partner.couple.other_partner(partner),
        form=form,
        can_edit=services.can_edit,
        page=services.entries_page(entries, request.args.get("page", "")),
    )
