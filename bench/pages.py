"""Server time and SQL query count per request for the main pages, measured in-process.

Each page is requested through the Flask test client (no network), signed in through the real login
form. Queries are counted with a `before_cursor_execute` listener on the engine.
"""

import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import event, select

from clinic.extensions import db

WARMUP = 3
REPEAT = 25


@dataclass
class PageFigure:
    label: str
    path: str
    status: int
    median_ms: float
    queries: int
    queries_vary: bool
    repeated: list  # [(times, statement)] run more than once in one request: query-per-row suspects
    rows: str = ""  # rows shown: "<n> tr" (table rows in <tbody>) or "<n> li" (list items in <main>)
    transaction_statements: int = 0  # BEGIN / COMMIT / ... seen by the driver hook (SQLite only), not queries


# (label, role, URL rule, values). Pages are found by URL rule (+ GET), not endpoint name: endpoints get
# renamed, URLs are the product. The endpoint names are only a fallback when a rule moved.
MAIN_PAGES = [
    ("Caseload", "therapist", "/caseload", {}, ("couples.caseload",)),
    ("Schedule (week)", "therapist", "/schedule", {}, ("schedule.week",)),
    ("Couple overview", "therapist", "/couples/<int:couple_id>", {"couple_id": "couple"}, ("couples.overview",)),
    (
        "Sessions & notes",
        "therapist",
        "/couples/<int:couple_id>/sessions",
        {"couple_id": "couple"},
        ("sessions.couple_sessions",),
    ),
    (
        "Session page (signed)",
        "therapist",
        "/sessions/<int:therapy_session_id>",
        {"therapy_session_id": "signed_session"},
        ("sessions.therapy_session", "sessions.session_detail"),
    ),
    (
        "Session note (edit)",
        "therapist",
        "/sessions/<int:therapy_session_id>/note",
        {"therapy_session_id": "session"},
        ("sessions.edit_note",),
    ),
    ("Course", "therapist", "/couples/<int:couple_id>/course", {"couple_id": "couple"}, ("sessions.course",)),
    (
        "Homework review",
        "therapist",
        "/couples/<int:couple_id>/homework",
        {"couple_id": "couple"},
        ("homework.couple_homework",),
    ),
    (
        "Measures chart",
        "therapist",
        "/couples/<int:couple_id>/measures",
        {"couple_id": "couple"},
        ("measures.couple_measures",),
    ),
    (
        "Handouts (couple)",
        "therapist",
        "/couples/<int:couple_id>/handouts",
        {"couple_id": "couple"},
        ("handouts.couple_handouts",),
    ),
    ("Partner: Today", "client", "/portal/", {}, ("portal.today",)),
    ("Partner: homework", "client", "/portal/homework", {}, ("homework_portal.list", "homework.portal_list")),
    ("Partner: handouts", "client", "/portal/handouts", {}, ("handouts_portal.index",)),
    (
        "Partner: questionnaires",
        "client",
        "/portal/questionnaires",
        {},
        ("measures_portal.list", "measures.portal_list"),
    ),
]


def _values(seeded, values: dict) -> dict:
    known = {"couple": seeded.couple_id, "session": seeded.session_id, "signed_session": seeded.signed_session_id}
    return {name: known[what] for name, what in values.items()}


