"""Throughput under gunicorn (2 workers) on loopback, measured with wrk.

The app pages are compared with a bare route of the same app (/healthz) and a static file, in the same
run, because absolute figures swing with machine load; the ratios are what we report.
"""

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

PORT = int(os.environ.get("CLINIC_BENCH_PORT", "5110"))
WORKERS = 2
CONNECTIONS = 8
SECONDS = 5


@dataclass
class LoadFigure:
    label: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: str


def _request(method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def _wait_ready(process, deadline=90.0):
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            if _request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def _sign_in(email, password) -> str:
    body = urlencode({"email": email, "password": password})
    status, headers, _ = _request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    cookies = [v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie" and v.startswith("clinic_session=")]
    if status != 302 or not cookies:
        raise RuntimeError(f"sign-in as {email} under gunicorn failed ({status})")
    return cookies[-1]


def _wrk(path, cookie=None) -> tuple[float, float, float, str]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{PORT}{path}"],
        capture_output=True,
        text=True,  # noqa: S603
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = (
        ", ".join(line.strip() for line in output.splitlines() if "Non-2xx" in line or "Socket errors" in line)
        or "none"
    )
    return rps, _latency(output, "50%"), _latency(output, "99%"), errors


def _latency(output, percentile) -> float:
    match = re.search(rf"{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\b", output)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def throughput(database_url: str, instance_dir: str, therapist: str, client: str, password: str) -> list[LoadFigure]:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    env = {
        **os.environ,
        "CLINIC_DATABASE_URL": database_url,
        "CLINIC_INSTANCE_PATH": instance_dir,
        "CLINIC_SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "CLINIC_WTF_CSRF_ENABLED": "false",
        "CLINIC_RATELIMIT_ENABLED": "false",
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    log = open(Path(instance_dir) / "gunicorn.log", "w")  # noqa: SIM115 - closed in finally
    # Our own venv's gunicorn with fixed arguments.
    process = subprocess.Popen(
        [
            gunicorn,
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",  # noqa: S603
            "--log-level",
            "info",
            "clinic:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    try:
        try:
            _wait_ready(process)
        except RuntimeError as error:
            log.flush()
            tail = (Path(instance_dir) / "gunicorn.log").read_text()[-1500:]
            raise RuntimeError(f"{error}; gunicorn log: {tail or '(empty)'}") from None
        cookies = {"therapist": _sign_in(therapist, password), "client": _sign_in(client, password)}
        targets = [
            ("Bare route /healthz", "/healthz", None),
            ("Static file (app.css)", "/static/css/app.css", None),
            ("Caseload", "/caseload", cookies["therapist"]),
            ("Partner: homework", "/portal/homework", cookies["client"]),
        ]
        figures = []
        for label, path, cookie in targets:
            status = _request("GET", path, headers={"Cookie": cookie} if cookie else {})[0]
            if status != 200:
                figures.append(LoadFigure(label, path, 0.0, 0.0, 0.0, f"HTTP {status} before the run: skipped"))
                continue
            figures.append(LoadFigure(label, path, *_wrk(path, cookie)))
        return figures
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
