"""The fictional demo practice that `make run` seeds on first start.

Every name, email and story here is invented. This module sits above every domain: after the
practice, staff and couples it calls each domain's seeder in turn (notes, homework, handouts, scores).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from clinic.auth.models import User, find_user_by_email
from clinic.auth.services import create_user
from clinic.couples.models import Couple
from clinic.couples.services import add_goal, create_couple
from clinic.db import today_utc
from clinic.extensions import db
from clinic.handouts.demo import seed_handouts
from clinic.homework.demo import seed_homework
from clinic.measures.demo import seed_measures
from clinic.sessions.demo import seed_sessions
from clinic.settings import edit_practice_settings

DEMO_PASSWORD = "calm-harbour-lantern-42"  # noqa: S105 - the fictional demo's published password
DEMO_LOGINS = (
    ("therapist", "therapist@demo.clinic.test", "Dr. Noor Haddad"),
    ("admin", "admin@demo.clinic.test", "Sam Whitlock"),
    ("client", "alex@demo.clinic.test", "Alex Rivera"),
    ("client", "jordan@demo.clinic.test", "Jordan Chen"),
    ("client", "priya@demo.clinic.test", "Priya Nair"),
    ("client", "tomas@demo.clinic.test", "Tomás Varga"),
)


@dataclass
class DemoPractice:
    therapist: User
    admin: User
    couples: dict[str, Couple] = field(default_factory=dict)  # "efct", "cbct", "new"
    clients: dict[str, User] = field(default_factory=dict)  # by email


def seed_demo() -> bool:
    """Create the demo practice once; returns False (and changes nothing) when it already exists."""
    if find_user_by_email(DEMO_LOGINS[0][1]) is not None:
        return False
    settings = edit_practice_settings()
    settings.practice_name = "Harbour Lane Couples Practice (demo)"
    settings.contact_line = "12 Harbour Lane, Suite 3 · 555-0142 (fictional)"
    settings.require_totp = False  # so the printed demo logins work at once; the pages say so
    users = {
        email: create_user(email=email, name=name, role=role, password=DEMO_PASSWORD, is_admin=(role == "admin"))
        for role, email, name in DEMO_LOGINS
    }
    practice = DemoPractice(
        therapist=users[DEMO_LOGINS[0][1]],
        admin=users[DEMO_LOGINS[1][1]],
        clients={e: u for e, u in users.items() if u.role == "client"},
    )
    _seed_couples(practice)
    seed_sessions(practice, DEMO_PASSWORD)
    seed_homework(practice)
    seed_handouts(practice)
    seed_measures(practice)
    _seed_outbox(practice)
    db.session.flush()
    return True


# key: (name, model, status, started days ago, partner A, partner B, presenting concerns, goals)
DEMO_COUPLES = {
    "efct": (
        "Rivera & Chen",
        "efct",
        "active",
        120,
        ("Alex Rivera", "she/her", "alex@demo.clinic.test", "anxious", "pursuer"),
        ("Jordan Chen", "he/him", "jordan@demo.clinic.test", "avoidant", "withdrawer"),
        "Recurring fights about time apart; Alex feels alone when Jordan works late.",
        ["Name and slow down the pursue–withdraw cycle", "Jordan stays present in hard conversations"],
    ),
    "cbct": (
        "Nair & Varga",
        "cbct",
        "active",
        75,
        ("Priya Nair", "she/her", "priya@demo.clinic.test", "secure", "unclear"),
        ("Tomás Varga", "he/him", "tomas@demo.clinic.test", "anxious", "pursuer"),
        "Arguments about money and chores escalate quickly; both want calmer problem-solving.",
        ["Use speaker–listener skills in weekly check-ins", "Agree a household budget together"],
    ),
    "new": (
        "Okonkwo & Lindqvist",
        "integrative",
        "intake",
        5,
        ("Ada Okonkwo", "they/them", "", "not_assessed", "unclear"),
        ("Elin Lindqvist", "she/her", "", "not_assessed", "unclear"),
        "Referred after a move abroad; feeling distant.",
        [],
    ),
}


def _seed_couples(practice: DemoPractice) -> None:
    today = today_utc()
    fields = ("name", "pronouns", "email", "attachment_style", "cycle_position")
    for key, (name, model, status, days_ago, a, b, concerns, goals) in DEMO_COUPLES.items():
        couple = create_couple(
            practice.therapist,
            {
                "display_name": name,
                "model": model,
                "status": status,
                "started_on": today - timedelta(days=days_ago),
                "presenting_concerns": concerns,
                "confidentiality_policy": "no_secrets",
                "policy_agreed_on": today - timedelta(days=days_ago),
            },
            (dict(zip(fields, a, strict=True)), dict(zip(fields, b, strict=True))),
            goals,
            check_status=False,
        )
        practice.couples[key] = couple
    for couple in practice.couples.values():
        for partner in couple.partners:
            if partner.email in practice.clients:
                partner.user_id = practice.clients[partner.email].id
    add_goal(practice.couples["efct"], "Alex asks for closeness directly instead of protesting")


def _seed_outbox(practice: DemoPractice) -> None:
    """One of each email in the demo outbox (instance/outbox/, the admin's Outbox page); links work."""
    from clinic.auth import notices, recovery
    from clinic.couples import invitations

    newcomer = practice.couples["new"].partners[0]
    newcomer.email = "ada@demo.clinic.test"  # the intake couple's first partner gets an emailed invitation
    invitations.create(newcomer, practice.therapist, email=True)
    recovery.request_reset("alex@demo.clinic.test")
    recovery.send_welcome(practice.admin)
    notices.password_changed(practice.clients["jordan@demo.clinic.test"])
    notices.second_factor_changed(practice.therapist, "enabled")
    recovery.request_email_change(practice.therapist, "noor.haddad@demo.clinic.test")
    from clinic.reminders import services as reminders

    alex = practice.couples["efct"].partners[0]
    reminders.save_preference(
        alex, {"homework": True, "questionnaires": True, "send_hour": 18, "time_zone": "Europe/London"}
    )
    reminders.queue_digest(alex)
