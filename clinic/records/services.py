"""A couple's record for a records request, as plain data, then a PDF or JSON file made in the background.

The sections come from the domains that own them, imported by name: a section that fails fails the
export (the owner sees "something went wrong", the log has the traceback), never a record silently
missing a part. Process notes go in only when explicitly included.
"""

import json
import logging
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from flask import abort, has_request_context, request
from sqlalchemy import or_, select

from clinic import jobs
from clinic.audit.services import record
from clinic.auth.models import User
from clinic.consent.export import couple_consent_record
from clinic.couples.models import Couple, Partner
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.handouts import services
from clinic.handouts.documents import practice_footer, print_header
from clinic.handouts.printing import file_name, paper_for, scope_for
from clinic.homework.export import couple_homework_summary
from clinic.measures.charts import csi_chart_svg
from clinic.measures.export import couple_scores
from clinic.pdf import build_pdf
from clinic.plans.export import couple_plans_record
from clinic.records import partner_view
from clinic.records.models import RecordRelease, ReleaseDecision
from clinic.sessions.export import couple_sessions_record
from clinic.settings import get_practice_settings
from clinic.supervision.export import couple_cosignatures

log = logging.getLogger(__name__)


def couple_record(couple, *, exported_by, include_process_notes: bool, hide_given_to=None) -> dict:
    """The couple's whole record as JSON-ready plain data (without what was given to `hide_given_to` alone)."""
    given = services.given_to_couple(couple, include_withdrawn=True)
    if hide_given_to is not None:
        given = [g for g in given if g.partner_id != hide_given_to.id]
    data = {
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "exported_by": exported_by.name,
        "practice": get_practice_settings().practice_name,
        "includes_process_notes": include_process_notes,
        "couple": to_plain(couple_details(couple)),
        "handouts_given": to_plain([_given(g) for g in given]),
        "sessions": to_plain(couple_sessions_record(couple, include_process_notes)),
        "homework": to_plain(couple_homework_summary(couple)),
        "scores": to_plain(couple_scores(couple)),
        "treatment_plans": to_plain(couple_plans_record(couple)),
        "consent": to_plain(couple_consent_record(couple)),
        "co_signatures": to_plain(couple_cosignatures(couple)),
    }
    return data


def couple_details(couple) -> dict:
    return {
        "id": couple.id,
        "name": couple.display_name,
        "model": couple.model_label,
        "status": couple.status_label,
        "started_on": couple.started_on,
        "closed_on": couple.closed_on,
        "presenting_concerns": couple.presenting_concerns,
        "confidentiality_policy": couple.policy_label,
        "policy_agreed_on": couple.policy_agreed_on,
        "therapist": couple.therapist.name if couple.therapist else "",
        "partners": [
            {
                "name": p.name,
                "pronouns": p.pronouns,
                "email": p.email,
                "attachment_style": p.attachment_label,
                "cycle_position": p.cycle_position_label,
            }
            for p in couple.partners
        ],
        "goals": [{"goal": g.text, "status": g.status_label} for g in couple.goals],
    }


def _given(given) -> dict:
    return {
        "title": given.title,
        "given_at": given.given_at,
        "given_by": given.given_by.name if given.given_by else "",
        "note": given.note,
        "withdrawn_at": given.withdrawn_at,
        "given_to": f"{given.partner.name} only" if given.partner is not None else "Both partners",
    }


def to_plain(value):
    """Dicts, lists, strings, numbers, None; dates as ISO strings; anything else as its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_plain(v) for v in value]
    if hasattr(value, "_asdict"):
        return to_plain(value._asdict())
    if hasattr(value, "__dataclass_fields__"):
        return to_plain(asdict(value))
    return str(value)


def record_file_name(couple: Couple, fmt: str) -> str:
    return file_name("record", couple=couple, ext="json" if fmt == "json" else "pdf")


def start_export(couple: Couple, owner: User, *, fmt: str, include_process_notes: bool) -> jobs.Job:
    """Queue the export of `couple`'s record for `owner` (commits: the job row must be visible)."""
    return jobs.start(
        "records.export",
        owner.id,
        record_file_name(couple, fmt),
        couple_id=couple.id,
        fmt=fmt,
        include_process_notes=include_process_notes,
    )


