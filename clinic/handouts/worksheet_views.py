"""Worksheets: any homework exercise, or a couple's assignment, printed with room to write by hand."""

from flask import render_template, request
from flask_login import current_user

from clinic.audit.services import record
from clinic.couples.services import get_couple_for
from clinic.extensions import db
from clinic.handouts.printing import worksheets_pdf
from clinic.handouts.views import bp
from clinic.handouts.worksheets import assignment_worksheets, exercise_worksheet
from clinic.pdf import PdfError, send_pdf
from clinic.security import client_required, therapist_required


@bp.get("/handouts/worksheets/<int:exercise_id>/pdf")
@therapist_required
def exercise_worksheet_pdf(exercise_id: int):
    from clinic.homework.library import get_exercise_for

    exercise = get_exercise_for(current_user, exercise_id)
    return _send(
        [exercise_worksheet(exercise)],
        f"worksheet-{exercise.slug}",
        "worksheet.printed",
        record_type="exercise",
        record_id=exercise.id,
    )


@bp.get("/couples/<int:couple_id>/worksheets/<int:assignment_id>/pdf")
@therapist_required
def assignment_worksheet_pdf(couple_id: int, assignment_id: int):
    from clinic.homework.services import get_assignment_for_therapist

    assignment = get_assignment_for_therapist(current_user, couple_id, assignment_id)
    couple = get_couple_for(current_user, couple_id)
    return _send(
        assignment_worksheets(assignment, couple),
        f"worksheet-{assignment.id}",
        "worksheet.printed",
        couple=couple,
        record_type="assignment",
        record_id=assignment.id,
    )


@bp.get("/portal/worksheets/<int:assignment_id>/pdf")
@client_required
def portal_worksheet_pdf(assignment_id: int):
    from clinic.homework.services import get_assignment_for_partner

    assignment, partner = get_assignment_for_partner(current_user, assignment_id)
    sheets = [
        s
        for s in assignment_worksheets(assignment, partner.couple)
        if assignment.who != "each" or s["for"] == partner.name
    ]
    return _send(
        sheets,
        f"worksheet-{assignment.id}",
        "worksheet.downloaded",
        couple=partner.couple,
        record_type="assignment",
        record_id=assignment.id,
        therapist=partner.couple.therapist,
    )


def _send(sheets, filename, action, *, couple=None, record_type, record_id, therapist=None):
    try:
        pdf = worksheets_pdf(
            sheets, user=therapist or current_user, viewer=current_user, couple=couple, paper=request.args.get("paper")
        )
    except PdfError as error:
        return render_template("handouts/pdf_failed.html", message=error.message, couple=None), 503
    record(action, record_type=record_type, record_id=record_id, couple_id=couple.id if couple else None)
    db.session.commit()
    return send_pdf(pdf, f"{filename}.pdf")
