"""Reminder digests: at the partner's chosen hour in their own time zone, outside their quiet hours, at
most once a day, only when something is waiting, never for a paused or closed couple or for homework the
safety safeguard paused. The message says only that something is waiting (no exercise or questionnaire
names)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clinic.appointments.services import upcoming_for_partner
from clinic.couples.models import Couple, Partner
from clinic.db import utcnow
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.homework.progress import today_summary
from clinic.mail import services as mail
from clinic.mail.links import external_url
from clinic.measures.services import due_requests
from clinic.reminders.models import ReminderPreference, ReminderSent
from clinic.settings import get_practice_settings, time_zone_choices

QUIET_STATUSES = ("paused", "closed")
APPOINTMENT_LEAD = timedelta(hours=36)  # a session later today or tomorrow


def preference_for(partner: Partner) -> ReminderPreference | None:
    return db.session.scalar(select(ReminderPreference).where(ReminderPreference.partner_id == partner.id))


def preferences_for_couple(couple: Couple) -> dict[int, ReminderPreference]:
    """Both partners' choices in one query (the therapist's couple overview): partner id -> choices."""
    ids = [p.id for p in couple.partners]
    rows = db.session.scalars(select(ReminderPreference).where(ReminderPreference.partner_id.in_(ids)))
    return {row.partner_id: row for row in rows}


def save_preference(partner: Partner, data: dict) -> ReminderPreference:
    """Store the partner's choices; DomainError for a time zone we don't know or a send hour inside quiet hours."""
    if data["time_zone"] not in time_zone_choices():
        raise DomainError("Choose a time zone from the list.", "time_zone")
    row = preference_for(partner) or ReminderPreference(partner_id=partner.id)
    row.homework, row.questionnaires = bool(data["homework"]), bool(data["questionnaires"])
    row.appointments = bool(data.get("appointments"))
    row.send_hour, row.time_zone = int(data["send_hour"]), data["time_zone"]
    row.quiet_from, row.quiet_until = data.get("quiet_from"), data.get("quiet_until")
    if row.any_on and row.is_quiet(row.send_hour):
        raise DomainError(
            "That time is inside your quiet hours. Choose another time or change the quiet hours.", "send_hour"
        )
    row.updated_at = utcnow()
    db.session.add(row)
    db.session.flush()
    return row


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="reminders-unsubscribe")


def unsubscribe_token(partner: Partner) -> str:
    return str(_serializer().dumps(partner.id))


def unsubscribe_token_is_valid(token: str) -> bool:
    """Whether `token` is one of our signed unsubscribe tokens (nothing changes)."""
    try:
        int(_serializer().loads(token))
    except (BadSignature, TypeError, ValueError):
        return False
    return True


def unsubscribe(token: str) -> bool:
    """Turn every reminder off for the partner the signed token names; False for a forged token."""
    try:
        partner_id = int(_serializer().loads(token))
    except (BadSignature, TypeError, ValueError):
        return False
    row = db.session.scalar(select(ReminderPreference).where(ReminderPreference.partner_id == partner_id))
    if row is not None:
        row.homework = row.questionnaires = row.appointments = False
        row.updated_at = utcnow()
    return True


def waiting_for(partner: Partner, row: ReminderPreference, now: datetime | None = None) -> bool:
    """Whether something the partner chose reminders for is waiting: homework due or overdue, a
    questionnaire, or a session of theirs starting within the next 36 hours (never the other partner's
    individual session: `upcoming_for_partner` shows each partner only what they may see)."""
    if row.homework and today_summary(partner, partner.couple)["due"]:
        return True
    if row.questionnaires and due_requests(partner):
        return True
    now = now or utcnow()
    return bool(row.appointments and upcoming_for_partner(partner, now, APPOINTMENT_LEAD))


def _candidates(now: datetime) -> list[tuple[Partner, ReminderPreference, datetime]]:
    rows = db.session.execute(
        select(Partner, ReminderPreference)
        .join(ReminderPreference, ReminderPreference.partner_id == Partner.id)
        .join(Couple, Couple.id == Partner.couple_id)
        .where(
            Couple.status.not_in(QUIET_STATUSES),
            Partner.user_id.is_not(None),
            (ReminderPreference.homework | ReminderPreference.questionnaires | ReminderPreference.appointments),
        )
    ).all()
    found = []
    for partner, row in rows:
        local = now.astimezone(ZoneInfo(row.time_zone))
        if local.hour == row.send_hour and not row.is_quiet(local.hour) and not partner.couple.is_closed:
            found.append((partner, row, local))
    return found


def send_due_digests(now: datetime | None = None) -> int:
    """Queue today's digest for every partner whose hour it is; commits each one with its claim.

    Safe to run at the same time in several workers: the (partner, local day) claim is unique.
    """
    now = now or utcnow()
    sent = 0
    for partner, row, local in _candidates(now):
        if partner.user is None or not partner.user.is_active or not waiting_for(partner, row, now):
            continue
        try:
            db.session.add(ReminderSent(partner_id=partner.id, local_day=local.date()))
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            continue
        queue_digest(partner)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue
        sent += 1
    return sent


def queue_digest(partner: Partner) -> None:
    """The digest itself: that something is waiting, a link to the portal and the unsubscribe link."""
    mail.send(
        "reminder_digest",
        partner.user.email,
        partner_name=partner.name,
        link=external_url("portal.today"),
        unsubscribe_link=external_url("reminders.unsubscribe", token=unsubscribe_token(partner)),
    )


def practice_time_zone() -> str:
    return get_practice_settings().time_zone