@jobs.job("records.export")
def export_job(job: jobs.Job, *, couple_id: int, fmt: str, include_process_notes: bool) -> None:
    """Make the record file for the job's owner, reporting progress, and audit the export."""
    owner = db.session.get(User, job.owner_id)
    couple = db.session.get(Couple, couple_id)
    if owner is None or couple is None or couple.therapist_id != owner.id:
        raise LookupError("the couple is not the job owner's")
    job.report(10, "Gathering the record")
    data = couple_record(couple, exported_by=owner, include_process_notes=include_process_notes)
    if fmt == "json":
        body = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()
    else:
        job.report(50, "Making the PDF")
        body = record_pdf(couple, owner, data)
    job.file_path().write_bytes(body)
    action = "record.exported_with_process_notes" if include_process_notes else "record.exported"
    record(action, record_type="couple", record_id=couple.id, couple_id=couple.id, actor=owner)


def _has_csi4(scores: Any) -> bool:
    return isinstance(scores, list) and any(isinstance(r, dict) and r.get("measure") == "csi4" for r in scores)


def record_pdf(couple: Couple, owner: User, data: dict[str, Any]) -> bytes:
    context = {
        "record": data,
        # A record says it is confidential on every page, not who it is "for".
        "header": {**print_header(couple, owner), "for": "", "confidential": couple.display_name},
        "footer": practice_footer(printed=True),
        "chart": csi_chart_svg(couple) if _has_csi4(data.get("scores")) else None,  # no empty chart, no blank half page
    }
    pdf = build_pdf(
        "pdf/record.html",
        context,
        title=f"Record of {couple.display_name}",
        paper=paper_for(None),
        scope=scope_for(owner, couple),
    )
    return pdf.data


# --------------------------------------------------------------------------- releases


def releases_of(couple: Couple) -> list[RecordRelease]:
    query = select(RecordRelease).where(RecordRelease.couple_id == couple.id)
    return list(db.session.scalars(query.order_by(RecordRelease.requested_at.desc(), RecordRelease.id.desc())))


def get_release_for(couple: Couple, release_id: int) -> RecordRelease:
    """A release of this couple (the caller loaded the couple through its owner check); else 404."""
    release = db.session.get(RecordRelease, release_id)
    if release is None or release.couple_id != couple.id:
        abort(404)
    return release


def releases_for_partner(partner: Partner) -> list[RecordRelease]:
    """The requests this partner is asked to decide (or decided): never one for the other partner alone."""
    query = select(RecordRelease).where(
        RecordRelease.couple_id == partner.couple_id,
        RecordRelease.status != "withdrawn",
        or_(RecordRelease.scope == "joint", RecordRelease.scope_partner_id == partner.id),
    )
    return list(db.session.scalars(query.order_by(RecordRelease.requested_at.desc(), RecordRelease.id.desc())))


def waiting_for_partner(partner: Partner) -> list[RecordRelease]:
    return [r for r in releases_for_partner(partner) if r.status == "pending" and r.decision_of(partner) is None]


def get_release_for_partner(partner: Partner, release_id: int) -> RecordRelease:
    release = db.session.get(RecordRelease, release_id)
    if release is None or release.status == "withdrawn" or not release.concerns(partner):
        abort(404)
    return release


