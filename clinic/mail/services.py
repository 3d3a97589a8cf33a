"""Sending mail: compose from templates, queue in the same transaction as the change that causes it,
deliver in the background with retries, and list what happened for the Outbox page.

Every message has a plain-text and an HTML part, the practice's name and contact line, and links built
from `EXTERNAL_URL`. Templates receive only what `send()` is given: callers pass names and links,
never clinical text (tests/mail/test_no_clinical_text.py renders every kind with markers).
"""

import smtplib
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from clinic.db import utcnow
from clinic.extensions import db
from clinic.mail.links import external_url
from clinic.mail.models import MailMessage
from clinic.settings import get_practice_settings

# kind -> subject. A kind has templates mail/<kind>.txt and mail/<kind>.html.
SUBJECTS = {
    "invitation": "Your invitation to your private portal",
    "password_reset": "Choose a new password",
    "password_changed": "Your password was changed",
    "second_factor_changed": "Your sign-in security was changed",
    "staff_welcome": "Set your password",
    "email_change_confirm": "Confirm your new email address",
    "email_change_notice": "Your sign-in email address is changing",
    "reminder_digest": "You have something waiting in your portal",
}
_PENDING = "mail_pending_ids"


def send(kind: str, to: str, *, partner_name: str | None = None, **context) -> MailMessage:
    """Render `kind` for `to` and queue it; it is handed to the queue when the transaction commits.

    `partner_name` is given for mail to a partner (a client): the message greets them by first name only
    when the practice allows it (Settings), and otherwise says "Hello,".
    """
    practice = get_practice_settings()
    values = {
        "practice_name": practice.practice_name,
        "contact_line": practice.contact_line,
        "home_link": external_url("core.index"),
        "greet": first_name(partner_name) if practice.mail_first_name else "",
        **context,
    }
    row = MailMessage(
        kind=kind,
        to_address=to,
        subject=f"{SUBJECTS[kind]} · {practice.practice_name}"[:200],
        text_body=render_template(f"mail/{kind}.txt", **values),
        html_body=render_template(f"mail/{kind}.html", **values),
    )
    db.session.add(row)
    db.session.flush()
    row.outbox_file = f"{row.id:06d}-{kind}.eml"
    db.session.info.setdefault(_PENDING, []).append(row.id)
    return row


def first_name(full_name: str | None) -> str:
    """The first word of a name, for a greeting ("Priya Nair" -> "Priya")."""
    words = (full_name or "").split()
    return words[0][:40] if words else ""


@event.listens_for(Session, "after_commit")
def _hand_to_queue(session: Session) -> None:
    if session.in_nested_transaction():
        # Only a SAVEPOINT was released: the messages are not committed yet (and on SQLite the outer
        # transaction still holds the write lock the delivery would wait for). They go at the real commit.
        return
    for message_id in session.info.pop(_PENDING, []):
        current_app.extensions["mail_queue"].deliver(message_id)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT rolled back: messages queued before it still go at the outer commit
    session.info.pop(_PENDING, None)


STUCK_REASON = "A try stopped part-way (the sending process ended)"


def sending_timeout() -> timedelta:
    return timedelta(seconds=float(current_app.config["MAIL_SENDING_TIMEOUT_SECONDS"]))


def recover_stuck(now: datetime | None = None) -> list[int]:
    """Messages left "sending" past the timeout (their worker crashed or was killed mid-send) go back to
    the queue, due now, or are given up when they have used every attempt. Returns the ids requeued.

    While a message is sending, `next_attempt_at` holds the time after which it counts as stuck (set
    when it is claimed), and its attempt is already counted, so a crash uses up one of the attempts.
    A message the server had accepted before the crash may then arrive twice: better than never.
    """
    now = now or utcnow()
    left_before = now - sending_timeout()  # rows claimed before claims set the time: by their age
    stuck = (MailMessage.status == "sending") & (
        (MailMessage.next_attempt_at <= now)
        | (MailMessage.next_attempt_at.is_(None) & (MailMessage.created_at <= left_before))
    )
    limit = int(current_app.config["MAIL_MAX_ATTEMPTS"])
    given_up = (
        update(MailMessage)
        .where(stuck, MailMessage.attempts >= limit)
        .values(
            status="failed", error=f"{STUCK_REASON}; gave up.", text_body=None, html_body=None, next_attempt_at=None
        )
    )
    db.session.execute(given_up)
    ids = list(db.session.scalars(select(MailMessage.id).where(stuck).order_by(MailMessage.id).limit(200)))
    if ids:
        requeue = (
            update(MailMessage)
            .where(MailMessage.id.in_(ids), stuck)
            .values(status="retrying", error=f"{STUCK_REASON}; trying again.", next_attempt_at=now)
        )
        db.session.execute(requeue)
    db.session.commit()
    return ids


