"""Record export (therapist only): ask for it, watch it being made, download it. Audited."""

import io

from flask import Blueprint, abort, redirect, render_template, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from clinic import jobs
from clinic.auth.reauth import recent_auth_required
from clinic.couples.services import get_couple_for
from clinic.records.forms import ExportForm
from clinic.records.services import start_export
from clinic.security import therapist_required

bp = Blueprint("records", __name__)


@bp.route("/couples/<int:couple_id>/export", methods=["GET", "POST"])
@therapist_required
@recent_auth_required(5)  # a whole record leaves the system: confirm who is asking
def export_record(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = ExportForm()
    if not form.validate_on_submit():
        return render_template("records/export.html", couple=couple, form=form), 422 if form.errors else 200
    job = start_export(
        couple, current_user, fmt=form.format.data, include_process_notes=bool(form.include_process_notes.data)
    )
    return redirect(url_for("records.export_status", job_id=job.id))


@bp.get("/exports/<job_id>")
@therapist_required
def export_status(job_id: str):
    job = _own_job(job_id)
    return render_template("records/job.html", job=job), 200


@bp.get("/exports/<job_id>/file")
@therapist_required
def export_download(job_id: str) -> Response:
    job = _own_job(job_id)
    if not job.has_file():
        abort(404)
    mimetype = "application/json" if job.download_name.endswith(".json") else "application/pdf"
    body = io.BytesIO(job.file_path().read_bytes())  # read whole: no file handle outlives the request
    response = send_file(body, mimetype=mimetype, as_attachment=True, download_name=job.download_name)
    response.headers["Cache-Control"] = "no-store"
    return response


def _own_job(job_id: str) -> jobs.Job:
    """The signed-in therapist's own unexpired job; 404 for anyone else's, a missing or an expired one."""
    job = jobs.owned_job(job_id, current_user.id)
    if job is None:
        abort(404)
    return job
