"""Two app instances (gunicorn) on different loopback ports, one PostgreSQL database, one Redis.

Runs only when CLINIC_SCALEOUT_DATABASE_URL names a dedicated PostgreSQL database (it is emptied and
rebuilt) and Redis answers on 127.0.0.1:6379. The instances run in production mode behind a pretend
proxy (CLINIC_PROXY_FIX_HOPS=1, X-Forwarded-Proto/For headers), with real CSRF and real rate limits.

    createdb -h 127.0.0.1 -U postgres clinic_scaleout
    CLINIC_SCALEOUT_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/clinic_scaleout \\
        .venv/bin/python -m pytest -q tests/scaleout
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest

DATABASE_URL = os.environ.get("CLINIC_SCALEOUT_DATABASE_URL", "")
REDIS = ("127.0.0.1", 6379)
PORTS = (int(os.environ.get("CLINIC_SCALEOUT_PORT_A", "5111")), int(os.environ.get("CLINIC_SCALEOUT_PORT_B", "5112")))
SECRET = "scale-out-secret-key-shared-by-both-instances-0123456789"
AUDIT_KEY = "scale-out-audit-key-shared-by-both-instances-0123456789"
PASSWORD = "calm-harbour-lantern-42"
THERAPIST = "therapist@demo.clinic.test"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _skip_reason() -> str | None:
    if not DATABASE_URL:
        return "set CLINIC_SCALEOUT_DATABASE_URL to a dedicated PostgreSQL database to run the two-instance test"
    if not DATABASE_URL.startswith(("postgresql", "postgres")):
        return "the two-instance test needs PostgreSQL (CLINIC_SCALEOUT_DATABASE_URL)"
    if not _redis_answers():
        return "the two-instance test needs Redis answering on 127.0.0.1:6379"
    return None


pytestmark = [pytest.mark.slow, pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")]


# ---------------------------------------------------------------- a tiny browser


class FormParser(HTMLParser):
    """Collects each <form>'s action and the fields a browser would send (as it is shown)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self._form["fields"].append([a["name"], a.get("value") or ("on" if kind == "checkbox" else "")])
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None]
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in a:
                self._select[1] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            self._form["fields"].append([self._select[0], self._select[1] or ""])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form["fields"].append([self._textarea[0], self._textarea[1].removeprefix("\n")])
            self._textarea = None
        elif tag == "form":
            self._form = None


