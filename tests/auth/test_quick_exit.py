"""Quick exit: the session ends on the server, kept forms are deleted, the browser is told to forget."""

import time

import pytest

from clinic.audit.models import AuditEvent
from clinic.auth.models import PendingSubmission
from clinic.core.models import SubmissionToken
from clinic.extensions import db
from tests.auth.helpers import replay, session_cookie, set_require_totp, sign_in

NEUTRAL = "https://www.weather.gov/"


@pytest.fixture(autouse=True)
def _password_only(app):
    set_require_totp(False)


def _quick_exit_events():
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "auth.quick_exit")))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_quick_exit_ends_the_session_on_the_server(app, client, world, method):
    partner = world.partner_a
    sign_in(client, partner.email)
    cookie = session_cookie(client)
    assert replay(app, cookie, "/portal/").status_code == 200
    response = client.open("/exit", method=method)
    assert response.status_code == 303 and response.headers["Location"] == NEUTRAL
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert response.headers["Cache-Control"] == "no-store"
    assert "clinic_session=;" in response.headers.get("Set-Cookie", "")  # the cookie is cleared
    refused = replay(app, cookie, "/portal/")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert client.get("/portal/").status_code == 302


def test_quick_exit_deletes_what_the_server_kept_and_is_audited_with_ids(app, client, world):
    partner = world.partner_a
    sign_in(client, partner.email)
    db.session.add(PendingSubmission(user_id=partner.id, path="/portal/homework/1", form_data={"text": "x"}))
    db.session.add(SubmissionToken(token="t" * 24, user_id=partner.id, result_url="/portal/homework/1"))
    other = world.partner_b
    db.session.add(PendingSubmission(user_id=other.id, path="/portal/homework/2", form_data={"text": "y"}))
    db.session.commit()
    client.get("/exit")
    kept = db.session.scalars(db.select(PendingSubmission.user_id)).all()
    assert kept == [other.id]  # only this partner's drafts go
    assert db.session.scalar(db.select(db.func.count()).select_from(SubmissionToken)) == 0
    [event] = _quick_exit_events()
    assert (event.actor_id, event.record_type, event.record_id) == (partner.id, "user", partner.id)


def test_quick_exit_with_csrf_on_needs_no_token(make_app, world):
    from tests.conftest import login_as

    app = make_app(WTF_CSRF_ENABLED=True)
    partner = world.partner_a
    version = partner.session_version
    with app.app_context():
        client = app.test_client()
        login_as(client, partner)
        response = client.post("/exit")  # no csrf_token in the body
    assert response.status_code == 303 and response.headers["Location"] == NEUTRAL
    db.session.expire_all()
    assert partner.session_version == version + 1


def test_quick_exit_works_after_the_session_timed_out(app, client, world, monkeypatch):
    sign_in(client, world.partner_a.email)
    later = time.time() + 13 * 3600
    import clinic.auth.sessions

    monkeypatch.setattr(clinic.auth.sessions.time, "time", lambda: later)
    response = client.get("/exit")
    assert response.status_code == 303 and response.headers["Location"] == NEUTRAL


def test_anonymous_visitor_is_simply_sent_to_the_neutral_page(client, world):
    response = client.get("/exit")
    assert response.status_code == 303 and response.headers["Location"] == NEUTRAL
    assert _quick_exit_events() == []


def test_the_neutral_page_comes_from_practice_settings(client, world):
    from clinic.settings import edit_practice_settings

    edit_practice_settings().quick_exit_url = "https://example.org/recipes"
    db.session.commit()
    assert client.get("/exit").headers["Location"] == "https://example.org/recipes"


def test_client_pages_link_the_exit_route_and_are_never_cached(client, world, login):
    login(client, world.partner_a)
    for path in ("/portal/", "/portal/homework", "/portal/handouts"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store", path
        assert 'href="/exit" data-quick-exit' in page, path
        assert "<script>" not in page and " onclick=" not in page, path