def find_pages(app, seeded) -> tuple[list[tuple[str, str, str]], list[str]]:
    """([(label, role, path)] found in this build, [labels not found]). Found by URL rule with GET, else by
    one of the fallback endpoint names."""
    rules = {rule.rule: rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    by_endpoint = {rule.endpoint: rule for rule in rules.values()}
    pages, missing = [], []
    with app.test_request_context():
        for label, role, pattern, values, endpoints in MAIN_PAGES:
            rule = rules.get(pattern) or next((by_endpoint[e] for e in endpoints if e in by_endpoint), None)
            args = _values(seeded, values)
            if rule is None or any(v == 0 for v in args.values()):
                missing.append(f"{label} ({pattern})")
                continue
            pages.append((label, role, url_for(rule.endpoint, **args)))
    return pages, missing


def main_pages(app, seeded) -> list[tuple[str, str, str]]:
    return find_pages(app, seeded)[0]


_TBODY = re.compile(r"<tbody\b.*?</tbody>", re.S | re.I)
_MAIN = re.compile(r"<main\b.*?</main>", re.S | re.I)
_LI = re.compile(r"<li\b", re.I)


def rows_shown(html: str) -> str:
    """Rows the page shows: table rows inside <tbody> (all <tr> when there is no tbody), else list items
    inside <main>. Comparable between sizes, not an exact count of records."""
    bodies = _TBODY.findall(html)
    trs = sum(len(re.findall(r"<tr\b", b, re.I)) for b in bodies) if bodies else len(re.findall(r"<tr\b", html, re.I))
    if trs:
        return f"{trs} tr"
    main = _MAIN.search(html)
    items = len(_LI.findall(main.group(0) if main else html))
    return f"{items} li"


# Transaction control is not a query. It is counted apart because the two drivers differ: SQLite's BEGIN
# (sent by clinic.db's connection hook) passes through the cursor, psycopg's BEGIN never does; and a read's
# audit commit is made unsynced by a PRAGMA outside the cursor on SQLite, by `SET LOCAL` through it on
# PostgreSQL (clinic.db.unsynced_commit).
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET LOCAL")


def is_transaction_control(statement: str) -> bool:
    return statement.lstrip().upper().startswith(TRANSACTION_CONTROL)


class QueryCounter:
    """SQL queries this thread runs (`count`), and the transaction-control statements apart
    (`transaction_count`)."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        self.transaction_count = 0
        self.statements: list[str] = []

    def __enter__(self):
        self.thread = threading.get_ident()  # only this request's statements, not the audit sealer thread's
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, *args):
        if threading.get_ident() != self.thread:
            return
        if is_transaction_control(statement):
            self.transaction_count += 1
            return
        self.count += 1
        self.statements.append(" ".join(statement.split()))


def signed_in_client(app, email: str, password: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"bench sign-in as {email} failed ({response.status_code})")
    return client


class _PageRun:
    """The samples of one page at one size, gathered over the rounds."""

    def __init__(self, label: str, role: str, path: str) -> None:
        self.label, self.role, self.path = label, role, path
        self.times: list[float] = []
        self.counts: list[int] = []
        self.transaction = 0
        self.status = 0
        self.statements: list[str] = []
        self.html = ""

    def figure(self) -> PageFigure:
        repeated = [(n, text) for text, n in Counter(self.statements).most_common() if n > 1]
        return PageFigure(
            self.label,
            self.path,
            self.status,
            statistics.median(self.times) * 1000,
            max(self.counts),
            len(set(self.counts)) > 1,
            repeated,
            rows_shown(self.html),
            self.transaction,
        )


def measure_interleaved(
    builds: dict, password: str, repeat: int = REPEAT, warmup: int = WARMUP, rounds: int = 5
) -> dict[str, list[PageFigure]]:
    """{size name: figures} for builds {size name: (app, seeded)}, each app on its own database.

    The sizes are measured in turns: `rounds` rounds, each giving every page of every size its share of the
    `repeat` timed requests. A machine that slows down or speeds up during the run then moves every size
    alike, so the practice/small time ratio compares the pages, not the moments they were measured at.
    """
    from clinic.auth.models import User

    setups = {}
    for name, (app, seeded) in builds.items():
        with app.app_context():
            # SQLAlchemy's and Jinja's caches warm up on the first requests; they are not part of the figures.
            engine = db.engine
            assert db.session.scalar(select(User.id).where(User.email == seeded.client_email))
        clients = {
            "therapist": signed_in_client(app, seeded.therapist_email, password),
            "client": signed_in_client(app, seeded.client_email, password),
        }
        runs = [_PageRun(label, role, path) for label, role, path in main_pages(app, seeded)]
        for run in runs:
            for _ in range(warmup):
                run.html = clients[run.role].get(run.path).get_data(as_text=True)
        setups[name] = (engine, clients, runs)
    rounds = max(1, min(rounds, repeat))
    shares = [repeat // rounds + (1 if r < repeat % rounds else 0) for r in range(rounds)]
    for share in shares:
        for engine, clients, runs in setups.values():
            for run in runs:
                client = clients[run.role]
                for _ in range(share):
                    with QueryCounter(engine) as counter:
                        started = time.perf_counter()
                        response = client.get(run.path)
                        run.times.append(time.perf_counter() - started)
                    run.counts.append(counter.count)
                    run.transaction = max(run.transaction, counter.transaction_count)
                    run.status, run.statements = response.status_code, counter.statements
                    run.html = response.get_data(as_text=True)
    return {name: [run.figure() for run in runs] for name, (_engine, _clients, runs) in setups.items()}
