"""In the browser, with a real SMTP server: a therapist emails an invitation, the partner opens the link
from the email and joins; the therapist sees the invitation go from emailed to opened to joined."""

import logging
import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import FAST_ARGON2
from tests.e2e.conftest import LiveServer
from tests.e2e.support import THERAPIST, sign_in, sign_out
from tests.e2e.test_foundation_journeys import accept_invite
from tests.mail.conftest import smtp_server, text_of  # noqa: F401 - the SMTP server fixture


@pytest.fixture
def live_server(tmp_path, clock, smtp_server):  # noqa: F811
    from clinic import create_app
    from clinic.demo import seed_demo
    from clinic.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e2e-mail.sqlite3'}",
            "SECRET_KEY": "e2e-secret-key-that-is-long-enough-0123456789",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "PDF_ISOLATE_RENDERS": False,
            "JOBS_URL": "immediate",
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            **FAST_ARGON2,
        }
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["EXTERNAL_URL"] = f"http://127.0.0.1:{server.server_port}"
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        db.session.remove()
    thread = threading.Thread(target=server.serve_forever, name="e2e-mail-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def test_an_emailed_invitation_is_accepted_in_the_browser(new_page, visit, smtp_server, live_server):  # noqa: F811
    therapist = new_page()
    sign_in(therapist, THERAPIST)
    therapist.get_by_role("link", name="Okonkwo & Lindqvist").click()
    therapist.get_by_role("button", name="Re-send invitation email to Ada Okonkwo").click()
    expect(therapist.get_by_text("Invitation emailed.")).to_be_visible()
    expect(therapist.get_by_text(re.compile("Invited: emailed .*link not opened yet"))).to_be_visible()
    visit(therapist, "invitation emailed", "therapist")

    message = [m for m in smtp_server.messages if m["To"] == "ada@demo.clinic.test"][-1]
    link = re.search(r"http://127\.0\.0\.1:\d+/invite/[A-Za-z0-9_-]+", text_of(message)).group(0)
    partner = new_page(phone=True)
    accept_invite(partner, link, "Ada Okonkwo", "amber willow canyon tide")

    therapist.reload()
    expect(therapist.get_by_text("Ada Okonkwo has joined.")).to_be_visible()
    visit(therapist, "partner joined", "therapist")
    sign_out(therapist)
    visit.assert_clean()
