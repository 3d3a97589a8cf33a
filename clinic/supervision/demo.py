"""Fictional demo supervision: an associate linked to a supervisor, with one note awaiting co-signature
and one co-signed. Every name and word here is invented."""

from datetime import UTC, datetime, timedelta

from clinic.couples.services import create_couple
from clinic.db import today_utc, utcnow
from clinic.extensions import db
from clinic.sessions import services as sessions
from clinic.supervision import services

COUPLE = {
    "display_name": "Brennan & Sato",
    "model": "integrative",
    "status": "active",
    "presenting_concerns": "Disagreements about a return to full-time study; both feel unheard.",
    "confidentiality_policy": "no_secrets",
}
PARTNERS = (
    {"name": "Maeve Brennan", "pronouns": "she/her", "email": "", "attachment_style": "anxious"},
    {"name": "Kenji Sato", "pronouns": "he/him", "email": "", "attachment_style": "avoidant"},
)
NOTES = (
    (
        21,
        {
            "phase": "assessment",
            "deep_elements": ["differences", "patterns"],
            "deep_note": "Maeve plans ahead and Kenji decides late; each reads the other's style as not caring.",
            "plan": "Feedback session next: share the formulation of the study argument.",
        },
    ),
    (
        7,
        {
            "phase": "treatment",
            "acceptance": ["empathic_joining", "unified_detachment"],
            "plan": "Keep describing the pattern together, without blame; try a weekly planning talk.",
        },
    ),
)
RISK_NONE = {"risk_a": "none", "risk_b": "none", "risk_note_a": "", "risk_note_b": ""}


def seed_supervision(practice, password: str):
    """Link the associate to the supervisor, give the associate a couple with two signed notes, and co-sign
    the older one; the newer one waits in the supervisor's queue. Returns the associate's couple."""
    supervisor, associate = practice.supervisor, practice.associate
    # Set up by the practice owner (Dr. Noor Haddad): the demo administrator holds no records, so the
    # backup drills can delete and restore that account.
    services.link(associate.id, supervisor.id, practice.therapist)
    started = today_utc() - timedelta(days=40)
    couple = create_couple(
        associate,
        {**COUPLE, "started_on": started, "policy_agreed_on": started},
        tuple({"cycle_position": "unclear", **p} for p in PARTNERS),  # type: ignore[arg-type]
        ["Talk about the study plans without the talk turning into blame"],
        check_status=False,
    )
    signed = []
    for days_ago, answers in NOTES:
        day = (utcnow() - timedelta(days=days_ago)).date()
        therapy_session = sessions.record_session(
            couple,
            {
                "starts_at": datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC),
                "minutes": 50,
                "format": "in_person",
                "kind": "conjoint",
                "individual_partner": "",
                "attendance": "attended",
                "model": "integrative",
            },
            associate,
        )
        note = therapy_session.progress_note
        assert note is not None  # record_session always opens the session's note
        note.answers = {**(note.answers or {}), **RISK_NONE, **answers}
        note.version += 1
        db.session.flush()
        # Signing asks the supervisor for a co-signature (the registered hook), as in the app.
        sessions.sign_note(note, associate, password, True, at=therapy_session.starts_at + timedelta(hours=2))
        signed.append(note)
    first = services.cosignature_of(signed[0])
    assert first is not None
    services.cosign(first, supervisor, password, True)
    db.session.flush()
    return couple
