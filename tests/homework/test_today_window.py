"""#13: the partner's Today reads their current homework and its visible days in one statement, and shows
exactly what the homework page shows for the same assignments (privacy and "once" rules included); the
caseload's homework tally is one statement too."""

from contextlib import contextmanager

from sqlalchemy import event

from clinic.extensions import db
from clinic.homework.progress import caseload_provider, portal_page
from tests.factories import make_couple
from tests.homework import support


@contextmanager
def counted():
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _shown(items) -> list[tuple]:
    return [(i.assignment.id, i.section, i.status_line, str(i.week), i.streak, i.mine_today) for i in items]


def _mixed_homework(world):
    a, b = world.couple.partners
    once_done = support.assign(world, "caring-days", kind="once", days_ago=40, due_in=5)
    support.entry(once_done, a, days_ago=35)  # long before the window: still "Done"
    daily = support.assign(world, "caring-days", kind="daily", days_ago=10)
    support.entry(daily, a, days_ago=0)
    support.entry(daily, a, days_ago=1)
    together = support.assign(world, "caring-days", who="together", kind="weekly", per_week=3, days_ago=10)
    support.entry(together, b, days_ago=0)  # B's private entry: A must not see it counted
    support.entry(together, b, days_ago=2, shared=True)  # shared: it counts for A
    support.assign(world, "caring-days", kind="daily", days_ago=3)  # nothing logged yet
    only_b = support.assign(world, "caring-days", who="one", partner=b, kind="daily", days_ago=3)
    support.entry(only_b, b, days_ago=0)
    db.session.commit()
    return a, b, once_done, only_b


def test_today_shows_what_the_homework_page_shows_for_current_assignments(app, world):
    a, b, once_done, only_b = _mixed_homework(world)
    for partner in (a, b):
        full = portal_page(partner, finished=True)
        current = [i for i in full.items if i.section != "finished"]
        today = portal_page(partner, finished=False)
        assert _shown(today.items) == _shown(current)
    today_a = {i.assignment.id: i for i in portal_page(a, finished=False).items}
    assert today_a[once_done.id].status_line == "Done"
    assert only_b.id not in today_a  # given to B alone


def test_today_homework_is_one_statement_whatever_the_history(app, client, world, login):
    a, *_ = _mixed_homework(world)
    portal_page(a, finished=False)  # warm the practice settings
    with counted() as statements:
        items = portal_page(a, finished=False).items
    assert len(statements) == 1 and len(items) == 4
    login(client, world.partner_a)
    page = client.get("/portal/").text
    assert page.count("Due today") == sum(i.status_line == "Due today" for i in items) == 1


def test_caseload_homework_tally_is_one_statement_and_counts_unlogged_assignments(app, world):
    couple = world.couple
    support.assign(world, "caring-days", kind="daily", days_ago=6)  # 7 days expected per partner, none logged
    other = make_couple(world.therapist, name="Fictional tally couple")
    db.session.commit()
    caseload_provider([couple, other])  # warm the practice settings
    with counted() as statements:
        info = caseload_provider([couple, other])
    assert len(statements) == 1, statements
    assert info[couple.id].facts["Homework"] == "0% this fortnight"
    assert other.id not in info  # nothing assigned: no figure
