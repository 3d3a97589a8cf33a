"""Admins manage staff and practice settings; they never see clinical content."""

from clinic.auth.models import User, find_user_by_email
from clinic.extensions import db
from tests.conftest import login_as


def test_admin_creates_a_therapist_once(client, world, login):
    login(client, world.admin)
    data = {
        "name": "Dr. Ines Alvarez",
        "email": "Ines@Example.test",
        "password": "long enough passphrase here",
        "form_token": "tok-bbbbbbbbbbbbbbbbbbbbbbbb",
    }
    assert client.post("/admin/staff/new", data=data).status_code == 302
    assert client.post("/admin/staff/new", data=data).status_code == 302  # double submit
    user = find_user_by_email("ines@example.test")
    assert user.role == "therapist" and user.email == "ines@example.test"
    assert user.password_hash is None  # they set it themselves from the welcome email (tests/mail)
    assert db.session.scalar(db.select(db.func.count()).select_from(User).where(User.name == "Dr. Ines Alvarez")) == 1


def test_duplicate_email_is_explained(client, world, login):
    login(client, world.admin)
    response = client.post("/admin/staff/new", data={"name": "X", "email": world.therapist.email.upper()})
    assert response.status_code == 422 and "already exists" in response.get_data(as_text=True)


def test_deactivation_ends_that_users_sessions_at_once(app, world, login):
    therapist_browser = app.test_client()
    login_as(therapist_browser, world.therapist)
    assert therapist_browser.get("/caseload").status_code == 200
    admin_browser = app.test_client()
    login(admin_browser, world.admin)
    admin_browser.post(f"/admin/staff/{world.therapist.id}/deactivate")
    response = therapist_browser.get("/caseload")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_grant_and_remove_admin_rights(client, world, login):
    login(client, world.admin)
    client.post(f"/admin/staff/{world.therapist.id}/grant_admin")
    db.session.refresh(world.therapist)
    assert world.therapist.is_admin
    client.post(f"/admin/staff/{world.therapist.id}/remove_admin")
    db.session.refresh(world.therapist)
    assert not world.therapist.is_admin


def test_practice_settings_are_validated_and_saved(client, world, login):
    login(client, world.admin)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Practice name" in page
    data = {
        "practice_name": "Fictional Practice",
        "contact_line": "1 Test St",
        "time_zone": "Europe/Berlin",
        "paper_size": "a4",
        "idle_timeout_minutes": "45",
        "crisis_resources": "Call the fictional line",
        "quick_exit_url": "https://www.weather.gov/",
        "version": "1",
    }
    response = client.post("/admin/settings", data=data)
    assert response.status_code == 422 and "between 5 and 30" in response.get_data(as_text=True)
    response = client.post("/admin/settings", data={**data, "idle_timeout_minutes": "20"})
    assert response.status_code == 302
    assert "Fictional Practice" in client.get("/admin/settings").get_data(as_text=True)


def test_admin_sees_no_clinical_content(client, world, login):
    login(client, world.admin)
    assert client.get(f"/couples/{world.couple.id}").status_code == 403
    assert client.get("/caseload").status_code == 403
    staff = client.get("/admin/staff").get_data(as_text=True)
    assert "Owner Couple" not in staff and "Fictional concerns" not in staff


def test_a_therapist_with_admin_rights_sees_both_navigations(client, world, login):
    world.therapist.is_admin = True
    login(client, world.therapist)
    page = client.get("/caseload").get_data(as_text=True)
    assert "Caseload" in page and "Staff" in page and "Practice settings" in page
