"""The injection corpus in a real browser: after payloads went into every text field, headless Chromium
opens every page each actor can reach, listening for dialogs (alert/confirm/prompt). 0 dialogs."""

import pathlib

import pytest

from clinic import create_app
from clinic.extensions import db
from tests.conftest import FAST_ARGON2, login_as
from tests.factories import PASSWORD, build_world
from tests.security.crawl import crawl, discover_post_forms, populate_everything, submit
from tests.security.scratch import is_postgres
from tests.security.server import SECRET, Server
from tests.security.test_injection_and_logs import PAYLOADS

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not pathlib.Path(CHROMIUM).exists(), reason=f"needs Debian's chromium at {CHROMIUM}"),
    pytest.mark.skipif(is_postgres(), reason="browser checks run in the SQLite pass (as tests/e2e)"),
]


def test_no_payload_runs_in_the_browser(tmp_path, browser):
    url = f"sqlite:///{tmp_path / 'inject.sqlite3'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "SERVER_NAME": "clinic.test",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            **FAST_ARGON2,
        }
    )
    actors = ("therapist", "partner_a", "partner_b")
    with app.app_context():
        from clinic.settings import edit_practice_settings

        db.create_all()
        world = build_world()
        edit_practice_settings().require_totp = False
        db.session.commit()
        populate_everything(world)
        for actor, form in discover_post_forms(app, world, actors=actors):
            client = app.test_client()
            login_as(client, world.actor(actor))
            for payload in PAYLOADS:
                if form.text_fields:
                    submit(client, form, form.defaults() | dict.fromkeys(form.text_fields, payload))
        paths, emails = {}, {a: world.actor(a).email for a in actors}
        for actor in actors:
            client = app.test_client()
            login_as(client, world.actor(actor))
            result = crawl(client, "/", pdf_text=False)
            paths[actor] = [p for p, (status, ctype, _) in result.pages.items() if status == 200 and "html" in ctype]
        db.session.remove()
        db.engine.dispose()
    server = Server(url, tmp_path, workers=2)
    server.start()
    dialogs, visited = [], 0
    try:
        # the shared session browser (tests/conftest.py)
        for actor in actors:
            page = browser.new_context().new_page()
            page.on("dialog", lambda d, a=actor, p=page: (dialogs.append(f"{a} {p.url}: {d.message}"), d.dismiss()))
            page.goto(server.base + "/login")
            page.fill("#email", emails[actor])
            page.fill("#password", PASSWORD)
            page.click("main button[type=submit]")
            for path in paths[actor]:
                page.goto(server.base + path)
                visited += 1
                for link in page.locator("main a[href^='javascript:']").all():
                    dialogs.append(f"{actor} {path}: a javascript: link {link.get_attribute('href')!r}")
            page.context.close()
    finally:
        server.stop()
    print(
        f"\nbrowser injection: {len(PAYLOADS)} payloads in every text field; {visited} pages opened in Chromium "
        f"as {len(actors)} actors; dialogs {len(dialogs)}"
    )
    assert visited > 0 and not dialogs, dialogs[:10]
