"""Record export and releases (therapist only): ask for them, watch the file being made, download it. Audited."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from clinic import jobs
from clinic.audit.services import record
from clinic.auth.reauth import recent_auth_required
from clinic.couples.services import get_couple_for
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.forms import BaseForm, attach_error
from clinic.records import services
from clinic.records.forms import ExportForm, GenerateForm, ReleaseRequestForm
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


# What each kind of background job makes, as its page names it (the file's own name says whose it is).
JOB_TITLES = {
    "records.export": ("Record export", "The record"),
    "records.release": ("Record release", "The released record"),
    "handouts.packet": ("Session packet", "The session packet"),
}


@bp.get("/exports/<job_id>")
@therapist_required
def export_status(job_id: str):
    """Any background file of the signed-in therapist's: progress while it is made, then the download."""
    job = _own_job(job_id)
    title, subject = JOB_TITLES.get(job.kind, ("Your file", "The file"))
    return render_template("records/job.html", job=job, title=title, subject=subject), 200


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


# --------------------------------------------------------------------------- releases


@bp.get("/couples/<int:couple_id>/releases")
@therapist_required
def couple_releases(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    releases = services.releases_of(couple)
    return render_template("records/releases.html", couple=couple, releases=releases)


@bp.route("/couples/<int:couple_id>/releases/new", methods=["GET", "POST"])
@therapist_required
def request_release(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    form = ReleaseRequestForm()
    _release_choices(form, couple)
    if form.validate_on_submit():
        try:
            release = services.request_release(
                couple,
                current_user,
                scope=form.scope.data,
                recipient=form.recipient.data,
                recipient_name=form.recipient_name.data or "",
                recipient_organisation=form.recipient_organisation.data or "",
                purpose=form.purpose.data or "",
                include_process_notes=bool(form.include_process_notes.data),
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Release requested: each partner who must authorise it sees it in their portal.", "success")
            return redirect(url_for("records.release_detail", couple_id=couple.id, release_id=release.id))
    status = 422 if form.errors else 200
    return render_template("records/release_new.html", couple=couple, form=form), status


def _release_choices(form: ReleaseRequestForm, couple) -> None:
    partners = sorted(couple.partners, key=lambda p: p.position)
    form.scope.choices = {"joint": "The joint record (both partners must authorise)"} | {
        f"individual:{p.position}": f"Notes of individual sessions with {p.name} ({p.name} authorises)"
        for p in partners
    }
    form.recipient.choices = {"third_party": "A named third party"} | {
        f"partner:{p.position}": f"{p.name} (partner)" for p in partners
    }


@bp.get("/couples/<int:couple_id>/releases/<int:release_id>")
@therapist_required
def release_detail(couple_id: int, release_id: int):
    couple = get_couple_for(current_user, couple_id)
    release = services.get_release_for(couple, release_id)
    record("record_release.viewed", release)
    return render_template(
        "records/release.html",
        couple=couple,
        release=release,
        contents=services.release_contents(release),
        form=GenerateForm(),
        withdraw_form=BaseForm(),
    )


@bp.post("/couples/<int:couple_id>/releases/<int:release_id>/withdraw")
@therapist_required
def withdraw_release(couple_id: int, release_id: int):
    couple = get_couple_for(current_user, couple_id)
    release = services.get_release_for(couple, release_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_release(release)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash("The release request was withdrawn.", "success")
    return redirect(url_for("records.release_detail", couple_id=couple.id, release_id=release.id))


@bp.post("/couples/<int:couple_id>/releases/<int:release_id>/generate")
@therapist_required
@recent_auth_required(5)  # a record leaves the system: confirm who is asking
def generate_release(couple_id: int, release_id: int):
    couple = get_couple_for(current_user, couple_id)
    release = services.get_release_for(couple, release_id)
    form = GenerateForm()
    if not form.validate_on_submit():
        flash("Choose PDF or JSON.", "error")
        return redirect(url_for("records.release_detail", couple_id=couple.id, release_id=release.id))
    try:
        job = services.start_release(release, current_user, fmt=form.format.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("records.release_detail", couple_id=couple.id, release_id=release.id))
    return redirect(url_for("records.export_status", job_id=job.id))
