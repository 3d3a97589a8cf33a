"""A real app server (gunicorn on loopback) over a scratch database, and a small cookie-keeping browser."""

import http.cookiejar
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from clinic import create_app
from clinic.extensions import db
from tests.conftest import FAST_ARGON2

ROOT = pathlib.Path(__file__).resolve().parents[2]
GUNICORN = pathlib.Path(sys.executable).with_name("gunicorn")
SECRET = "drill-secret-key-0123456789abcdef0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_database(url: str):
    """Schema plus a therapist with one couple; returns (app, therapist email, couple id)."""
    from clinic.settings import edit_practice_settings
    from tests.factories import make_couple, make_user

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            **FAST_ARGON2,
        }
    )
    with app.app_context():
        db.create_all()
        edit_practice_settings().require_totp = False
        therapist = make_user("therapist")
        couple = make_couple(therapist, name="Drill Couple")
        db.session.commit()
        email, couple_id = therapist.email, couple.id
        db.session.remove()
    return app, email, couple_id


class Server:
    def __init__(self, url: str, tmp_path, workers: int = 3):
        self.url, self.tmp_path, self.workers = url, tmp_path, workers
        self.port = free_port()
        self.process = None
        self.log = tmp_path / "gunicorn.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30):
        env = {
            **os.environ,
            "CLINIC_DATABASE_URL": self.url,
            "CLINIC_SECRET_KEY": SECRET,
            "CLINIC_RATELIMIT_ENABLED": "false",
            "CLINIC_INSTANCE_PATH": str(self.tmp_path),
            **{f"CLINIC_{k}": str(v) for k, v in FAST_ARGON2.items()},
        }
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "--workers",
                    str(self.workers),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--graceful-timeout",
                    "1",
                    "--timeout",
                    "60",
                    "clinic:create_app()",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start: {self.log.read_text()[-2000:]}")

    def kill(self):
        """SIGKILL the master and every worker at once: no graceful shutdown, no flushing."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            self.process = None

    def stop(self):
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Keeps cookies, never follows redirects; answers (status, body, headers)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, path, data=None, timeout=30):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace"), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), error.headers

    def get(self, path):
        return self.request(path)

    def post(self, path, data):
        return self.request(path, data)

    def sign_in(self, email, password):
        from tests.auth.helpers import csrf_token

        _, page, _ = self.get("/login")
        status, _, _ = self.post("/login", {"email": email, "password": password, "csrf_token": csrf_token(page)})
        assert status == 302, f"sign-in failed with {status}"
