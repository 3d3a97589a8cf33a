"""Bounded reads (#13): query counts that don't grow with history, the partner's window with "show more",
and the paginated homework review."""

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from clinic.extensions import db
from clinic.homework import services
from clinic.homework.models import Entry
from clinic.homework.progress import FINISHED_PER_PAGE, caseload_provider
from tests.factories import make_couple
from tests.homework import support
from tests.support.queries import counted_queries


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


def _history(world, couple, assignments: int, days: int):
    """`assignments` daily assignments of `days` days, each partner logging every day (rows added directly)."""
    made = []
    for n in range(assignments):
        a = support.assign(world, "caring-days", who="each" if n % 2 else "together", days_ago=days, couple=couple)
        made.append(a)
        for ago in range(days):
            for p in couple.partners:
                db.session.add(
                    Entry(
                        assignment_id=a.id,
                        partner_id=p.id,
                        couple_id=couple.id,
                        done_on=services.practice_today() - timedelta(days=ago),
                        answers={},
                        is_shared=bool(ago % 2),
                    )
                )
    db.session.commit()
    return made


def _queries(client, url) -> int:
    client.get(url)  # warm per-process caches
    with counted_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_query_counts_do_not_grow_with_history(client, world, login):
    big = world.couple
    _history(world, big, 1, 2)
    login(client, world.therapist)
    few = {url: _queries(client, url) for url in (f"/couples/{big.id}/homework",)}
    _history(world, big, 25, 40)
    many = {url: _queries(client, url) for url in few}
    assert few == many and all(n <= 12 for n in many.values()), (few, many)

    login(client, world.partner_a)
    portal = ("/portal/homework", "/portal/")
    few_portal = {url: _queries(client, url) for url in portal}
    _history(world, big, 3, 60)
    many_portal = {url: _queries(client, url) for url in portal}
    # Today also holds every other domain's section (appointments, consent, plan, questionnaires, safety,
    # handouts, releases): the whole page must not grow with history, and both stay within the budget.
    assert few_portal == many_portal and all(n <= 12 for n in many_portal.values()), (few_portal, many_portal)


def test_caseload_tally_reads_a_fixed_number_of_queries_and_only_the_window(app, world):
    _history(world, world.couple, 1, 3)
    other = make_couple(world.therapist, name="Fictional window couple")
    _history(world, other, 6, 60)
    caseload_provider([world.couple])  # warm the practice settings
    with counted() as one:
        caseload_provider([world.couple])
    with counted() as many:
        info = caseload_provider([world.couple, other])
    assert len(one) == len(many) == 1
    assert info[other.id].facts["Homework"] == "100% this fortnight"


def test_partner_list_shows_more_for_older_finished_homework(client, world, login):
    finished = [
        support.assign(world, "caring-days", who="each", days_ago=30 + n, due_in=-(n + 1))
        for n in range(FINISHED_PER_PAGE + 2)
    ]
    current = support.assign(world, "speaker-listener", who="each", days_ago=2)
    db.session.commit()
    login(client, world.partner_a)
    first = client.get("/portal/homework").get_data(as_text=True)
    assert f'/portal/homework/{current.id}"' in first
    assert "Show more finished homework" in first and "/portal/homework?finished=2" in first
    oldest = finished[-1]  # finished longest ago: ordered by start, newest first, so on page 2
    assert f'/portal/homework/{oldest.id}"' not in first
    second = client.get("/portal/homework?finished=2").get_data(as_text=True)
    assert f'/portal/homework/{oldest.id}"' in second and "Show more finished homework" not in second
    assert "← Newer" in second


def test_partner_assignment_history_pages_older_entries(client, world, login):
    a = world.couple.partner("a")
    assignment = support.assign(world, "caring-days", who="each", days_ago=29)
    for ago in range(25):
        support.entry(assignment, a, days_ago=ago, free_text=f"Fictional day {ago:02d} marker")
    db.session.commit()
    login(client, world.partner_a)
    first = client.get(f"/portal/homework/{assignment.id}").get_data(as_text=True)
    assert "Fictional day 00 marker" in first and "Fictional day 24 marker" not in first and "Older" in first
    second = client.get(f"/portal/homework/{assignment.id}?page=2").get_data(as_text=True)
    assert "Fictional day 24 marker" in second and "Fictional day 00 marker" not in second


def test_homework_review_paginates_assignments(client, world, login):
    made = [support.assign(world, "caring-days", who="each", days_ago=1 + n % 5) for n in range(23)]
    db.session.commit()
    login(client, world.therapist)
    url = f"/couples/{world.couple.id}/homework"
    first = client.get(url).get_data(as_text=True)
    second = client.get(url + "?page=2").get_data(as_text=True)
    links = [f'/homework/{a.id}"' for a in made]
    on_first = [link for link in links if link in first]
    on_second = [link for link in links if link in second]
    assert len(on_first) == 20 and len(on_second) == 3 and not set(on_first) & set(on_second)
    assert "Show more" in first and f"{url}?page=2" in first and "of 23" in first
    assert "Show more" not in second
