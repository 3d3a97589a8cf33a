"""Handouts, the therapist's side (blueprint `handouts`): the library (built-in and own handouts, the editor
with server-side preview), a couple's Handouts section (give, withdraw, print, session packet) and
worksheets printed from homework exercises and assignments."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.core import once
from clinic.couples.services import get_couple_for
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.handouts import pages, services
from clinic.handouts.documents import handout_document
from clinic.handouts.forms import GiveForm, HandoutForm, LibraryPrintForm, PacketForm, PrintForm
from clinic.handouts.library import builtin_handouts
from clinic.handouts.markdown import MAX_MARKDOWN_CHARS, to_html
from clinic.handouts.packets import start_packet
from clinic.handouts.printing import file_name
from clinic.homework.library import get_exercise_for, library_for
from clinic.homework.services import get_assignment_for_therapist
from clinic.homework.worksheets import assignment_worksheets, exercise_worksheet
from clinic.security import therapist_required

bp = Blueprint("handouts", __name__)


@bp.get("/handouts/")
@therapist_required
def library():
    return render_template(
        "handouts/library.html",
        builtins=builtin_handouts(),
        own=services.own_handouts(current_user),
        exercises=_exercises(),
    )


def _exercises() -> list:
    """The homework exercises this therapist can print as worksheets."""
    return library_for(current_user, {})


@bp.get("/handouts/builtin/<slug>")
@therapist_required
def builtin(slug: str):
    handout = services.get_builtin_or_404(slug)
    return render_template(
        "handouts/read.html",
        doc=handout_document(handout),
        slug=slug,
        handout=None,
        print_form=LibraryPrintForm(request.args),
    )


@bp.get("/handouts/builtin/<slug>/pdf")
@therapist_required
def builtin_pdf(slug: str):
    handout = services.get_builtin_or_404(slug)
    form = LibraryPrintForm(request.args)
    return pages.send_library_pdf(
        handout_document(handout), form.paper.data if form.validate() else None, file_name("handout", handout.title)
    )


@bp.post("/handouts/builtin/<slug>/copy")
@therapist_required
def copy_builtin(slug: str):
    handout = services.copy_builtin(current_user, services.get_builtin_or_404(slug))
    db.session.commit()
    flash("A copy is now in your handouts. Change it as you like; the original stays as it was.", "success")
    return redirect(url_for("handouts.edit_handout", handout_id=handout.id))


@bp.route("/handouts/new", methods=["GET", "POST"])
@therapist_required
def new_handout():
    form = HandoutForm()
    if form.validate_on_submit() and form.save.data:
        if done := once.already_done(form.form_token.data, current_user):
            return redirect(done)
        handout = services.create_handout(current_user, form.data)
        once.claim(form.form_token.data, current_user, url_for("handouts.own", handout_id=handout.id))
        db.session.commit()
        flash("Handout saved. Only you can see it in your library.", "success")
        return redirect(url_for("handouts.own", handout_id=handout.id))
    return _editor(form, None)


@bp.route("/handouts/<int:handout_id>/edit", methods=["GET", "POST"])
@therapist_required
def edit_handout(handout_id: int):
    handout = services.get_handout_for(current_user, handout_id)
    form = HandoutForm(obj=handout)
    if form.validate_on_submit() and form.save.data:
        try:
            services.update_handout(handout, form.version.data, form.data)
        except EditConflict:
            db.session.rollback()
            return _editor(form, handout, conflict=True)
        db.session.commit()
        flash("Changes saved.", "success")
        return redirect(url_for("handouts.own", handout_id=handout.id))
    return _editor(form, handout)


def _editor(form: HandoutForm, handout, conflict: bool = False):
    """The editor page; a Preview submit shows the sanitised rendering of the text as sent."""
    preview = to_html(form.body.data or "") if form.preview.data and not form.errors else None
    status = 409 if conflict else 422 if form.errors else 200
    return render_template(
        "handouts/editor.html", form=form, handout=handout, preview=preview, conflict=conflict
    ), status


@bp.post("/handouts/preview")
@therapist_required
def preview():
    """The sanitised rendering of posted Markdown, for the editor's live preview (JavaScript)."""
    text = request.form.get("body", "")[:MAX_MARKDOWN_CHARS]
    return Response(str(to_html(text)), mimetype="text/html")


@bp.get("/handouts/<int:handout_id>")
@therapist_required
def own(handout_id: int):
    handout = services.get_handout_for(current_user, handout_id)
    return render_template(
        "handouts/read.html",
        doc=handout_document(handout),
        handout=handout,
        slug=None,
        print_form=LibraryPrintForm(request.args),
    )


