"""Page builders for the sessions views: what each page shows, the 409 pages, and text kept from a
timed-out post. No routes here and no commits; views call these and commit once."""

from collections.abc import Mapping
from datetime import datetime

from flask import render_template
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from clinic.errors import DomainError, edit_conflict
from clinic.extensions import db
from clinic.forms import attach_error
from clinic.registry import safety_flag
from clinic.sessions import services, stages
from clinic.sessions.forms import AddendumForm, SignForm
from clinic.sessions.models import CYCLE_STEPS, TherapySession
from clinic.sessions.note_forms import NoteForm, display_pairs, field_comparison, note_form_class
from clinic.settings import gap_message, viewer_zone
from clinic.settings import to_utc as zone_to_utc

PRIVATE_FIELDS = {"password", "attest", "csrf_token"}


def formdata(pending: dict) -> MultiDict:
    """Form data rebuilt from a kept submission, without the password, attestation or CSRF token."""
    data: MultiDict = MultiDict()
    for key, value in pending.items():
        if key in PRIVATE_FIELDS:
            continue
        for item in value if isinstance(value, list) else [value]:
            data.add(key, item)
    return data


def new_session_defaults(couple) -> dict:
    now = datetime.now(viewer_zone()).replace(second=0, microsecond=0, tzinfo=None)
    return {"model": couple.model, "starts_at": now, "minutes": 50}


def to_utc(local: datetime) -> datetime:
    """A naive time typed in the viewer's zone, as an aware UTC datetime. A time that does not exist
    there (the hour skipped when the clocks go forward) is refused next to the field."""
    zone = viewer_zone()
    utc = zone_to_utc(local, zone)
    if utc is None:
        raise DomainError(problems={"starts_at": gap_message(local, zone)})
    return utc


_UNREAD = object()


def session_page(
    therapy_session: TherapySession,
    addendum_form: AddendumForm,
    status=200,
    restored=False,
    process_note=_UNREAD,
    **context,
):
    """`process_note`: the viewer's own, when the view has already read it (None: they have none)."""
    if process_note is _UNREAD:
        process_note = services.get_process_note(therapy_session, current_user)
    note = therapy_session.progress_note
    assert note is not None  # loaded through services.get_note_for
    return render_template(
        "sessions/session.html",
        ts=therapy_session,
        couple=therapy_session.couple,
        note=note,
        restored=restored,
        pairs=display_pairs(note.template, note.answers, therapy_session.couple),
        addenda=list(note.addenda),  # loaded with the note (select-in, authors joined)
        addendum_form=addendum_form,
        process_note=process_note,
        risks=services.raised_risks(note),
        **{**_correction_forms(therapy_session), **context},
    ), status


def _correction_forms(therapy_session: TherapySession) -> dict:
    """The details form (filled from the session) and the entered-in-error form for the session page."""
    from clinic.sessions.forms import EnteredInErrorForm, SessionDetailsForm

    local = therapy_session.starts_at.astimezone(viewer_zone()).replace(tzinfo=None)
    partner = therapy_session.individual_partner
    data = {
        "starts_at": local,
        "minutes": therapy_session.minutes,
        "format": therapy_session.format,
        "kind": therapy_session.kind,
        "individual_partner": partner.position if partner else "",
        "attendance": therapy_session.attendance,
    }
    return {
        "details_form": SessionDetailsForm(formdata=None, data=data, couple=therapy_session.couple),
        "error_form": EnteredInErrorForm(formdata=None),
    }


def _note_context(therapy_session: TherapySession, form: NoteForm, sign_form: SignForm) -> dict:
    couple = therapy_session.couple
    earlier = stages.earlier_signed_notes(therapy_session, form.template)
    stage = stages.current_stage(form.template, earlier.same_template, earlier.same_number)
    return {
        "ts": therapy_session,
        "couple": couple,
        "note": therapy_session.progress_note,
        "form": form,
        "sign_form": sign_form,
        "cycle_map": services.current_cycle_map(couple) if form.template == "efct" else None,
        "stage": stage,
        "parts": stages.note_parts(form, stage, _risk_reason(form, couple, earlier)),
    }


def _risk_reason(form: NoteForm, couple, earlier: stages.EarlierNotes) -> str:
    """Why the risk check opens before anything is typed in it ("" when it may fold). The safety flag is
    asked only when needed (one statement, through the registry: measures owns the screen)."""
    if stages.risk_raised(earlier.any_template):
        return "The last signed note recorded a moderate or high risk."
    if any(form[name].data or form[name].errors for name in ("risk_a", "risk_b", "risk_note_a", "risk_note_b")):
        return ""  # open for its own content or problem
    if safety_flag(couple):
        return "The couple's safety safeguard holds (see the safety screen)."
    return ""


def note_page(
    therapy_session: TherapySession, form: NoteForm, sign_form: SignForm | None = None, status=200, **context
):
    sign_form = sign_form or SignForm(formdata=None)
    return render_template(
        "sessions/note_form.html", **_note_context(therapy_session, form, sign_form), **context
    ), status


