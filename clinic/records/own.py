"""A partner's own entries and answers, for them to download at any time (JSON, or a printable PDF).

Only what the partner wrote or signed: their homework entries (private ones too), their questionnaire
answers with scores, and their consent signatures. Never the other partner's, never session notes.
"""

import json

from sqlalchemy import select

from clinic.consent.services import signature_history
from clinic.db import utcnow
from clinic.extensions import db
from clinic.handouts.documents import practice_footer
from clinic.handouts.printing import file_name
from clinic.homework.models import Entry
from clinic.measures.library import MEASURES
from clinic.measures.services import couple_responses
from clinic.pdf import RenderedPdf, build_pdf
from clinic.records.services import to_plain
from clinic.settings import get_practice_settings
from clinic.templating import format_date


def own_data(partner) -> dict:
    query = select(Entry).where(Entry.partner_id == partner.id).order_by(Entry.done_on, Entry.id)
    entries = []
    for e in db.session.scalars(query):
        labels = {f["key"]: f["label"] for f in e.assignment.exercise.fields or []}
        entries.append(
            {
                "exercise": e.assignment.exercise.title,
                "done_on": e.done_on,
                "shared_with_partner": e.is_shared,
                "rating": e.rating,
                "free_text": e.free_text,
                "answers": [{"label": labels.get(k, k), "answer": v} for k, v in (e.answers or {}).items()],
            }
        )
    answers = [
        {
            "measure": MEASURES[r.measure_key].short_title if r.measure_key in MEASURES else r.measure_key,
            "answered_at": r.answered_at,
            "answers": {str(k): v for k, v in (r.answers or {}).items()},
            "scores": r.scores,
        }
        for r in couple_responses(partner.couple)
        if r.partner_id == partner.id
    ]
    signatures = [
        {
            "document": s.version.title,
            "typed_name": s.typed_name,
            "signed_at": s.signed_at,
            "version_hash": s.content_hash,
        }
        for s in signature_history(partner.couple)
        if s.partner_id == partner.id
    ]
    return to_plain(
        {
            "name": partner.name,
            "made_at": utcnow().isoformat(timespec="seconds"),
            "practice": get_practice_settings().practice_name,
            "homework_entries": entries,
            "questionnaires": answers,
            "consent_signatures": signatures,
        }
    )


def own_json(partner) -> bytes:
    return json.dumps(own_data(partner), indent=2, ensure_ascii=False).encode()


def own_pdf(partner, viewer) -> RenderedPdf:
    practice = get_practice_settings()
    context = {
        "mine": own_data(partner),
        "header": {
            "for": partner.name,
            "date": format_date(utcnow()),
            "therapist": "",
            "practice": practice.practice_name,
        },
        "footer": practice_footer(printed=True),
    }
    return build_pdf(
        "records/own_pdf.html",
        context,
        title=f"My entries and answers — {partner.name}",
        paper=practice.paper_size,
        scope=f"user:{viewer.id}/partner:{partner.id}",
    )


def own_file_name(partner, ext: str) -> str:
    return file_name("my-entries", partner=partner, ext=ext)
