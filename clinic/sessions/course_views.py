"""The couple's course (timeline, EFT progress, CBCT modules, cycle map) and the cycle map editor."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.audit.services import record
from clinic.couples.services import get_couple_for
from clinic.errors import EditConflict
from clinic.extensions import db
from clinic.sessions import services
from clinic.sessions.course import compute_course
from clinic.sessions.forms import CycleMapForm
from clinic.sessions.models import CYCLE_STEPS
from clinic.sessions.views import bp, therapist_only


@bp.get("/couples/<int:couple_id>/course")
@therapist_only
def course(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    record("course.viewed", record_type="couple", record_id=couple.id, couple_id=couple.id)
    db.session.commit()
    return render_template(
        "sessions/course.html",
        couple=couple,
        course=compute_course(couple),
        cycle_map=services.current_cycle_map(couple),
        steps=CYCLE_STEPS,
    )


@bp.route("/couples/<int:couple_id>/cycle-map", methods=["GET", "POST"])
@therapist_only
def cycle_map(couple_id: int):
    couple = get_couple_for(current_user, couple_id)
    current = services.current_cycle_map(couple)
    if request.method == "GET":
        form = CycleMapForm(formdata=None, data=_map_data(current), couple=couple)
    else:
        form = CycleMapForm(couple=couple)
    if form.validate_on_submit():
        try:
            services.save_cycle_map(
                couple, current_user, form.based_on.data, form.cycle_name.data or "", form.words("a"), form.words("b")
            )
        except EditConflict:
            db.session.rollback()
            current = services.current_cycle_map(couple)
            form.based_on.data = current.number if current else None
            return _page(couple, form, current, status=409, conflict=True)
        db.session.commit()
        flash("Cycle map saved. The earlier version stays in its history.", "success")
        return redirect(url_for("sessions.course", couple_id=couple.id, _anchor="cycle-map"))
    record("cycle_map.viewed", record_type="couple", record_id=couple.id, couple_id=couple.id)
    db.session.commit()
    return _page(couple, form, current, status=422 if form.errors else 200)


def _page(couple, form, current, status=200, **context):
    return render_template(
        "sessions/cycle_map.html",
        couple=couple,
        form=form,
        current=current,
        steps=CYCLE_STEPS,
        history=services.cycle_map_history(couple),
        **context,
    ), status


def _map_data(current) -> dict:
    if current is None:
        return {}
    data = {"cycle_name": current.cycle_name, "based_on": current.number}
    for position in ("a", "b"):
        data.update({f"{position}_{key}": value for key, value in current.words(position).items()})
    return data
