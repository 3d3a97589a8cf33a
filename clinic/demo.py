"""The fictional demo practice that `make run` seeds on first start.

Every name, email and story here is invented. This module sits above every domain: after the
practice, staff and couples it calls each domain's seeder in turn (notes, homework, handouts, scores).
"""

from dataclasses import dataclass, field
from datetime import time, timedelta

from clinic.appointments import services as appointments
from clinic.auth.models import User, find_user_by_email
from clinic.auth.services import create_user
from clinic.consent import services as consent
from clinic.couples.models import Couple
from clinic.couples.services import add_goal, create_couple
from clinic.db import today_utc
from clinic.extensions import db
from clinic.handouts.demo import seed_handouts
from clinic.homework.demo import seed_homework
from clinic.measures.demo import seed_measures
from clinic.plans import services as plans
from clinic.sessions.demo import seed_sessions
from clinic.settings import edit_practice_settings
from clinic.supervision.demo import seed_supervision

DEMO_PASSWORD = "calm-harbour-lantern-42"  # noqa: S105 - the fictional demo's published password
DEMO_LOGINS = (
    ("therapist", "therapist@demo.clinic.test", "Dr. Noor Haddad"),
    ("admin", "admin@demo.clinic.test", "Sam Whitlock"),
    ("therapist", "ingrid@demo.clinic.test", "Dr. Ingrid Solberg"),  # supervisor of Rowan Baptiste
    ("therapist", "rowan@demo.clinic.test", "Rowan Baptiste"),  # associate: notes need her co-signature
    ("client", "alex@demo.clinic.test", "Alex Rivera"),
    ("client", "jordan@demo.clinic.test", "Jordan Chen"),
    ("client", "priya@demo.clinic.test", "Priya Nair"),
    ("client", "tomas@demo.clinic.test", "Tomás Varga"),
)


@dataclass
class DemoPractice:
    therapist: User
    admin: User
    couples: dict[str, Couple] = field(default_factory=dict)  # "efct", "cbct", "new" (then "associate")
    clients: dict[str, User] = field(default_factory=dict)  # by email
    supervisor: User | None = None
    associate: User | None = None


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
        supervisor=users["ingrid@demo.clinic.test"],
        associate=users["rowan@demo.clinic.test"],
    )
    _seed_couples(practice)
    seed_sessions(practice, DEMO_PASSWORD)
    seed_homework(practice)
    seed_handouts(practice)
    seed_measures(practice)
    _seed_outbox(practice)
    practice.couples["associate"] = seed_supervision(practice, DEMO_PASSWORD)
    _seed_plan(practice)
    _seed_consent(practice)
    _seed_appointments(practice)
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


def _seed_plan(practice: DemoPractice) -> None:
    """Nair & Varga's signed treatment plan; Priya has acknowledged it, Tomás has not yet."""
    couple, today = practice.couples["cbct"], today_utc()
    plan = plans.start_version(couple, practice.therapist)
    plans.update_details(
        plan,
        plan.version,
        {
            "presenting_problems": "Arguments about money and chores escalate quickly; both want calmer "
            "problem-solving.",
            "formulation": "Tomás reads a missed task as not caring; Priya feels blamed and defends. Skills "
            "deficits in problem-solving keep the arguments going.",
            "diagnosis": "Z63.0",
            "review_every_sessions": 6,
        },
    )
    goals = (
        (
            "Talk about money without a fight",
            "Agree a household budget together",
            "cbct_communication_problem_solving",
            None,
        ),
        (
            "Feel on the same side again",
            "Both feel satisfied with the relationship",
            "cbct_cognitive_restructuring",
            16,
        ),
    )
    for text, objective, intervention, threshold in goals:
        goal = plans.add_goal(plan, text, today + timedelta(days=90))
        measure = {"measure": "csi4", "threshold": threshold} if threshold else {}
        plans.add_objective(plan, goal.id, {"text": objective, "target_on": today + timedelta(days=60), **measure})
        plans.add_intervention(plan, goal.id, intervention, "")
    plans.sign(plan, practice.therapist)
    plans.acknowledge(couple.partner("a"), plan.number)


def _seed_consent(practice: DemoPractice) -> None:
    """Both partners of Rivera & Chen have signed every consent document; the intake couple has not yet."""
    for partner in practice.couples["efct"].partners:
        for kind in consent.required_kinds(partner.couple):
            document = consent.document_for_partner(partner, kind).document
            consent.sign(partner, partner.user, kind, document.content_hash, partner.name, True)


def _seed_appointments(practice: DemoPractice) -> None:
    """This week and next: a weekly series for Nair & Varga, the intake couple's first appointment and one
    of the associate's. (Rivera & Chen have none: the browser tests book theirs from scratch.)"""
    today = today_utc()

    def book(key: str, by: User, days: int, hour: int, **details) -> None:
        booking = appointments.Booking(starts_on=today + timedelta(days=days), start_time=time(hour, 0), minutes=50)
        for name, value in details.items():
            setattr(booking, name, value)
        appointments.book(practice.couples[key], booking, by)

    video = "https://video.demo.clinic.test/nair-varga"
    book("cbct", practice.therapist, 2, 10, format="video", video_link=video, repeat="weekly", count=4)
    book("new", practice.therapist, 3, 15, location="Room 1", note_for_partners="Please arrive ten minutes early.")
    assert practice.associate is not None
    book("associate", practice.associate, 4, 11, location="Room 3")
