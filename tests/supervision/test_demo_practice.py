"""The demo practice shows what the app does: a signed plan, consent, appointments, supervision. Seeding a
fresh database works once (a second run changes nothing), and every demo user signs in with the printed
password and opens their main pages without an error."""

from sqlalchemy import func, select

from clinic.appointments.models import Appointment, AppointmentSeries
from clinic.audit.models import AuditEvent
from clinic.auth.models import User
from clinic.consent.models import ConsentSignature
from clinic.couples.models import Couple
from clinic.db import today_utc
from clinic.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from clinic.extensions import db
from clinic.plans.models import PlanAcknowledgement, TreatmentPlan
from clinic.supervision import services as supervision
from clinic.supervision.models import Cosignature


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _couples() -> dict[str, Couple]:
    return {c.display_name: c for c in db.session.scalars(select(Couple))}


def test_demo_seeds_the_recent_features_once(app):
    assert seed_demo()
    db.session.commit()
    couples = _couples()
    rivera, nair, intake = couples["Rivera & Chen"], couples["Nair & Varga"], couples["Okonkwo & Lindqvist"]
    # a signed plan acknowledged by one partner only
    plan = db.session.scalars(select(TreatmentPlan)).one()
    assert plan.couple_id == nair.id and plan.is_signed and plan.goals and all(g.objectives for g in plan.goals)
    acks = db.session.scalars(select(PlanAcknowledgement)).all()
    assert [a.partner_id for a in acks] == [nair.partner("a").id]
    # consent: both partners of one couple signed everything; the intake couple nothing yet
    signed_by = {s.partner_id for s in db.session.scalars(select(ConsentSignature))}
    assert signed_by == {p.id for p in rivera.partners}
    assert intake.status == "intake" and not signed_by & {p.id for p in intake.partners}
    # appointments this week and next, one of them a weekly series
    starts = [a.starts_at.date() for a in db.session.scalars(select(Appointment))]
    assert any(0 <= (d - today_utc()).days <= 6 for d in starts)
    assert any(7 <= (d - today_utc()).days <= 13 for d in starts)
    assert _count(AppointmentSeries) == 1
    assert not db.session.scalars(select(Appointment).where(Appointment.couple_id == rivera.id)).all()
    # supervision: one note awaiting co-signature, one co-signed
    users = {u.email: u for u in db.session.scalars(select(User))}
    supervisor, associate = users["ingrid@demo.clinic.test"], users["rowan@demo.clinic.test"]
    assert supervision.active_link_for(associate.id).supervisor_id == supervisor.id
    statuses = sorted(c.status for c in db.session.scalars(select(Cosignature)))
    assert statuses == ["awaiting", "cosigned"]
    assert len(supervision.waiting_for(supervisor)) == 1
    assert all(email.endswith("@demo.clinic.test") for email in users)  # fictional addresses only

    before = {m.__name__: _count(m) for m in (User, Couple, Appointment, Cosignature, AuditEvent, ConsentSignature)}
    assert seed_demo() is False  # a second run changes nothing
    db.session.commit()
    assert {
        m.__name__: _count(m) for m in (User, Couple, Appointment, Cosignature, AuditEvent, ConsentSignature)
    } == before


def _main_pages(email: str, couples: dict[str, Couple], ids: dict) -> list[str]:
    """Each demo user's main pages: the therapists' caseload, schedule and every page of their couples,
    the administrator's pages, the supervisor's read views, the partners' portal."""
    associate_couple = couples["Brennan & Sato"]
    staff_couple = [
        "/couples/{id}",
        "/couples/{id}/plan",
        "/couples/{id}/consent",
        "/couples/{id}/appointments",
        "/couples/{id}/sessions",
    ]
    portal = ["/portal/", "/portal/plan/", "/portal/consent/", "/portal/appointments/"]
    return {
        "therapist@demo.clinic.test": ["/caseload", "/schedule", "/schedule/agenda", "/supervision/"]
        + [u.format(id=c.id) for c in couples.values() if c.therapist_id == ids["therapist"] for u in staff_couple],
        "admin@demo.clinic.test": ["/admin/staff", "/admin/supervision", "/admin/transfers", "/admin/audit/"],
        "ingrid@demo.clinic.test": [
            "/caseload",
            "/supervision/",
            f"/supervision/associates/{ids['associate']}",
            f"/supervision/couples/{associate_couple.id}",
            f"/supervision/notes/{ids['waiting_note']}",
        ],
        "rowan@demo.clinic.test": ["/caseload", "/schedule", "/supervision/"]
        + [u.format(id=associate_couple.id) for u in staff_couple],
        "alex@demo.clinic.test": portal,
        "jordan@demo.clinic.test": portal,
        "priya@demo.clinic.test": portal,
        "tomas@demo.clinic.test": portal,
    }[email]


def test_every_demo_user_signs_in_and_opens_their_main_pages(app, client):
    assert seed_demo()
    db.session.commit()
    couples = _couples()
    users = {u.email: u for u in db.session.scalars(select(User))}
    waiting = supervision.waiting_for(users["ingrid@demo.clinic.test"])
    ids = {
        "therapist": users["therapist@demo.clinic.test"].id,
        "associate": users["rowan@demo.clinic.test"].id,
        "waiting_note": waiting[0].progress_note_id,
    }
    assert {email for _, email, _ in DEMO_LOGINS} == set(users) - {"ada@demo.clinic.test"}
    for _, email, name in DEMO_LOGINS:
        client.post("/logout")
        signed_in = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302, email  # the printed password works, no second factor in the demo
        home = client.get(signed_in.headers["Location"])
        assert home.status_code == 200 and "/login" not in signed_in.headers["Location"], email
        assert name in client.get("/account").text, email
        urls = _main_pages(email, couples, ids)
        assert len(urls) >= 4
        for url in urls:
            page = client.get(url)
            assert page.status_code == 200, (email, url, page.status_code)


def test_seed_demo_prints_the_supervisor_and_associate_logins(app):
    output = app.test_cli_runner().invoke(args=["seed-demo"]).output
    assert "ingrid@demo.clinic.test" in output and "Dr. Ingrid Solberg" in output
    assert "rowan@demo.clinic.test" in output and "Rowan Baptiste" in output
    assert DEMO_PASSWORD in output
