"""Nothing clinical in any email: with the whole demo practice seeded (exercises, questionnaires,
handouts, session notes, safety screens, goals, concerns) and marker text added to clinical fields,
every kind of message is sent and none contains any of that text."""

from sqlalchemy import String, Text, select

from clinic.demo import seed_demo
from clinic.extensions import db
from clinic.mail.services import SUBJECTS
from tests.mail.conftest import html_of, text_of

MARKER = "ZQX-CLINICAL-MARKER"
# Tables and columns that are not clinical or that a message may rightly carry (an address, a name).
NOT_CLINICAL_TABLES = {
    "user",
    "account_token",
    "mail_message",
    "practice_settings",
    "background_job",
    "alembic_version",
}
NOT_CLINICAL_COLUMNS = {"email", "token_hash", "form_token", "name", "pronouns", "status", "kind", "model"}


def _clinical_texts() -> set[str]:
    texts: set[str] = set()
    for table in db.metadata.sorted_tables:
        if table.name in NOT_CLINICAL_TABLES or table.name.startswith("audit"):
            continue
        columns = [c for c in table.columns if isinstance(c.type, String | Text) and c.name not in NOT_CLINICAL_COLUMNS]
        for column in columns:
            for value in db.session.scalars(select(column).where(column.is_not(None)).distinct()):
                if isinstance(value, str) and len(value.strip()) >= 12 and " " in value.strip():
                    texts.add(value.strip())
    return texts


def _mark_clinical_fields(practice_couples):
    for couple in practice_couples:
        couple.presenting_concerns = f"{MARKER} concerns"
        couple.display_name = f"{MARKER} couple"
        for goal in couple.goals:
            goal.text = f"{MARKER} goal"


def test_no_message_of_any_kind_contains_clinical_text(smtp_app, smtp_server):
    from clinic.auth import notices, recovery
    from clinic.auth.models import find_user_by_email
    from clinic.couples import invitations
    from clinic.couples.models import Couple, Partner
    from clinic.measures.library import MEASURES

    assert seed_demo()
    _mark_clinical_fields(db.session.scalars(select(Couple)))
    db.session.commit()
    therapist = find_user_by_email("therapist@demo.clinic.test")
    newcomer = db.session.scalar(select(Partner).where(Partner.email == "ada@demo.clinic.test"))
    invitations.create(newcomer, therapist, email=True)  # rendered again, now with markers in the couple
    notices.password_changed(therapist)
    notices.second_factor_changed(therapist, "removed")
    recovery.request_reset("priya@demo.clinic.test")
    db.session.commit()

    kinds = {message["X-Clinic-Kind"] for message in smtp_server.messages}
    assert kinds == set(SUBJECTS), f"kinds not covered: {set(SUBJECTS) - kinds}"
    questionnaires = {m.title for m in MEASURES.values()} | {m.short_title for m in MEASURES.values()}
    clinical = _clinical_texts() | questionnaires | {MARKER}
    assert len(clinical) > 50  # notes, exercises, questionnaires, handouts, screens really are there
    for message in smtp_server.messages:
        whole = "\n".join((message["Subject"], text_of(message), html_of(message)))
        found = sorted(text for text in clinical if text in whole)
        assert found == [], f"{message['X-Clinic-Kind']} contains clinical text: {found[:3]}"
