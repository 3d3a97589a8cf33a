"""Throughput under gunicorn (2 workers) on loopback, measured with wrk.

Each page is compared with a bare route of the same app (/healthz) in the same run, because absolute
figures swing with machine load; the ratios are what we report. Rounds are interleaved (round 1: healthz,
page A, healthz, page B, ...; round 2: the same again) and each page's ratio is the median over rounds
of (page req/s ÷ the /healthz req/s measured just before it).
"""

import http.client
import os
import re
import shutil
import signal
import statistics
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
    ratio: float = float("nan")  # median over rounds of page req/s ÷ /healthz req/s just before
    baseline: float = 0.0  # median /healthz req/s paired with this page


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


def _wrk(path, cookie=None, seconds=SECONDS) -> tuple[float, float, float, str]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
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


def throughput(
    database_url: str,
    instance_dir: str,
    therapist: str,
    client: str,
    password: str,
    pages=(),
    rounds: int = 3,
    seconds: int = SECONDS,
) -> list[LoadFigure]:
    """`pages`: [(label, role, path)], role "therapist" or "client". Returns /healthz first, then each page."""
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
        targets, figures = [], {}
        for label, role, path in pages:
            cookie = cookies[role]
            status = _request("GET", path, headers={"Cookie": cookie})[0]
            if status != 200:
                figures[path] = LoadFigure(label, path, 0.0, 0.0, 0.0, f"HTTP {status} before the run: skipped")
                continue
            targets.append((label, path, cookie))
        runs = {path: [] for _, path, _ in targets}
        bases, base_runs = {path: [] for _, path, _ in targets}, []
        for _ in range(rounds):
            for _label, path, cookie in targets:
                base = _wrk("/healthz", None, seconds)
                base_runs.append(base)
                bases[path].append(base[0])
                runs[path].append(_wrk(path, cookie, seconds))
        healthz = LoadFigure(
            "Bare route /healthz",
            "/healthz",
            statistics.median(r[0] for r in base_runs) if base_runs else 0.0,
            statistics.median(r[1] for r in base_runs) if base_runs else 0.0,
            statistics.median(r[2] for r in base_runs) if base_runs else 0.0,
            "; ".join(sorted({r[3] for r in base_runs})) or "none",
            1.0,
        )
        for label, path, _cookie in targets:
            measured = runs[path]
            ratios = [page[0] / base for page, base in zip(measured, bases[path], strict=True) if base]
            figures[path] = LoadFigure(
                label,
                path,
                statistics.median(r[0] for r in measured),
                statistics.median(r[1] for r in measured),
                statistics.median(r[2] for r in measured),
                "; ".join(sorted({r[3] for r in measured})),
                statistics.median(ratios) if ratios else float("nan"),
                statistics.median(bases[path]),
            )
        return [healthz, *(figures[path] for _, _, path in pages if path in figures)]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
