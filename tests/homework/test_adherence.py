"""Adherence: done / expected per partner, the caseload fact and alert, the note summary, the export."""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import event, select

from clinic.couples.models import Couple
from clinic.extensions import db
from clinic.homework import adherence
from clinic.homework.export import couple_homework_summary
from clinic.homework.progress import caseload_provider, couple_adherence
from clinic.homework.review import summarise_since
from clinic.homework.services import practice_today
from clinic.registry import caseload_info
from tests.factories import make_couple
from tests.homework import support

START = date(2026, 3, 2)  # a Monday


def _a(kind="daily", per_week=None, **kw):
    values = {
        "id": 1,
        "starts_on": START,
        "due_on": None,
        "ended_on": None,
        "pauses": [],
        "frequency_kind": kind,
        "times_per_week": per_week,
        "who": "each",
        "partner_id": None,
    }
    values.update(kw)
    return SimpleNamespace(**values)


def _days(*offsets):
    return {START + timedelta(days=o) for o in offsets}


def test_daily_counts_active_days_and_skips_paused_ones():
    a = _a()
    assert str(adherence.tally(a, _days(0, 1, 3), START, START + timedelta(days=6))) == "3 of 7"
    paused = _a(pauses=[[(START + timedelta(days=2)).isoformat(), (START + timedelta(days=5)).isoformat()]])
    assert adherence.tally(paused, _days(0, 1), START, START + timedelta(days=6)).expected == 4
    ended = _a(ended_on=START + timedelta(days=3))
    assert adherence.tally(ended, set(), START, START + timedelta(days=20)).expected == 3


def test_weekly_and_once_rules():
    a = _a("weekly", 3)
    assert adherence.tally(a, set(), START, START + timedelta(days=13)).expected == 6
    assert str(adherence.tally(a, _days(0), START, START)) == "1 of 1"  # an early entry never reads 1 of 0
    once = _a("once", due_on=START + timedelta(days=4))
    assert str(adherence.tally(once, set(), START, START + timedelta(days=2))) == "0 of 0"
    assert str(adherence.tally(once, set(), START, START + timedelta(days=5))) == "0 of 1"
    assert str(adherence.tally(once, _days(1), START, START + timedelta(days=2))) == "1 of 1"


def test_today_counts_only_once_logged():
    today = START + timedelta(days=2)
    assert str(adherence.tally(_a(), _days(0, 1), START, today, today)) == "2 of 2"
    assert str(adherence.tally(_a(), _days(0, 1, 2), START, today, today)) == "3 of 3"
    once = _a("once", due_on=today)
    assert str(adherence.tally(once, set(), START, today, today)) == "0 of 0"


def test_streak_and_week_target():
    today = START + timedelta(days=3)
    assert adherence.streak(_days(1, 2, 3), today) == 3
    assert adherence.streak(_days(0, 1, 2), today) == 3  # today not logged yet: counts to yesterday
    assert adherence.streak(_days(0, 2), today) == 1
    assert adherence.week_target(_a(), today) == 7
    assert adherence.week_target(_a("weekly", 3), today) == 3


def _two_partner_history(world, couple=None):
    couple = couple or world.couple
    assignment = support.assign(world, "caring-days", who="each", days_ago=6, couple=couple)
    a, b = couple.partner("a"), couple.partner("b")
    for ago in (0, 1, 2, 3, 5):
        support.entry(assignment, a, days_ago=ago, shared=ago == 0, free_text=f"PRIVATE-A-{ago}")
    for ago in (4, 6):
        support.entry(assignment, b, days_ago=ago)
    return assignment


def test_therapist_sees_done_of_expected_per_partner(client, world, login):
    _two_partner_history(world)
    db.session.commit()
    login(client, world.therapist)
    page = client.get(f"/couples/{world.couple.id}/homework").get_data(as_text=True)
    # B hasn't logged today yet: today isn't counted against them until it is over.
    assert "5 of 7" in page and "2 of 6" in page and "(71%)" in page and "(33%)" in page


def test_since_last_session_counts_from_the_given_moment(app, world):
    _two_partner_history(world)
    since_at = datetime.combine(practice_today() - timedelta(days=2), time(12), tzinfo=UTC)
    rows, totals, since = couple_adherence(world.couple, since_at, use_last_session=False)
    a, b = world.couple.partners
    assert (totals[a.id][1].done, totals[a.id][1].expected) == (3, 3)
    assert (totals[b.id][1].done, totals[b.id][1].expected) == (0, 2)
    assert (totals[a.id][0].done, totals[a.id][0].expected) == (5, 7)


def test_summarise_since_gives_counts_and_never_private_text(app, world):
    _two_partner_history(world)
    since_at = datetime.combine(practice_today() - timedelta(days=2), time(12), tzinfo=UTC)
    summary = summarise_since(world.couple, since_at)
    a, b = world.couple.partners
    assert f"{a.name}:" in summary and f"{b.name}:" in summary
    assert "Caring days (each, daily): 3 of 3 done" in summary
    assert "Caring days (each, daily): 0 of 2 done" in summary
    assert "skipped: 0 of 3" in summary and "skipped: 2 of 2" in summary
    assert "kept private: 2" in summary and "done: no entry of their own" in summary
    assert "PRIVATE-A" not in summary
    whole = summarise_since(world.couple, None)
    assert "over the whole course" in whole and "5 of 7 done" in whole
    assert "nothing assigned yet" in summarise_since(world.other_couple, None)


def test_caseload_shows_homework_and_alerts_on_low_adherence(client, world, login):
    _two_partner_history(world)
    low = make_couple(world.therapist, name="Low Adherence Couple")
    support.assign(world, "gratitude-exchange", who="each", days_ago=6, couple=low)
    db.session.commit()
    info = caseload_info([world.couple, low])
    assert info[world.couple.id].facts["Homework"] == "54% this fortnight"
    assert not [alert for alert in info[world.couple.id].alerts if "Homework" in alert]
    assert info[low.id].facts["Homework"] == "0% this fortnight"
    assert any("Homework adherence is low" in alert for alert in info[low.id].alerts)
    login(client, world.therapist)
    page = client.get("/caseload").get_data(as_text=True)
    assert "54% this fortnight" in page and "Homework adherence is low" in page


def test_caseload_provider_runs_a_fixed_number_of_queries(app, world):
    couples = [world.couple]
    _two_partner_history(world)
    for n in range(4):
        couple = make_couple(world.therapist, name=f"Fictional couple {n}")
        _two_partner_history(world, couple)
        couples.append(couple)
    db.session.commit()
    couples = list(db.session.scalars(select(Couple).where(Couple.id.in_([c.id for c in couples]))))
    statements = []

    def count(*args):
        statements.append(args[2])

    caseload_provider(couples[:1])  # warm the practice settings
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        caseload_provider(couples[:1])
        one = len(statements)
        statements.clear()
        caseload_provider(couples)
        many = len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert one == many and many <= 3


def test_export_is_plain_data_with_private_entries_marked(app, world):
    _two_partner_history(world)
    data = couple_homework_summary(world.couple)
    assert len(data) == 1 and data[0]["exercise"] == "Caring days"
    assert {row["partner"]: (row["done"], row["expected"]) for row in data[0]["adherence"]} == {
        world.couple.partner("a").name: (5, 7),
        world.couple.partner("b").name: (2, 6),
    }
    assert sum(1 for e in data[0]["entries"] if e["shared_with_partner"]) == 1
    assert all(isinstance(e["done_on"], str) for e in data[0]["entries"])