def deliver(message_id: int, now: datetime | None = None) -> float | None:
    """Send one queued message if this worker claims it; returns the seconds to wait before a retry.

    Each send first returns messages stuck in "sending" to the queue (`recover_stuck`), so a crashed
    send is noticed at the next one as well as by the periodic sweep."""
    now = now or utcnow()
    for stuck_id in recover_stuck(now):
        if stuck_id != message_id:
            current_app.extensions["mail_queue"].deliver(stuck_id)
    claim = (
        update(MailMessage)
        .where(MailMessage.id == message_id, MailMessage.status.in_(("queued", "retrying")))
        .values(status="sending", attempts=MailMessage.attempts + 1, next_attempt_at=now + sending_timeout())
    )
    claimed = db.session.execute(claim).rowcount  # type: ignore[attr-defined]
    db.session.commit()
    if not claimed:
        return None
    row = db.session.get(MailMessage, message_id)
    assert row is not None
    delay = None
    try:
        _transmit(row)
    except (OSError, smtplib.SMTPException) as error:
        row.error = failure_reason(error)
        if row.attempts >= int(current_app.config["MAIL_MAX_ATTEMPTS"]):
            row.status, row.text_body, row.html_body, row.next_attempt_at = "failed", None, None, None
        else:
            delay = float(current_app.config["MAIL_RETRY_SECONDS"]) * 2 ** (row.attempts - 1)
            row.status, row.next_attempt_at = "retrying", now + timedelta(seconds=delay)
    else:
        row.status, row.sent_at, row.error = "sent", now, ""
        row.text_body = row.html_body = row.next_attempt_at = None
    db.session.commit()
    return delay


def _transmit(row: MailMessage) -> None:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text_body or "",
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[row.to_address],
        headers={"X-Clinic-Kind": row.kind},  # a fixed word (e.g. password_reset): for filters and tests
    )
    message.attach_alternative(row.html_body or "", "text/html")
    message.outbox_name = row.outbox_file  # read by the outbox backend
    message.send()


def failure_reason(error: Exception) -> str:
    """A short reason for the Outbox: the SMTP code or the kind of network failure."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else ""
        return f"The mail server refused it (SMTP {error.smtp_code}: {text})"[:200]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the recipient address."
    if isinstance(error, ConnectionError | TimeoutError | smtplib.SMTPServerDisconnected):
        return f"Could not reach the mail server ({type(error).__name__})."
    return f"Sending failed ({type(error).__name__})."[:200]


def due_ids(now: datetime | None = None) -> list[int]:
    """Messages waiting for a retry whose time has come, and queued ones the queue may have lost."""
    now = now or utcnow()
    waiting = (MailMessage.status == "retrying") & (MailMessage.next_attempt_at <= now)
    lost = (MailMessage.status == "queued") & (MailMessage.created_at <= now - timedelta(minutes=5))
    return list(db.session.scalars(select(MailMessage.id).where(waiting | lost).order_by(MailMessage.id).limit(200)))


def deliver_due(now: datetime | None = None) -> int:
    """Send every message that is due (the periodic task), after returning stuck ones to the queue;
    returns how many were tried."""
    recover_stuck(now)
    ids = due_ids(now)
    for message_id in ids:
        deliver(message_id, now)
    return len(ids)


def outbox_query():
    return select(MailMessage).order_by(MailMessage.id.desc())
