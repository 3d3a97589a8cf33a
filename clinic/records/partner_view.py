"""What of the couple's record may go to one partner: the rules partners' own pages already follow.

A release to a partner leaves out everything of the other partner's that this partner could not see in
the portal: handouts and homework given to the other alone (a one-partner safety plan is such homework),
the other's private homework entries, the other's questionnaire answers and scores (the safety screen is
never in a record at all), the other's consent signatures and contact details, the notes of individual
sessions with the other, and the risk check the therapist recorded about the other.
"""

from sqlalchemy import select

from clinic.extensions import db
from clinic.homework.models import Assignment, Entry
from clinic.sessions.models import TherapySession


def individual_session_numbers(couple, partner) -> set[int]:
    query = select(TherapySession.number).where(
        TherapySession.couple_id == couple.id,
        TherapySession.kind == "individual",
        TherapySession.individual_partner_id == partner.id,
    )
    return set(db.session.scalars(query))


def for_partner(data: dict, couple, recipient) -> dict:
    """`data` (a couple_record) with what `recipient`'s partner keeps to themselves taken out (handouts
    given to the other alone are left out where the record is made, by who they were given to)."""
    other = next(p for p in couple.partners if p.id != recipient.id) if len(couple.partners) > 1 else None
    if other is None:
        return data
    out = dict(data)
    out["couple"] = _couple(data["couple"], other)
    hidden_sessions = individual_session_numbers(couple, other)
    out["sessions"] = [_session(s, other) for s in data["sessions"] if s["number"] not in hidden_sessions]
    out["co_signatures"] = [c for c in data["co_signatures"] if c.get("session") not in hidden_sessions]
    out["homework"] = _homework(data["homework"], couple, other)
    out["scores"] = [r for r in data["scores"] if r.get("partner_position") != other.position]
    consent = dict(data["consent"])
    consent["signatures"] = [s for s in consent.get("signatures", []) if s.get("partner") != other.name]
    out["consent"] = consent
    return out


def _couple(details: dict, other) -> dict:
    details = dict(details)
    details["partners"] = [
        p if p["name"] != other.name else {**p, "email": "", "attachment_style": "", "cycle_position": ""}
        for p in details["partners"]
    ]
    return details


def _session(item: dict, other) -> dict:
    note = item.get("note")
    if not note:
        return item
    hidden = {f"Risk — {other.name}", f"Risk note — {other.name}"}
    sections = []
    for section in note["sections"]:
        fields = [f for f in section["fields"] if f["label"] not in hidden]
        if fields:
            sections.append({**section, "fields": fields})
    return {**item, "note": {**note, "sections": sections}}


def _homework(assignments: list[dict], couple, other) -> list[dict]:
    own_of_other = set(
        db.session.scalars(
            select(Assignment.id).where(
                Assignment.couple_id == couple.id, Assignment.who == "one", Assignment.partner_id == other.id
            )
        )
    )
    private_of_other = set(
        db.session.scalars(
            select(Entry.id).where(
                Entry.couple_id == couple.id, Entry.partner_id == other.id, Entry.is_shared.is_(False)
            )
        )
    )
    out = []
    for a in assignments:
        if a["id"] in own_of_other:
            continue
        entries = [e for e in a["entries"] if e["id"] not in private_of_other]
        out.append({**a, "entries": entries, "adherence": [x for x in a["adherence"] if x["partner"] != other.name]})
    return out


def individual_sessions_only(data: dict, couple, partner) -> dict:
    """The record of individual sessions with `partner`: their details and those sessions, nothing else."""
    numbers = individual_session_numbers(couple, partner)
    details = dict(data["couple"])
    details["partners"] = [p for p in details["partners"] if p["name"] == partner.name]
    details["goals"] = []
    details["presenting_concerns"] = ""
    return {
        **{k: data[k] for k in ("exported_at", "exported_by", "practice", "includes_process_notes")},
        "couple": details,
        "sessions": [s for s in data["sessions"] if s["number"] in numbers],
        "co_signatures": [c for c in data["co_signatures"] if c.get("session") in numbers],
        "handouts_given": [],
        "homework": [],
        "scores": [],
        "treatment_plans": [],
        "consent": {"signatures": [], "overrides": []},
    }