def note_conflict(therapy_session: TherapySession, form: NoteForm, missing: list[str] | None = None):
    """409: the form keeps the writer's text; each field that differs from the version saved meanwhile
    is shown side by side with a choice (keep saved, keep mine, keep both). Saving again applies the
    choices; until each differing field has one, nothing is saved and nothing is discarded."""
    db.session.rollback()  # before reloading: the note is read as it now stands
    note = therapy_session.progress_note
    assert note is not None
    db.session.refresh(note)
    form.version.data = note.version
    names = services.differing_fields(note.answers or {}, form.answers())
    fields = field_comparison(note.template, note.answers or {}, form, names, therapy_session.couple)
    context = _note_context(therapy_session, form, SignForm(formdata=None))
    return edit_conflict(
        "sessions/note_form.html", **context, differences=fields, missing=missing or [], choices=keep_choices()
    )


def keep_choices() -> dict:
    """The writer's choices on a conflict page: {field name: "saved" | "mine" | "both"}."""
    from flask import request

    prefix = "keep-"
    return {
        key[len(prefix) :]: value
        for key, value in request.form.items()
        if key.startswith(prefix) and value in services.KEEP_CHOICES
    }


def resolved_answers(note, form: NoteForm) -> tuple[dict, list[str]]:
    """The answers to save: the form's, or after a conflict, merged by the writer's choices."""
    from flask import request

    if not request.form.get("resolving"):
        return form.answers(), []
    return services.resolve_conflict(note.answers or {}, form.answers(), keep_choices())


def sign_refused(therapy_session: TherapySession, form: NoteForm, sign_form: SignForm, error: DomainError):
    """422: each reason the signature was refused next to its field; the saved draft stays on the page."""
    problems = error.problems if isinstance(error.problems, Mapping) and error.problems else None
    for name, message in (problems or {error.field or "": error.message}).items():
        attach_error(sign_form if name in sign_form else form, DomainError(message, field=name))
    note = therapy_session.progress_note
    form.version.data, sign_form.password.data = note.version if note else None, ""
    return note_page(therapy_session, form, sign_form, status=422, sign_refused=True)


def locked(therapy_session: TherapySession, data: MultiDict | None = None):
    """409 for any change to a signed note; what was sent is shown back (unsaved) so nothing is lost."""
    db.session.rollback()
    note, couple = therapy_session.progress_note, therapy_session.couple
    assert note is not None
    source = {"formdata": data} if data is not None else {}  # default: the posted form
    sent = note_form_class(note.template)(**source, couple=couple, meta={"csrf": False})
    submitted = display_pairs(note.template, sent.answers(), couple)
    return render_template("sessions/locked.html", ts=therapy_session, couple=couple, submitted=submitted), 409


def process_note_page(therapy_session: TherapySession, form, status=200, **context):
    return render_template(
        "sessions/process_note.html", ts=therapy_session, couple=therapy_session.couple, form=form, **context
    ), status


def process_note_conflict(therapy_session: TherapySession, form, missing: bool = False):
    """409: the writer's text stays in the box; the version saved meanwhile is shown beside it, and
    nothing is saved until the writer keeps one, the other or both."""
    db.session.rollback()
    mine = services.get_process_note(therapy_session, current_user)
    form.version.data = mine.version if mine else 0
    differs = bool(services.differing_fields({"text": mine.text if mine else ""}, {"text": form.text.data or ""}))
    return edit_conflict(
        "sessions/process_note.html",
        ts=therapy_session,
        couple=therapy_session.couple,
        form=form,
        saved=mine,
        differs=differs,
        missing=missing,
        choice=keep_choices().get("text"),
    )


def resolved_process_text(saved_note, form) -> tuple[str, bool]:
    """The process note text to save and whether a conflict still waits for the writer's choice."""
    from flask import request

    text = form.text.data or ""
    if not request.form.get("resolving"):
        return text, False
    saved = {"text": saved_note.text if saved_note else ""}
    merged, missing = services.resolve_conflict(saved, {"text": text}, keep_choices())
    return merged["text"] or "", bool(missing)


def cycle_map_page(couple, form, current, status=200, **context):
    return render_template("sessions/cycle_map.html", **_cycle_map_context(couple, form, current), **context), status


def cycle_map_conflict(couple, form):
    """409: the form keeps the writer's words; the version saved meanwhile is the current one shown."""
    db.session.rollback()
    current = services.current_cycle_map(couple)
    form.based_on.data = current.number if current else None
    return edit_conflict("sessions/cycle_map.html", **_cycle_map_context(couple, form, current))


def _cycle_map_context(couple, form, current) -> dict:
    return {
        "couple": couple,
        "form": form,
        "current": current,
        "steps": CYCLE_STEPS,
        "history": services.cycle_map_history(couple),
    }


def cycle_map_data(current) -> dict:
    """The form's initial data from the current cycle map version (empty for a first map)."""
    if current is None:
        return {}
    data = {"cycle_name": current.cycle_name, "based_on": current.number}
    for position in ("a", "b"):
        data.update({f"{position}_{key}": value for key, value in current.words(position).items()})
    return data