@bp.get("/handouts/<int:handout_id>/pdf")
@therapist_required
def own_pdf(handout_id: int):
    handout = services.get_handout_for(current_user, handout_id)
    form = LibraryPrintForm(request.args)
    return pages.send_library_pdf(
        handout_document(handout),
        form.paper.data if form.validate() else None,
        file_name("handout", handout.title),
        handout,
    )


@bp.post("/handouts/<int:handout_id>/archive")
@therapist_required
def archive_handout(handout_id: int):
    services.archive_handout(services.get_handout_for(current_user, handout_id))
    db.session.commit()
    flash("Handout removed from your library. Couples who were given it keep their copy.", "success")
    return redirect(url_for("handouts.library"))


# A couple's Handouts section: give a handout, print one for the couple, print the session packet.


@bp.get("/couples/<int:couple_id>/handouts")
@therapist_required
def couple_handouts(couple_id: int):
    return pages.couple_section(get_couple_for(current_user, couple_id))


@bp.post("/couples/<int:couple_id>/handouts")
@therapist_required
def give_handout(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form, _, _ = pages.couple_forms(couple, give=GiveForm())
    if not form.validate_on_submit():
        return pages.couple_section(couple, 422, give=form)
    if done := once.already_done(form.form_token.data, current_user):
        return redirect(done)
    try:
        partner = services.resolve_partner(couple, form.for_partner.data)
        source = services.resolve_source(current_user, form.source.data)
        services.give_handout(couple, source, form.note.data, current_user, partner=partner)
    except DomainError as error:
        return pages.refuse(couple, form, error, "give")
    once.claim(form.form_token.data, current_user, url_for("handouts.couple_handouts", couple_id=couple.id))
    db.session.commit()
    flash("Given to one partner only." if partner is not None else "Given.", "success")
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
    name = file_name("handout", given.title, couple=couple, partner=given.partner)
    return pages.send_handouts(
        couple, [doc], request.args.get("paper"), name, "handout.printed", given, partner=given.partner
    )


@bp.post("/couples/<int:couple_id>/handouts/print")
@therapist_required
def print_for_couple(couple_id: int):
    """Any library handout, personalised for this couple or one partner, straight to PDF (nothing is given)."""
    couple = get_couple_for(current_user, couple_id)
    _, form, _ = pages.couple_forms(couple, print_form=PrintForm(prefix="print"))
    if not form.validate_on_submit():
        return pages.couple_section(couple, 422, print_form=form)
    try:
        partner = services.resolve_partner(couple, form.for_partner.data)
        source = services.resolve_source(current_user, form.source.data)
        services.check_recipient(source, partner)
    except DomainError as error:
        return pages.refuse(couple, form, error, "print_form")
    doc = handout_document(source, couple=couple, note=form.note.data or "", partner=partner)
    name = file_name("handout", doc["title"], couple=couple, partner=partner)
    return pages.send_handouts(couple, [doc], form.paper.data, name, "handout.printed", partner=partner)


@bp.post("/couples/<int:couple_id>/packet")
@therapist_required
def session_packet(couple_id: int):
    """One partner's session packet (their private items only), with an optional part for both.

    The PDF is made in the background; the therapist goes to the job's page to watch and download it."""
    couple = get_couple_for(current_user, couple_id)
    _, _, form = pages.couple_forms(couple, packet=PacketForm(prefix="packet"))
    if not form.validate():
        return pages.couple_section(couple, 422, packet=form)
    partner = services.resolve_partner(couple, form.for_partner.data)
    job = start_packet(couple, partner, current_user, form.data)
    return redirect(url_for("records.export_status", job_id=job.id))


# Worksheets: any homework exercise, or a couple's assignment, printed with room to write by hand.


@bp.get("/handouts/worksheets/<int:exercise_id>/pdf")
@therapist_required
def exercise_worksheet_pdf(exercise_id: int):
    exercise = get_exercise_for(current_user, exercise_id)
    return pages.send_worksheets(
        [exercise_worksheet(exercise)],
        file_name("worksheet", exercise.title),
        "worksheet.printed",
        record_type="exercise",
        record_id=exercise.id,
    )


@bp.get("/couples/<int:couple_id>/worksheets/<int:assignment_id>/pdf")
@therapist_required
def assignment_worksheet_pdf(couple_id: int, assignment_id: int):
    assignment = get_assignment_for_therapist(current_user, couple_id, assignment_id)
    couple = get_couple_for(current_user, couple_id)
    return pages.send_worksheets(
        assignment_worksheets(assignment, couple),
        file_name("worksheet", assignment.exercise.title, couple=couple, partner=assignment.partner),
        "worksheet.printed",
        couple=couple,
        record_type="assignment",
        record_id=assignment.id,
    )