def request_release(
    couple: Couple,
    therapist: User,
    *,
    scope: str,
    recipient: str,
    recipient_name: str,
    recipient_organisation: str,
    purpose: str,
    include_process_notes: bool,
) -> RecordRelease:
    """Ask the partners to authorise a release. `scope` is "joint" or "individual:<position>"; `recipient`
    is "third_party" or "partner:<position>". Raises DomainError with every problem at once."""
    partners = {p.position: p for p in couple.partners}
    problems: dict[str, str] = {}
    scope_kind, _, scope_position = scope.partition(":")
    scope_partner = partners.get(scope_position) if scope_kind == "individual" else None
    if scope_kind not in ("joint", "individual") or (scope_kind == "individual" and scope_partner is None):
        problems["scope"] = "Choose what to release."
    elif scope_kind == "joint" and len(partners) < 2:
        problems["scope"] = "The joint record needs both partners to authorise it; the second partner has not joined."
    recipient_kind, _, recipient_position = recipient.partition(":")
    recipient_partner = partners.get(recipient_position) if recipient_kind == "partner" else None
    if recipient_kind == "third_party":
        if not recipient_name:
            problems["recipient_name"] = "Give the name of the person the record goes to."
        if not recipient_organisation:
            problems["recipient_organisation"] = "Give their organisation (or “private individual”)."
    elif recipient_kind != "partner" or recipient_partner is None:
        problems["recipient"] = "Choose who receives the record."
    elif scope_partner is not None and recipient_partner.id != scope_partner.id:
        problems["recipient"] = "Notes of individual sessions go only to that partner or to a third party."
    if not purpose:
        problems["purpose"] = "Say why the record is being released."
    if problems:
        raise DomainError(problems=problems)
    release = RecordRelease(
        couple_id=couple.id,
        requested_by_id=therapist.id,
        scope=scope_kind,
        scope_partner_id=scope_partner.id if scope_partner is not None else None,
        recipient_kind=recipient_kind,
        recipient_name=recipient_name if recipient_kind == "third_party" else "",
        recipient_organisation=recipient_organisation if recipient_kind == "third_party" else "",
        recipient_partner_id=recipient_partner.id if recipient_partner is not None else None,
        purpose=purpose,
        include_process_notes=include_process_notes,
        status="pending",
    )
    db.session.add(release)
    db.session.flush()
    record("record_release.requested", release)
    return release


def authorise_release(
    release: RecordRelease, partner: Partner, user: User, *, typed_name: str, confirmed: bool, process_notes: bool
) -> ReleaseDecision:
    """The partner authorises: their full name typed, the confirmation ticked and, when process notes are
    included, the separate authorisation for them. The last authorisation needed makes it authorised."""
    _check_open(release, partner)
    problems = {}
    if _normal(typed_name) != _normal(partner.name):
        problems["typed_name"] = f"Type your full name as your therapist has it: {partner.name}."
    if not confirmed:
        problems["confirmed"] = "Tick the box to confirm you authorise this release."
    if release.include_process_notes and not process_notes:
        problems["process_notes"] = (
            "This release includes process notes: tick their separate authorisation, or decline the request."
        )
    if problems:
        raise DomainError(problems=problems)
    decision = _decide(release, partner, user, "authorised")
    decision.typed_name = " ".join(typed_name.split())
    decision.process_notes_authorised = bool(release.include_process_notes and process_notes)
    if not release.awaiting:
        release.status = "authorised"
    db.session.flush()
    record("record_release.authorised", release)
    return decision


def decline_release(release: RecordRelease, partner: Partner, user: User, *, reason: str) -> ReleaseDecision:
    """A single decline ends the request: nothing of it can be released."""
    _check_open(release, partner)
    decision = _decide(release, partner, user, "declined")
    decision.reason = reason or ""
    release.status, release.closed_at = "declined", utcnow()
    db.session.flush()
    record("record_release.declined", release)
    return decision


def withdraw_release(release: RecordRelease) -> None:
    if release.status not in ("pending", "authorised"):
        raise DomainError("Only a request not yet released or declined can be withdrawn.")
    release.status, release.closed_at = "withdrawn", utcnow()
    db.session.flush()
    record("record_release.withdrawn", release)


def _check_open(release: RecordRelease, partner: Partner) -> None:
    if release.status != "pending":
        raise DomainError(f"This request is no longer waiting for a decision ({release.status_label.lower()}).")
    if release.decision_of(partner) is not None:
        raise DomainError("You have already answered this request.")