class Browser:
    """Cookies shared across both instances, as behind a load balancer without sticky sessions."""

    def __init__(self, address="203.0.113.10"):
        self.cookies: dict[str, str] = {}
        self.address = address

    def request(self, port, method, path, fields=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        sent = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Host": "clinic.example.org",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode([tuple(pair) for pair in fields])
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = f"https://clinic.example.org{path}"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    cookie_value = rest.split(";", 1)[0]
                    if cookie_value and "Expires=Thu, 01 Jan 1970" not in value and "Max-Age=0" not in value:
                        self.cookies[key] = cookie_value
                    else:
                        self.cookies.pop(key, None)
            return response.status, dict(response.getheaders()), text
        finally:
            connection.close()

    def get(self, port, path):
        return self.request(port, "GET", path)

    def form(self, port, path, logout=False, **changes):
        """GET `path`, take its main form (or the sign-out form) as shown, apply `changes`: (action, fields)."""
        status, _, html = self.get(port, path)
        assert status == 200, (status, path)
        parser = FormParser()
        parser.feed(html)
        form = next(
            f
            for f in parser.forms
            if any(name == "csrf_token" for name, _ in f["fields"]) and (f["action"] == "/logout") == logout
        )
        fields = [[k, v] for k, v in form["fields"] if k not in changes]
        fields += [[k, v] for k, v in changes.items()]
        return form["action"] or path, fields

    def sign_in(self, port, email, password=PASSWORD):
        action, fields = self.form(port, "/login", email=email, password=password)
        return self.request(port, "POST", action, fields)


# ---------------------------------------------------------------- the two instances


def _prepare_database():
    from clinic import create_app
    from clinic.demo import seed_demo
    from clinic.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
            "SECRET_KEY": SECRET,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        seed_demo()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _wait(port, process, deadline=30.0):
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"instance on port {port} exited at start-up")
        try:
            if Browser().get(port, "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"instance on port {port} did not answer /healthz")


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    _prepare_database()
    workdir = tmp_path_factory.mktemp("scaleout")
    env = {
        **os.environ,
        "CLINIC_DATABASE_URL": DATABASE_URL,
        "CLINIC_SECRET_KEY": SECRET,
        "CLINIC_ENV": "production",
        "CLINIC_PROXY_FIX_HOPS": "1",
        "CLINIC_INSTANCE_PATH": str(workdir),
        "CLINIC_AUDIT_SEAL_INTERVAL_SECONDS": "1",
        "CLINIC_AUDIT_KEY": AUDIT_KEY,
        "CLINIC_RATELIMIT_ENABLED": "true",
        "CLINIC_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "CLINIC_RATELIMIT_KEY_PREFIX": f"clinic-scaleout-{uuid.uuid4().hex[:12]}",
        "CLINIC_ARGON2_TIME_COST": "1",
        "CLINIC_ARGON2_MEMORY_COST": "1024",
        "CLINIC_ARGON2_PARALLELISM": "1",
        "CLINIC_EXTERNAL_URL": "https://clinic.example.org",  # the Host the tiny browser sends
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    processes = []
    try:
        for port in PORTS:
            log = open(workdir / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed below
            process = subprocess.Popen(
                [gunicorn, "--workers", "1", "--bind", f"127.0.0.1:{port}", "clinic:create_app()"],
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
            processes.append((process, log))
        for port, (process, _) in zip(PORTS, processes, strict=True):
            _wait(port, process)
        yield PORTS
    finally:
        for process, log in processes:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


def _couple_id(browser, port, name="Rivera & Chen") -> int:
    status, _, html = browser.get(port, "/caseload")
    assert status == 200
    match = re.search(r'href="/couples/(\d+)">' + re.escape(name.replace("&", "&amp;")), html)
    assert match, "couple not on the caseload"
    return int(match.group(1))


def test_sign_in_on_one_instance_continue_on_the_other(instances):
    a, b = instances
    browser = Browser()
    status, headers, _ = browser.sign_in(a, THERAPIST)
    assert status == 302 and headers["Location"].endswith("/caseload")
    status, _, html = browser.get(b, "/caseload")
    assert status == 200 and "Rivera &amp; Chen" in html
    # The cookie is marked Secure in production, and the proxy headers made the app see https.
    assert browser.get(b, "/healthz")[0] == 200


def test_a_couple_edited_through_one_is_seen_and_conflict_checked_through_the_other(instances):
    a, b = instances
    browser = Browser("203.0.113.11")
    assert browser.sign_in(a, THERAPIST)[0] == 302
    couple_id = _couple_id(browser, a)
    edit = f"/couples/{couple_id}/edit"
    action_a, fields_a = browser.form(a, edit, display_name="Rivera & Chen (edited on A)")
    action_b, fields_b = browser.form(b, edit, display_name="Rivera & Chen (edited on B)")
    status, _, _ = browser.request(a, "POST", action_a, fields_a)
    assert status == 302
    status, _, html = browser.request(b, "POST", action_b, fields_b)
    assert status == 409, status
    assert "Someone else saved this couple while you were editing" in html
    assert 'value="Rivera &amp; Chen (edited on B)"' in html  # the user's text is kept in the form
    status, _, html = browser.get(b, f"/couples/{couple_id}")
    assert status == 200 and "Rivera &amp; Chen (edited on A)" in html


def test_a_note_saved_through_one_is_conflict_checked_through_the_other(instances):
    a, b = instances
    browser = Browser("203.0.113.12")
    assert browser.sign_in(a, THERAPIST)[0] == 302
    couple_id = _couple_id(browser, a, "Nair & Varga")
    action, fields = browser.form(a, f"/couples/{couple_id}/sessions")
    status, headers, _ = browser.request(a, "POST", action, fields)
    assert status == 302 and headers["Location"].endswith("/note")
    note = headers["Location"].replace("https://clinic.example.org", "")
    action_a, fields_a = browser.form(a, note, plan="Plan written on instance A.")
    action_b, fields_b = browser.form(b, note, plan="Plan written on instance B.")
    assert browser.request(a, "POST", action_a, [*fields_a, ["action", "save"]])[0] == 302
    status, _, html = browser.request(b, "POST", action_b, [*fields_b, ["action", "save"]])
    assert status == 409
    assert "Plan written on instance A." in html and "Plan written on instance B." in html


def test_sign_in_throttling_counts_across_both_instances(instances):
    a, b = instances
    browser = Browser("203.0.113.13")
    email = f"nobody-{uuid.uuid4().hex[:8]}@example.org"
    statuses = [browser.sign_in(port, email, "wrong-password-123")[0] for port in (a, b, a, b, a)]
    assert 429 not in statuses, statuses  # five tries per account per minute, spread over both
    status, _, html = browser.sign_in(b, email, "wrong-password-123")
    assert status == 429, "the sixth try (on the other instance) should be throttled"
    assert "Too many attempts" in html


def test_logout_on_one_instance_ends_the_session_on_both(instances):
    a, b = instances
    browser = Browser("203.0.113.14")
    assert browser.sign_in(a, THERAPIST)[0] == 302
    copied = dict(browser.cookies)  # e.g. a second tab, or a stolen cookie
    assert browser.get(b, "/caseload")[0] == 200
    action, fields = browser.form(a, "/caseload", logout=True)
    status, _, _ = browser.request(a, "POST", action, fields)
    assert status == 302
    other = Browser("203.0.113.14")
    other.cookies = copied
    status, headers, _ = other.get(b, "/caseload")
    assert status == 302 and "/login" in headers["Location"]


def test_both_instances_seal_one_trail_that_verifies(instances):
    """Each instance appends with plain inserts and runs its own sealer; one sealer wins at a time, and
    the result is one keyed chain that verify-audit accepts."""
    from sqlalchemy import func, select

    from clinic import create_app
    from clinic.audit.chain import verify
    from clinic.audit.models import AuditEvent
    from clinic.extensions import db

    a, b = instances
    for port in (a, b):  # a partner's sign-in and page views (the therapist is throttled by now)
        browser = Browser("203.0.113.15")
        assert browser.sign_in(port, "alex@demo.clinic.test")[0] == 302
        assert browser.get(port, "/portal/")[0] == 200
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": DATABASE_URL, "SECRET_KEY": SECRET, "AUDIT_KEY": AUDIT_KEY, "TESTING": True}
    )
    with app.app_context():
        deadline, unsealed = time.monotonic() + 20, None
        while time.monotonic() < deadline:
            unsealed = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.seal_id.is_(None)))
            db.session.rollback()
            if unsealed == 0:
                break
            time.sleep(0.2)
        report = verify()
        db.session.remove()
        db.engine.dispose()
    assert unsealed == 0, f"{unsealed} audit events still unsealed after 20 s"
    assert report.ok and report.checked > 0 and report.batches >= 1, report


SEND_DIGESTS = """
import sys
from datetime import datetime

from clinic import create_app
from clinic.reminders.services import send_due_digests

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": sys.argv[2], "EXTERNAL_URL": "http://127.0.0.1"})
with app.app_context():
    print(send_due_digests(datetime.fromisoformat(sys.argv[3])))
"""


def test_two_instances_sending_reminders_at_once_send_one_digest_each(instances, tmp_path):
    """Both instances' reminder tasks run at the same moment on the same database: every partner with
    something waiting gets exactly one digest (the unique claim per partner and local day decides)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy import func, select

    from clinic import create_app
    from clinic.couples.models import Couple, Partner
    from clinic.extensions import db
    from clinic.mail.models import MailMessage
    from clinic.reminders import services

    zone = "America/New_York"
    now = datetime.now(UTC).replace(minute=5, second=0, microsecond=0)
    app = create_app({"SQLALCHEMY_DATABASE_URI": DATABASE_URL, "SECRET_KEY": SECRET, "TESTING": True})
    with app.app_context():
        partners = db.session.scalars(
            select(Partner).join(Couple).where(Partner.user_id.is_not(None), Couple.status.in_(("active", "intake")))
        ).all()
        choice = {"homework": True, "questionnaires": True, "appointments": True, "time_zone": zone}
        rows = [
            services.save_preference(p, {**choice, "send_hour": now.astimezone(ZoneInfo(zone)).hour}) for p in partners
        ]
        db.session.commit()
        waiting = sorted(
            p.user.email for p, row in zip(partners, rows, strict=True) if services.waiting_for(p, row, now)
        )
        db.session.remove()
    assert waiting, "the demo practice should have partners with something waiting"

    started = datetime.now(UTC)  # the demo seed already queued one digest of its own
    runs = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        env = {**os.environ, "CLINIC_INSTANCE_PATH": str(folder)}
        runs.append(
            subprocess.Popen(
                [sys.executable, "-c", SEND_DIGESTS, DATABASE_URL, SECRET, now.isoformat()],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err[-2000:] for _, err in results]
    assert sum(int(out.strip().splitlines()[-1]) for out, _ in results) == len(waiting)

    with app.app_context():
        sent = db.session.execute(
            select(MailMessage.to_address, func.count())
            .where(MailMessage.kind == "reminder_digest", MailMessage.created_at >= started)
            .group_by(MailMessage.to_address)
        ).all()
        db.session.remove()
        db.engine.dispose()
    assert sorted(address for address, _ in sent) == waiting
    assert all(count == 1 for _, count in sent)
