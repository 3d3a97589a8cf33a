"""The therapist's schedule (day, week, agenda) and the private calendar feed. Server-rendered lists
that read well on a phone; no JavaScript."""

from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from clinic.appointments import calendar, changes, services
from clinic.appointments.forms import FeedForm
from clinic.appointments.recurrence import to_local
from clinic.appointments.views import therapist_only
from clinic.db import utcnow
from clinic.extensions import db, limiter
from clinic.mail.links import external_url
from clinic.settings import viewer_zone

bp = Blueprint("schedule", __name__)
FEED_LIMIT = "30 per minute; 300 per hour"


def _day_arg() -> date:
    """The ?d=YYYY-MM-DD day asked for, today (the viewer's time) by default; 404 for nonsense."""
    raw = request.args.get("d")
    if not raw:
        return datetime.now(viewer_zone()).date()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(404)
    if not 2000 <= day.year <= 2100:
        abort(404)
    return day


def _span(first: date, days: int) -> dict[date, list]:
    zone = viewer_zone()
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(first + timedelta(days=days), time(0), tzinfo=zone)
    grouped: dict[date, list] = {first + timedelta(days=n): [] for n in range(days)}
    for item in services.between(current_user.id, start, end):
        grouped[to_local(item.starts_at, zone).date()].append(item)
    return grouped


@bp.get("/schedule")
@therapist_only
def week():
    day = _day_arg()
    first = day - timedelta(days=day.weekday())
    return render_template(
        "appointments/schedule.html",
        view="week",
        days=_span(first, 7),
        first=first,
        previous=first - timedelta(days=7),
        next=first + timedelta(days=7),
    )


@bp.get("/schedule/day")
@therapist_only
def day():
    first = _day_arg()
    return render_template(
        "appointments/schedule.html",
        view="day",
        days=_span(first, 1),
        first=first,
        previous=first - timedelta(days=1),
        next=first + timedelta(days=1),
    )


@bp.get("/schedule/agenda")
@therapist_only
def agenda():
    query = services.agenda_query(current_user, utcnow())
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("appointments/agenda.html", view="agenda", page=page)


@bp.route("/schedule/feed", methods=["GET", "POST"])
@therapist_only
def feed_settings():
    form, token = FeedForm(), None
    if form.validate_on_submit():
        token = changes.turn_on_feed(current_user, bool(form.show_initials.data))
        db.session.commit()
    feed = changes.feed_for(current_user)
    url = external_url("schedule.feed", token=token) if token else None  # never from the Host header
    return render_template("appointments/feed.html", form=form, feed=feed, url=url)


@bp.post("/schedule/feed/revoke")
@therapist_only
def revoke_feed():
    changes.revoke_feed(current_user)
    db.session.commit()
    flash("Calendar feed turned off. The old address no longer works.", "success")
    return redirect(url_for("schedule.feed_settings"))


@bp.get("/calendar/<token>.ics")
@limiter.limit(FEED_LIMIT)
def feed(token: str):
    """The private feed (no sign-in: calendar apps can't). Unknown or revoked tokens are 404."""
    found = changes.feed_by_token(token)
    if found is None:
        abort(404)
    now = utcnow()
    items = [
        a
        for a in services.between(found.therapist_id, now - timedelta(days=30), now + timedelta(days=366))
        if not a.is_cancelled
    ]
    response = calendar.ics_response(calendar.feed(items, found.show_initials), "sessions.ics")
    response.headers["Content-Disposition"] = 'inline; filename="sessions.ics"'
    return response
