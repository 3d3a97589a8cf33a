"""A message whose send crashed part-way is not left "sending" for ever (#14): after a timeout it goes
back to the queue within the attempts it has left, through the periodic sweep or at the next send."""

from datetime import timedelta

import pytest

from clinic.db import utcnow
from clinic.extensions import db
from clinic.mail import services
from clinic.mail.models import MailMessage

TIMEOUT = timedelta(seconds=300)  # the default MAIL_SENDING_TIMEOUT_SECONDS


class Crash(BaseException):
    """The worker dying mid-send (killed, out of memory): nothing in deliver() gets to handle it."""


def _crash_while_sending(monkeypatch, to="sam@example.org") -> MailMessage:
    real = services._transmit

    def crash(row):
        raise Crash

    monkeypatch.setattr(services, "_transmit", crash)
    services.send("password_reset", to, link="http://clinic.test/reset/abc", minutes=60)
    with pytest.raises(Crash):
        db.session.commit()  # the send runs as the transaction commits (jobs run inline in tests)
    db.session.remove()  # the crash escaped from the commit's hook: start a fresh session, like a new worker
    monkeypatch.setattr(services, "_transmit", real)
    row = db.session.scalar(db.select(MailMessage).where(MailMessage.to_address == to))
    assert row.status == "sending" and row.attempts == 1  # the crashed try is counted
    return row


def test_a_message_left_sending_is_retried_by_the_sweep_after_the_timeout(smtp_app, smtp_server, monkeypatch):
    row = _crash_while_sending(monkeypatch)
    assert services.deliver_due(now=utcnow() + TIMEOUT / 2) == 0  # maybe still sending: left alone
    db.session.refresh(row)
    assert row.status == "sending" and not smtp_server.messages

    services.deliver_due(now=utcnow() + TIMEOUT + timedelta(seconds=5))
    db.session.refresh(row)
    assert row.status == "sent" and row.attempts == 2 and row.error == "" and row.text_body is None
    [message] = smtp_server.messages
    assert message["To"] == "sam@example.org"


def test_a_stuck_message_is_recovered_at_the_next_send(smtp_app, smtp_server, monkeypatch):
    stuck = _crash_while_sending(monkeypatch, to="first@example.org")
    stuck.next_attempt_at = utcnow() - timedelta(seconds=1)  # its timeout has passed
    db.session.commit()

    services.send("password_reset", "second@example.org", link="http://clinic.test/reset/def", minutes=60)
    db.session.commit()
    db.session.refresh(stuck)
    assert stuck.status == "sent" and stuck.attempts == 2
    assert sorted(m["To"] for m in smtp_server.messages) == ["first@example.org", "second@example.org"]


def test_a_stuck_message_with_no_attempts_left_fails_with_its_reason_in_the_outbox(
    make_app, smtp_server, login, world, monkeypatch
):
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_MAX_ATTEMPTS=2)
    with app.app_context():
        row = _crash_while_sending(monkeypatch)
        row.attempts = 2  # it has crashed on its last allowed try
        db.session.commit()
        row_id = row.id
        db.session.remove()
    client = app.test_client()
    login(client, world.admin)
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert "Sending" in page and "stopped part-way" not in page  # not overdue yet

    with app.app_context():
        services.deliver_due(now=utcnow() + TIMEOUT + timedelta(seconds=5))
        row = db.session.get(MailMessage, row_id)
        assert row.status == "failed" and row.text_body is None and row.attempts == 2
        db.session.remove()
    assert not smtp_server.messages
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert "Failed" in page and "A try stopped part-way (the sending process ended); gave up." in page


def test_the_outbox_shows_an_overdue_send_as_stopped(make_app, smtp_server, login, world, monkeypatch):
    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    with app.app_context():
        row = _crash_while_sending(monkeypatch)
        row.next_attempt_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    login(client, world.admin)
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert "Sending — stopped part-way, will be retried" in page
