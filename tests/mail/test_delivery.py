"""Delivery: through a real SMTP server, retried with backoff while it is down, shown in the Outbox."""

import stat
from datetime import timedelta

from clinic.db import utcnow
from clinic.extensions import db
from clinic.mail import services
from clinic.mail.models import MailMessage
from clinic.mail.outbox import outbox_folder
from clinic.settings import edit_practice_settings
from tests.mail.conftest import html_of, text_of


def test_a_message_reaches_the_smtp_server_with_text_html_practice_and_link(smtp_app, smtp_server):
    settings = edit_practice_settings()
    settings.practice_name, settings.contact_line = "Harbour Lane Practice", "Call 555 0100 · 1 Harbour Lane"
    services.send("password_reset", "sam@example.org", link="http://clinic.test/reset/abc", minutes=60)
    db.session.commit()

    [message] = smtp_server.messages
    assert message["To"] == "sam@example.org"
    for part in (text_of(message), html_of(message)):
        assert "Harbour Lane Practice" in part and "Call 555 0100" in part
        assert "http://clinic.test/reset/abc" in part
    row = db.session.scalar(db.select(MailMessage))
    assert row.status == "sent" and row.text_body is None and row.attempts == 1


def test_smtp_down_is_retried_with_backoff_then_delivered(smtp_app, smtp_server):
    smtp_server.stop()
    services.send("password_reset", "sam@example.org", link="http://clinic.test/reset/abc", minutes=60)
    db.session.commit()
    row = db.session.scalar(db.select(MailMessage))
    assert row.status == "retrying" and row.attempts == 1
    assert "Could not reach the mail server" in row.error
    first_wait = row.next_attempt_at - utcnow()
    assert services.deliver_due() == 0  # not due yet

    services.deliver_due(now=row.next_attempt_at + timedelta(seconds=1))  # still down: waits twice as long
    db.session.refresh(row)
    assert row.status == "retrying" and row.attempts == 2
    assert row.next_attempt_at - utcnow() > first_wait * 1.5

    smtp_server.start()
    services.deliver_due(now=row.next_attempt_at + timedelta(seconds=1))
    db.session.refresh(row)
    assert row.status == "sent" and row.attempts == 3 and row.error == ""
    assert len(smtp_server.messages) == 1


def test_after_the_last_attempt_the_message_fails_with_its_reason_in_the_outbox(make_app, smtp_server, login, world):
    smtp_server.stop()
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_MAX_ATTEMPTS=2)
    with app.app_context():
        services.send("password_reset", "sam@example.org", link="http://clinic.test/x", minutes=60)
        db.session.commit()
        services.deliver_due(now=utcnow() + timedelta(days=1))
        row = db.session.scalar(db.select(MailMessage))
        assert row.status == "failed" and row.text_body is None
        db.session.remove()
    client = app.test_client()
    login(client, world.admin)
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert "Failed" in page and "Could not reach the mail server" in page


def test_embedded_outbox_writes_private_eml_files_listed_for_the_admin(make_app, login, world, tmp_path):
    app = make_app(MAIL_BACKEND="clinic.mail.outbox.EmailBackend", MAIL_FILE_PATH=str(tmp_path / "outbox"))
    with app.app_context():
        services.send("password_reset", "sam@example.org", link="http://clinic.test/reset/xyz", minutes=60)
        db.session.commit()
        folder = outbox_folder()
        [path] = [p for p in folder.iterdir() if p.suffix == ".eml"]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        row = db.session.scalar(db.select(MailMessage))
        db.session.remove()
    client = app.test_client()
    login(client, world.admin)
    listing = client.get("/admin/outbox/").get_data(as_text=True)
    assert "sam@example.org" in listing and "Written" in listing
    shown = client.get(f"/admin/outbox/{row.id}").get_data(as_text=True)
    assert "http://clinic.test/reset/xyz" in shown


def test_a_released_savepoint_sends_nothing_until_the_real_commit(app):
    """A message queued before a nested block must not be delivered when that SAVEPOINT is released (the
    outer transaction is not committed, and on SQLite it still holds the write lock): only at the commit."""
    from clinic.extensions import db
    from clinic.mail import services as mail_services
    from clinic.mail.models import MailMessage

    row = mail_services.send("password_changed", "savepoint@example.org", when="now", link="http://clinic.test/")
    with db.session.begin_nested():
        db.session.flush()
    assert db.session.get(MailMessage, row.id).status == "queued"  # nothing delivered at the SAVEPOINT
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(MailMessage, row.id).status == "sent"
