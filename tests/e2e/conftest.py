"""Browser journeys: a live server on loopback (CSRF on, fresh SQLite + demo data) and Debian's chromium.

Every test here is marked `e2e` and skips with a reason when /usr/bin/chromium (or Playwright) is
missing. They always run on their own SQLite file, never on CLINIC_TEST_DATABASE_URL: CI runs them
in the SQLite pass only.
"""

import json
import logging
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from clinic import PROJECT_ROOT
from tests.e2e.support import CHROMIUM, A11yLog, Clock

E2E_DIR = Path(__file__).parent
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAST_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}


def _skip_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"browser journeys need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser journeys need the playwright Python package (pip install playwright)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    for item in items:
        if E2E_DIR not in Path(str(item.fspath)).parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


# ---------------------------------------------------------------- the live server


class LiveServer:
    """The app served by werkzeug in a background thread; `url(path)` builds addresses."""

    def __init__(self, app, server):
        self.app = app
        self.server = server
        self.base_url = f"http://127.0.0.1:{server.server_port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path


@pytest.fixture
def clock(monkeypatch):
    """The session clock of the server (idle and absolute timeouts), which a test can move forward."""
    import clinic.auth.sessions

    fake = Clock()
    monkeypatch.setattr(clinic.auth.sessions, "time", fake)
    return fake


@pytest.fixture
def live_server(tmp_path, clock):
    from clinic import create_app
    from clinic.demo import seed_demo
    from clinic.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
            "SECRET_KEY": "e2e-secret-key-that-is-long-enough-0123456789",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,  # many sign-ins from one address; throttling has its own tests
            # PDFs render in this process: a forked render helper would inherit the Playwright driver's pipes
            # and this server's socket, and the test session could not end (the helper has its own tests).
            "PDF_ISOLATE_RENDERS": False,
            **FAST_ARGON2,
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["EXTERNAL_URL"] = f"http://127.0.0.1:{server.server_port}"  # links (invitations) point here
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


# ---------------------------------------------------------------- the browser

# `browser` (one Playwright + Chromium for the whole run) lives in tests/conftest.py: Playwright's sync
# API allows one instance per thread, and browser tests outside this folder need it too.


A11Y = A11yLog()


@pytest.fixture(scope="session")
def a11y_log():
    yield A11Y
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "a11y-report.json").write_text(json.dumps(A11Y.as_json(), indent=2))


@pytest.fixture(scope="session")
def screenshot_dir():
    # Names are stable (journey--step--width.png), so each run overwrites its own; nothing is deleted, since
    # another run may be writing here at the same time.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def visit(request, a11y_log, screenshot_dir):
    """`visit(page, "name", role)`: axe scan + screenshots (1280 and 390 wide) of the page as it is now."""
    from tests.e2e.support import PageChecker

    checker = PageChecker(request.node.name, a11y_log, screenshot_dir)
    yield checker
    checker.close()
    # Every journey answers for the pages it visited (axe, console errors, valid HTML), even one that
    # does not call `assert_clean()` itself.
    checker.assert_clean()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(phone=False)`: a fresh browser context (own cookies) at desktop or phone size."""
    from tests.e2e.support import open_page

    contexts = []

    def factory(phone: bool = False):
        context, page = open_page(browser, live_server.base_url, phone=phone)
        contexts.append(context)
        return page

    yield factory
    for context in contexts:
        context.close()


def pytest_terminal_summary(terminalreporter):
    from tests.e2e.nu import used_checker

    if not A11Y.pages:
        return
    data = A11Y.as_json()
    terminalreporter.section("accessibility (axe-core, WCAG 2.1 A/AA)")
    for line in A11yLog.summary_lines(data):
        terminalreporter.write_line(line)
    checker = used_checker()
    if checker is not None:
        terminalreporter.section("valid HTML")
        terminalreporter.write_line(checker.summary())


def pytest_sessionfinish(session, exitstatus):
    """With CLINIC_REQUIRE_NU=1 (CI), browser journeys that ran without the Nu checker fail the run."""
    from tests.e2e.nu import used_checker

    checker = used_checker()
    if checker is None:
        return
    checker.close()
    if os.environ.get("CLINIC_REQUIRE_NU") == "1" and checker.missing:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
