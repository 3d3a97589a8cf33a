"""Homework blueprint. The exercise library lives here; couple pages and the partner's portal are in
`couple_views.py` and `portal_views.py`, which add their routes to the same blueprint."""

import re
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.core import once
from clinic.couples.services import caseload_query
from clinic.errors import DomainError, EditConflict
from clinic.extensions import db
from clinic.homework import library
from clinic.homework.forms import ExerciseForm, LibraryFilterForm
from clinic.security import therapist_required

bp = Blueprint("homework", __name__)


def attach_error(form, error: DomainError) -> None:
    """Put a service's message next to its field (answers are `a_<key>`), or at the top of the form.
    An error carrying several `problems` puts each one next to its own field."""
    if problems := getattr(error, "problems", None):
        for problem in problems:
            attach_error(form, problem)
        return
    for name in (error.field, f"a_{error.field}"):
        if name and name in form:
            form[name].errors = [*form[name].errors, error.message]
            return
    form.form_message = error.message


@dataclass
class Page:
    items: list
    page: int
    pages: int
    total: int


def paged(items: list, page_arg: str, per_page: int = 20) -> Page:
    """A page of an already loaded list (entries of one assignment: bounded, needed whole for the counts)."""
    pages = max(1, -(-len(items) // per_page))
    page = min(max(int(page_arg) if page_arg.isdigit() else 1, 1), pages)
    return Page(items[(page - 1) * per_page : page * per_page], page, pages, len(items))


@bp.get("/exercises", endpoint="library")
@therapist_required
def library_page():
    filters = LibraryFilterForm(request.args)
    chosen = {k: v for k, v in filters.data.items() if v} if filters.validate() else {}
    exercises = library.library_for(current_user, chosen)
    db.session.commit()
    return render_template("homework/library.html", exercises=exercises, filters=filters, chosen=chosen)


@bp.get("/exercises/<int:exercise_id>")
@therapist_required
def exercise(exercise_id: int):
    item = library.get_exercise_for(current_user, exercise_id)
    couples = db.session.scalars(caseload_query(current_user, None).limit(30)).all()
    return render_template("homework/exercise.html", exercise=item, couples=couples)


@bp.route("/exercises/new", methods=["GET", "POST"])
@therapist_required
def new_exercise():
    form = ExerciseForm()
    if form.validate_on_submit():
        if done := once.already_done(form.form_token.data, current_user):
            return redirect(done)
        try:
            item = library.create_exercise(current_user, exercise_data(form))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            once.claim(form.form_token.data, current_user, url_for("homework.exercise", exercise_id=item.id))
            db.session.commit()
            flash("Added to your library. Only you can see it.", "success")
            return redirect(url_for("homework.exercise", exercise_id=item.id))
    status = 422 if form.errors or getattr(form, "form_message", None) else 200
    return render_template("homework/exercise_form.html", form=form, exercise=None), status


@bp.route("/exercises/<int:exercise_id>/edit", methods=["GET", "POST"])
@therapist_required
def edit_exercise(exercise_id: int):
    item = library.get_own_exercise(current_user, exercise_id)
    form = ExerciseForm(data=None if request.method == "POST" else exercise_initial(item))
    if form.validate_on_submit():
        try:
            library.update_exercise(item, form.version.data, exercise_data(form))
        except EditConflict:
            db.session.rollback()
            return render_template("homework/exercise_form.html", form=form, exercise=item, conflict=True), 409
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Changes saved.", "success")
            return redirect(url_for("homework.exercise", exercise_id=item.id))
    status = 422 if form.errors or getattr(form, "form_message", None) else 200
    return render_template("homework/exercise_form.html", form=form, exercise=item), status


@bp.post("/exercises/<int:exercise_id>/copy")
@therapist_required
def copy_exercise(exercise_id: int):
    source = library.get_exercise_for(current_user, exercise_id)
    item = library.copy_exercise(current_user, source)
    db.session.commit()
    flash("This is your own copy: change anything you like. Only you can see it.", "success")
    return redirect(url_for("homework.edit_exercise", exercise_id=item.id))


def exercise_data(form) -> dict:
    data = {
        k: form[k].data
        for k in (
            "title",
            "purpose",
            "notes",
            "model_tags",
            "strategies",
            "who",
            "minutes",
            "frequency_kind",
            "times_per_week",
            "completion",
            "raises_conflict",
        )
    }
    data["notes"] = data["notes"] or ""
    data["times_per_week"] = data["times_per_week"] if data["frequency_kind"] == "weekly" else None
    if data["frequency_kind"] == "weekly" and not data["times_per_week"]:
        data["times_per_week"] = 1
    data["steps"] = [line.strip() for line in (form.steps.data or "").splitlines() if line.strip()]
    data["fields"] = parse_field_lines(form.field_lines.data or "")
    return data


def parse_field_lines(text: str) -> list[dict]:
    fields, keys = [], set()
    for line in (raw.strip() for raw in text.splitlines()):
        if not line.lstrip("*").strip():
            continue
        label = line.lstrip("*").strip()[:300]
        base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40] or "field"
        key, n = base, 2
        while key in keys:
            key, n = f"{base}_{n}", n + 1
        keys.add(key)
        fields.append({"key": key, "label": label, "required": line.startswith("*")})
    return fields


def exercise_initial(item) -> dict:
    return {
        **{
            k: getattr(item, k)
            for k in (
                "title",
                "purpose",
                "notes",
                "model_tags",
                "strategies",
                "who",
                "minutes",
                "frequency_kind",
                "times_per_week",
                "completion",
                "raises_conflict",
                "version",
            )
        },
        "steps": "\n".join(item.steps or []),
        "field_lines": "\n".join(("* " if f.get("required") else "") + f["label"] for f in item.fields or []),
    }


from clinic.homework import couple_views, portal_views  # noqa: E402,F401  (routes on the same blueprint)
