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

from clinic import jobs
from clinic.audit.services import record
from clinic.auth.models import User
from clinic.consent.export import couple_consent_record
from clinic.couples.models import Couple
from clinic.db import utcnow
from clinic.extensions import db
from clinic.handouts import services
from clinic.handouts.documents import practice_footer, print_header
from clinic.handouts.printing import file_name, paper_for, scope_for
from clinic.homework.export import couple_homework_summary
from clinic.measures.charts import csi_chart_svg
from clinic.measures.export import couple_scores
from clinic.pdf import build_pdf
from clinic.plans.export import couple_plans_record
from clinic.sessions.export import couple_sessions_record
from clinic.settings import get_practice_settings
from clinic.supervision.export import couple_cosignatures

log = logging.getLogger(__name__)


def couple_record(couple, *, exported_by, include_process_notes: bool) -> dict:
    """The couple's whole record as JSON-ready plain data."""
    data = {
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "exported_by": exported_by.name,
        "practice": get_practice_settings().practice_name,
        "includes_process_notes": include_process_notes,
        "couple": to_plain(couple_details(couple)),
        "handouts_given": to_plain([_given(g) for g in services.given_to_couple(couple, include_withdrawn=True)]),
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
        "footer": practice_footer(),
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
