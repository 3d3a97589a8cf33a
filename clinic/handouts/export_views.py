"""Record export (therapist only): a couple's record as PDF or JSON, audited."""

import json

from flask import Response, render_template
from flask_login import current_user

from clinic.audit.services import record
from clinic.auth.reauth import recent_auth_required
from clinic.couples.services import get_couple_for
from clinic.extensions import db
from clinic.handouts.documents import practice_footer, print_header
from clinic.handouts.export import couple_record, csi_chart
from clinic.handouts.forms import ExportForm
from clinic.handouts.printing import paper_for, scope_for
from clinic.handouts.views import bp
from clinic.pdf import PdfError, build_pdf, send_pdf
from clinic.security import therapist_required


@bp.route("/couples/<int:couple_id>/export", methods=["GET", "POST"])
@therapist_required
@recent_auth_required(5)  # a whole record leaves the system: confirm who is asking
def export_record(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = ExportForm()
    if not form.validate_on_submit():
        return render_template("handouts/export.html", couple=couple, form=form), 422 if form.errors else 200
    include = bool(form.include_process_notes.data)
    data = couple_record(couple, exported_by=current_user, include_process_notes=include)
    action = "record.exported_with_process_notes" if include else "record.exported"
    if form.format.data == "json":
        response = _json_response(data, couple.id)
    else:
        try:
            response = _pdf_response(couple, data)
        except PdfError as error:
            return render_template("handouts/pdf_failed.html", message=error.message, couple=couple), 503
    record(action, record_type="couple", record_id=couple.id, couple_id=couple.id)
    db.session.commit()
    return response


def _json_response(data: dict, couple_id: int) -> Response:
    body = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="couple-{couple_id}-record.json"'
    return response


def _pdf_response(couple, data: dict) -> Response:
    context = {
        "record": data,
        "header": print_header(couple, current_user),
        "footer": practice_footer(),
        "chart": csi_chart(couple),
    }
    pdf = build_pdf(
        "pdf/record.html",
        context,
        title=f"Record of {couple.display_name}",
        paper=paper_for(None),
        scope=scope_for(current_user, couple),
    )
    return send_pdf(pdf, f"couple-{couple.id}-record.pdf")
