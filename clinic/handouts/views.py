"""The handout library: built-in handouts, a therapist's own handouts, the editor with server-side preview."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.core import once
from clinic.errors import EditConflict
from clinic.extensions import db
from clinic.handouts import services
from clinic.handouts.documents import handout_document
from clinic.handouts.forms import HandoutForm, LibraryPrintForm
from clinic.handouts.library import builtin_handouts
from clinic.handouts.markdown import MAX_MARKDOWN_CHARS, to_html
from clinic.handouts.printing import handouts_pdf
from clinic.homework.library import library_for
from clinic.pdf import PdfError, send_pdf
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
    return _library_pdf(handout_document(handout), form.paper.data if form.validate() else None, slug)


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
    return _library_pdf(
        handout_document(handout), form.paper.data if form.validate() else None, f"handout-{handout.id}", handout
    )


@bp.post("/handouts/<int:handout_id>/archive")
@therapist_required
def archive_handout(handout_id: int):
    services.archive_handout(services.get_handout_for(current_user, handout_id))
    db.session.commit()
    flash("Handout removed from your library. Couples who were given it keep their copy.", "success")
    return redirect(url_for("handouts.library"))


def _library_pdf(doc: dict, paper: str | None, filename: str, handout=None):
    try:
        pdf = handouts_pdf([doc], user=current_user, paper=paper)
    except PdfError as error:
        return render_template("handouts/pdf_failed.html", message=error.message), 503
    if handout is not None:
        record("handout.printed", handout)
    else:
        record("handout.printed", record_type="builtin_handout", record_id=None)
    db.session.commit()
    return send_pdf(pdf, f"{filename}.pdf")


from clinic.handouts import couple_views, export_views, portal_views, worksheet_views  # noqa: E402,F401,I001
