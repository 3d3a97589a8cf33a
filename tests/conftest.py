"""Shared fixtures: an app on a throwaway database, a client, and a small world of actors.

SQLite (a file per test session) by default; set CLINIC_TEST_DATABASE_URL to run the same suite on
PostgreSQL. The schema is created once per session; each test starts with empty tables.
"""

import gc
import os
import time
import warnings

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from clinic import create_app
from clinic.extensions import db
from clinic.settings import clear_settings_cache
from tests.factories import World, build_world

FAST_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}
# No app a test builds leaves an audit sealer thread behind (tests of the sealer turn it on explicitly,
# and the scale-out instances set their own interval).
os.environ.setdefault("CLINIC_AUDIT_SEAL_INTERVAL_SECONDS", "0")


def _test_settings(tmp_path_factory) -> dict:
    url = os.environ.get("CLINIC_TEST_DATABASE_URL")
    if not url:
        url = "sqlite:///" + str(tmp_path_factory.getbasetemp() / "clinic-test.sqlite3")
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "JOBS_URL": "immediate",  # background jobs run inside the request that starts them
        "SERVER_NAME": "clinic.test",
        "EXTERNAL_URL": "http://clinic.test",
        "MAIL_BACKEND": "locmem",  # tests that deliver start their own SMTP server (tests/mail)
        **FAST_ARGON2,
    }


@pytest.fixture(scope="session")
def base_config(tmp_path_factory):
    config = _test_settings(tmp_path_factory)
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    return config


class RequestIsolatingClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Without this, a request reuses the test's app context, so `g` (and Flask-Login's cached user)
    would leak from one request to the next. The test's own session is committed first (so the
    request sees the test's setup and SQLite's write lock is free) and expired afterwards (so the
    test reads what the request wrote).
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture
def make_app(base_config):
    """Build an app with extra settings on the shared test database (e.g. CSRF on).

    Every app built here has its own connection pool; it is closed when the test ends, so no
    connection is left to the garbage collector (psycopg warns about that, and warnings fail tests).
    """
    built = []

    def factory(**overrides):
        application = create_app({**base_config, **overrides})
        application.test_client_class = RequestIsolatingClient
        built.append(application)
        return application

    yield factory
    for application in built:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
    built.clear()


def collect_quietly():
    """Collect what earlier tests left behind (apps, engines, pooled connections) now, quietly, rather
    than at a random moment inside a test, where a connection's ResourceWarning would fail that test
    under `filterwarnings = error`; then freeze the survivors.

    Frozen objects are skipped by every later collection, so each collection scans only what was made
    since the last one. Without the freeze each full collection walks the whole heap (SQLAlchemy's
    statement caches grow it to ~800,000 objects), which cost 0.6-0.9 s per test and, over the
    suite, most of its running time.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _collect_before_each_test(base_config):
    """Runs before every test, once the previous test's fixtures and arguments are released."""
    collect_quietly()


@pytest.fixture
def app(make_app):
    application = make_app()
    clear_settings_cache()  # tables are emptied between tests behind the ORM's back
    with application.app_context():
        yield application
        db.session.remove()
        _empty_tables()
        db.engine.dispose()  # each app has its own pool: close its connections now, not at GC


def _empty_tables():
    """Delete every row, children first, and start the ids again from 1.

    On PostgreSQL a DELETE of a few rows is 0.03-0.1 s; the TRUNCATE this replaced took 1-2.5 s per test
    (it makes new files for all ~50 tables) and was a third of the suite's time there.
    """
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            sequences = connection.execute(
                text("SELECT schemaname || '.' || sequencename FROM pg_sequences WHERE last_value IS NOT NULL")
            ).scalars()
            restarts = ", ".join(f"setval('{name}', 1, false)" for name in sequences)
            if restarts:
                connection.execute(text(f"SELECT {restarts}"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app) -> World:
    """Two therapists, a couple whose partners both joined, another couple, an admin."""
    built = build_world()
    db.session.commit()
    return built


def login_as(client, user) -> None:
    """Sign `user` in on `client` without the password round-trip (that has its own tests)."""
    now = int(time.time())
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_auth_at"] = now
        session["_seen_at"] = now
        session["_sid"] = f"test-{user.id}"
        session["_reauth_at"] = now  # a real sign-in counts as a fresh re-authentication too


@pytest.fixture
def login():
    return login_as


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One Playwright-driven Debian Chromium for the whole run (the sync API allows one per thread)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
