"""Measures fixtures: a served app for browser journeys."""

import pytest

from clinic import create_app
from clinic.extensions import db


@pytest.fixture
def journey_server(tmp_path):
    """The app with demo data on its own SQLite file, CSRF on, served on loopback in a thread."""
    import logging
    import threading

    from werkzeug.serving import make_server

    from clinic.demo import seed_demo

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'journey.sqlite3'}",
            "SECRET_KEY": "journey-secret-key-that-is-long-enough-0123456789",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="measures-journey-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def in_browser(request, journey_server):
    """`in_browser(journey)`: run `journey(open_page, checker)` with its own Playwright in a worker thread.

    Its own thread, because the browser journeys in tests/e2e keep a session-wide sync Playwright
    running in the main thread, and a second one there is refused. `open_page(phone=False)` gives a
    fresh context's page; `checker` scans pages with axe and saves screenshots like those journeys.
    """
    import threading

    def run(journey):
        from playwright.sync_api import sync_playwright

        from tests.e2e.conftest import A11Y, SCREENSHOTS
        from tests.e2e.support import CHROMIUM_ARGS, PageChecker, open_page

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        outcome = {}

        def body():
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                    try:
                        journey(
                            lambda phone=False: open_page(browser, journey_server, phone=phone)[1],
                            PageChecker(request.node.name, A11Y, SCREENSHOTS),
                        )
                    finally:
                        browser.close()
            except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread below
                outcome["error"] = error

        worker = threading.Thread(target=body, name="measures-journey-browser")
        worker.start()
        worker.join(timeout=300)
        assert not worker.is_alive(), "the browser journey did not finish within 5 minutes"
        if "error" in outcome:
            raise outcome["error"]

    return run


CHROMIUM = "/usr/bin/chromium"