def _decide(release: RecordRelease, partner: Partner, user: User, decision: str) -> ReleaseDecision:
    made = ReleaseDecision(
        release=release,
        partner_id=partner.id,
        decided_by_id=user.id,
        decision=decision,
        client_address=(request.remote_addr or "")[:64] if has_request_context() else "",
    )
    db.session.add(made)
    db.session.flush()
    return made


def _normal(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def release_contents(release: RecordRelease) -> list[str]:
    """In words, what the release would carry (never the content itself: a partner reads this)."""
    if release.scope == "individual":
        parts = [f"The signed notes of the individual sessions with {release.scope_partner.name}"]
    else:
        parts = [
            "The couple's details, goals and presenting concerns",
            "Every session with its signed progress note and addenda",
            "Treatment plans",
            "Homework assignments and entries",
            "Questionnaire scores",
            "Consent signatures",
            "Handouts given",
        ]
    if release.recipient_kind == "partner":
        parts.append(
            "Sent to a partner: nothing the other partner keeps private, nor what was given to the other alone"
        )
    parts.append("The therapist's process notes" if release.include_process_notes else "No process notes")
    return parts


def start_release(release: RecordRelease, owner: User, *, fmt: str) -> jobs.Job:
    """Queue the release file once every required partner authorised (commits: the job row must be seen)."""
    if not release.can_release:
        raise DomainError("This release is not authorised by every partner it needs.")
    return jobs.start(
        "records.release",
        owner.id,
        file_name("release", couple=release.couple, ext="json" if fmt == "json" else "pdf"),
        release_id=release.id,
        fmt=fmt,
    )


def release_record(release: RecordRelease, owner: User) -> dict:
    """The record as released: filtered for its recipient, and naming who authorised what and when."""
    couple = release.couple
    process_notes = release.include_process_notes and all(
        (d := release.decision_of(p)) is not None and d.process_notes_authorised for p in release.required_partners
    )
    hide_given_to = None
    if release.recipient_kind == "partner":
        hide_given_to = next((p for p in couple.partners if p.id != release.recipient_partner_id), None)
    data = couple_record(couple, exported_by=owner, include_process_notes=process_notes, hide_given_to=hide_given_to)
    if release.scope == "individual":
        data = partner_view.individual_sessions_only(data, couple, release.scope_partner)
    elif release.recipient_kind == "partner":
        data = partner_view.for_partner(data, couple, release.recipient_partner)
    data["release"] = to_plain(release_summary(release))
    return data


def release_summary(release: RecordRelease) -> dict:
    return {
        "id": release.id,
        "what": release.scope_label,
        "recipient": release.recipient_label,
        "purpose": release.purpose,
        "requested_by": release.requested_by.name,
        "requested_at": release.requested_at,
        "includes_process_notes": release.include_process_notes,
        "authorisations": [
            {
                "partner": d.partner.name,
                "decision": d.decision,
                "typed_name": d.typed_name,
                "process_notes_authorised": d.process_notes_authorised,
                "at": d.decided_at,
            }
            for d in release.decisions
        ],
    }


@jobs.job("records.release")
def release_job(job: jobs.Job, *, release_id: int, fmt: str) -> None:
    """Make the release file for the job's owner and mark the release released (audited)."""
    owner = db.session.get(User, job.owner_id)
    release = db.session.get(RecordRelease, release_id)
    if owner is None or release is None or release.couple.therapist_id != owner.id or not release.can_release:
        raise LookupError("the release is not the job owner's, or not authorised")
    job.report(10, "Gathering the record")
    data = release_record(release, owner)
    if fmt == "json":
        body = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()
    else:
        job.report(50, "Making the PDF")
        body = record_pdf(release.couple, owner, data)
    job.file_path().write_bytes(body)
    if release.status != "released":
        release.status, release.closed_at, release.released_by_id = "released", utcnow(), owner.id
    record("record_release.released", release, actor=owner)
