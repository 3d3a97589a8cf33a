"""Server time and SQL query count per request for the main pages, measured in-process.

Each page is requested through the Flask test client (no network), signed in through the real login
form. Queries are counted with a `before_cursor_execute` listener on the engine.
"""

import statistics
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


def main_pages(app, seeded) -> list[tuple[str, str, str]]:
    """(label, role, path) for every main page whose endpoint exists in this build."""
    couple, session_id = seeded.couple_id, seeded.session_id
    wanted = [
        ("Caseload", "therapist", "couples.caseload", {}),
        ("Couple overview", "therapist", "couples.overview", {"couple_id": couple}),
        ("Sessions & notes", "therapist", "sessions.couple_sessions", {"couple_id": couple}),
        ("Course", "therapist", "sessions.course", {"couple_id": couple}),
        (
            "Session page (signed)",
            "therapist",
            "sessions.session_detail",
            {"therapy_session_id": seeded.signed_session_id},
        ),
        ("Session note (edit)", "therapist", "sessions.edit_note", {"therapy_session_id": session_id}),
        ("Homework review", "therapist", "homework.couple_homework", {"couple_id": couple}),
        ("Measures chart", "therapist", "measures.couple_measures", {"couple_id": couple}),
        ("Handouts (couple)", "therapist", "handouts.couple_handouts", {"couple_id": couple}),
        ("Partner: Today", "client", "portal.today", {}),
        ("Partner: homework", "client", "homework_portal.list", {}),
        ("Partner: handouts", "client", "handouts.portal_list", {}),
        ("Partner: questionnaires", "client", "measures_portal.list", {}),
    ]
    session_endpoints = _session_endpoints(app)
    pages = []
    with app.test_request_context():
        for label, role, endpoint, values in wanted:
            endpoint = session_endpoints.get(endpoint, endpoint)
            if endpoint not in app.view_functions or values.get("therapy_session_id", 1) == 0:
                continue
            pages.append((label, role, url_for(endpoint, **values)))
    return pages


def _session_endpoints(app) -> dict:
    """The sessions domain's endpoint names for '/sessions/<id>' and '/sessions/<id>/note' (GET)."""
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.rule == "/sessions/<int:therapy_session_id>" and "GET" in rule.methods:
            found["sessions.session_detail"] = rule.endpoint
        if rule.rule == "/sessions/<int:therapy_session_id>/note" and "GET" in rule.methods:
            found["sessions.edit_note"] = rule.endpoint
    return found


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        self.statements: list[str] = []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, *args):
        self.count += 1
        self.statements.append(" ".join(statement.split()))


def signed_in_client(app, email: str, password: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"bench sign-in as {email} failed ({response.status_code})")
    return client


def measure(app, seeded, password: str) -> list[PageFigure]:
    from clinic.auth.models import User

    with app.app_context():
        # SQLAlchemy's and Jinja's caches warm up on the first requests; they are not part of the figures.
        engine = db.engine
        assert db.session.scalar(select(User.id).where(User.email == seeded.client_email))
    clients = {
        "therapist": signed_in_client(app, seeded.therapist_email, password),
        "client": signed_in_client(app, seeded.client_email, password),
    }
    figures = []
    for label, role, path in main_pages(app, seeded):
        client = clients[role]
        for _ in range(WARMUP):
            client.get(path)
        times, counts, status, statements = [], [], 0, []
        for _ in range(REPEAT):
            with QueryCounter(engine) as counter:
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
            counts.append(counter.count)
            status, statements = response.status_code, counter.statements
        repeated = [(n, text) for text, n in Counter(statements).most_common() if n > 1]
        figures.append(
            PageFigure(
                label, path, status, statistics.median(times) * 1000, max(counts), len(set(counts)) > 1, repeated
            )
        )
    return figures
