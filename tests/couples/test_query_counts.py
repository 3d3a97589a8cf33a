"""Issue #13: the caseload, couple overview and measures pages run a fixed number of SQL statements,
at most 12, whatever the amount of data behind them (more couples, sessions, answers)."""

from sqlalchemy import select

from clinic.extensions import db
from clinic.measures.caseload import latest_csi_totals
from clinic.measures.library import normalise_answers, score
from clinic.measures.models import MeasureResponse
from clinic.settings import PracticeSettings, clear_settings_cache
from tests.factories import make_couple
from tests.measures.helpers import age, answer, request_for
from tests.sessions.helpers import COMPLETE, new_session
from tests.support.queries import counted_queries

LIMIT = 12  # queries, as `make bench` counts them: transaction control (BEGIN, ...) is not a query


def _csi(world, position, totals):
    key = f"csi_request_{position}"
    if key not in world.extra:
        world.extra[key] = request_for(world, position, schedule="every_n_days", interval_days=14)
    request = world.extra[key]
    user = world.partner_a if position == "a" else world.partner_b
    for i, total in enumerate(totals):
        values = [min(total, 6), 0, 0, 0]
        rest = total - values[0]
        for n in (1, 2, 3):
            values[n] = min(rest, 5)
            rest -= values[n]
        age(answer(request, values, user), 14 * (len(totals) - i) + 1)


def _grow(world, couples=4, sessions=5):
    """More of everything the pages read: couples on the caseload, sessions, CSI-4 answers."""
    for _ in range(couples):
        make_couple(world.therapist)
    for i in range(sessions):
        new_session(world.couple, world.therapist, days_ago=40 - i, answers=COMPLETE["efct"], sign=i % 2 == 0)
    _csi(world, "a", [15, 14, 16, 15, 9])
    _csi(world, "b", [11, 12, 13])
    db.session.commit()


PAGES = {
    "caseload": lambda world: "/caseload",
    "overview": lambda world: f"/couples/{world.couple.id}",
    "measures": lambda world: f"/couples/{world.couple.id}/measures",
}


def _count(client, path) -> int:
    client.get(path)  # warm caches (settings, templates)
    with counted_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def test_main_pages_run_at_most_12_statements_and_the_same_with_more_data(app, client, world, login, monkeypatch):
    # As in production: a saved settings row, cached per process (the bench's figures are taken so too).
    monkeypatch.setitem(app.config, "SETTINGS_CACHE_SECONDS", 60)
    db.session.add(PracticeSettings.with_defaults())
    new_session(world.couple, world.therapist, days_ago=50, answers=COMPLETE["efct"], sign=True)
    _csi(world, "a", [15])
    db.session.commit()
    login(client, world.therapist)
    before = {name: _count(client, path(world)) for name, path in PAGES.items()}
    _grow(world)
    after = {name: _count(client, path(world)) for name, path in PAGES.items()}
    assert before == after, (before, after)
    assert all(n <= LIMIT for n in after.values()), after
    clear_settings_cache()


def test_caseload_scores_only_the_latest_two_answers_per_partner_exactly_as_before(app, client, world, login):
    _grow(world)
    every = sorted(
        db.session.scalars(select(MeasureResponse).where(MeasureResponse.couple_id == world.couple.id)),
        key=lambda r: (r.answered_at, r.id),
    )
    expected: dict[int, list[float]] = {}
    for row in every:
        if row.measure_key == "csi4":
            total = score("csi4", row.scoring_version, normalise_answers(row.answers))["total"]
            expected.setdefault(row.partner_id, []).append(total)
    assert latest_csi_totals([world.couple.id]) == {pid: totals[-2:] for pid, totals in expected.items()}
    login(client, world.therapist)
    page = client.get("/caseload").text
    assert "CSI-4 fell" in page  # 15 → 9 for partner A: the latest two answers compared
