"""Mixed load on PostgreSQL + Redis: `python -m bench.mixed [--seconds 60] [--users 16] [--workers 2]`.

Two app instances (gunicorn each, different loopback ports, production config: real CSRF, real rate
limits on Redis, Secure cookies behind a pretend proxy) share one scratch PostgreSQL database
(`clinic_bench_<pid>_mixed`, dropped afterwards) and Redis. Simulated users, each a thread with its own
cookie jar, spread their requests over both instances (no sticky sessions):

- therapists browse their caseload and a couple's pages, and now and then open a new session and save
  its note (the plan carries a unique token);
- partners look at their portal pages and log homework entries (the text carries a unique token);
- one therapist runs the couple record export (PDF) over and over.

Reported: errors (any status other than 2xx/3xx, or no answer), lost writes (a write answered with a
redirect to success whose token is not in the database afterwards), p95 latency per page. Then the same
run with one instance, printed beside it.
"""

import argparse
import http.client
import itertools
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

PORTS = (
    int(os.environ.get("CLINIC_BENCH_MIXED_PORT_A", "5121")),
    int(os.environ.get("CLINIC_BENCH_MIXED_PORT_B", "5122")),
)
REDIS_URI = os.environ.get("CLINIC_BENCH_REDIS", "redis://127.0.0.1:6379/0")
SECRET = "bench-mixed-secret-key-shared-by-both-instances-0123456789"  # noqa: S105 - throwaway
AUDIT_KEY = "bench-mixed-audit-key-shared-by-both-instances-0123456789"
HOST = "clinic.example.org"


# ---------------------------------------------------------------- a tiny browser (as tests/scaleout)


class FormParser(HTMLParser):
    """Collects each <form>'s action and the fields a browser would send (as it is shown)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": []}
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
            self._form.setdefault("textareas", []).append(a["name"])

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


@dataclass
class Stats:
    latencies: dict = field(default_factory=lambda: defaultdict(list))  # label -> [ms]
    errors: list = field(default_factory=list)  # (label, status or exception)
    writes: list = field(default_factory=list)  # (kind, token) answered with success
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label, ms, status):
        with self.lock:
            self.latencies[label].append(ms)
            if not (200 <= status < 400):
                self.errors.append((label, status))


class Browser:
    """One user's cookie jar; each request goes to the next instance in turn."""

    def __init__(self, ports, stats: Stats, address: str):
        self.ports = itertools.cycle(ports)
        self.cookies: dict[str, str] = {}
        self.stats, self.address = stats, address

    def request(self, label, method, path, fields=None):
        port = next(self.ports)
        sent = {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address, "Host": HOST}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode([tuple(pair) for pair in fields])
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = f"https://{HOST}{path}"
            sent["Origin"] = f"https://{HOST}"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            status, headers = response.status, response.getheaders()
        except OSError as error:
            self.stats.add(label, (time.perf_counter() - started) * 1000, 0)
            self.stats.errors[-1] = (label, repr(error))
            return 0, {}, ""
        finally:
            connection.close()
        self.stats.add(label, (time.perf_counter() - started) * 1000, status)
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if cookie_value and "Expires=Thu, 01 Jan 1970" not in value and "Max-Age=0" not in value:
                    self.cookies[key] = cookie_value
                else:
                    self.cookies.pop(key, None)
        text = data.decode("utf-8", "replace") if b"%PDF" not in data[:8] else ""
        return status, dict(headers), text

    def form(self, label, path, logout=False):
        """GET `path` and return (action, fields, textareas) of its first CSRF form (not sign-out)."""
        status, _, html = self.request(label, "GET", path)
        if status != 200:
            return None
        parser = FormParser()
        parser.feed(html)
        for f in parser.forms:
            if (
                f["method"] == "post"
                and any(n == "csrf_token" for n, _ in f["fields"])
                and ((f["action"] == "/logout") == logout)
            ):
                return f["action"] or path, f["fields"], f.get("textareas", [])
        return None

    def sign_in(self, email, password):
        found = self.form("Sign in (form)", "/login")
        if not found:
            raise RuntimeError("no sign-in form")
        action, fields, _ = found
        fields = [[k, v] for k, v in fields if k not in ("email", "password")] + [
            ["email", email],
            ["password", password],
        ]
        status, _, _ = self.request("Sign in (POST)", "POST", action, fields)
        if status != 302:
            raise RuntimeError(f"sign-in as {email} answered {status}")


def _path(headers) -> str:
    return headers.get("Location", "").replace(f"https://{HOST}", "")


# ---------------------------------------------------------------- simulated users


def therapist_user(browser: Browser, couples: list[int], until: float, rng: random.Random):
    pages = [
        ("Caseload", "/caseload"),
        ("Couple overview", "/couples/{c}"),
        ("Sessions & notes", "/couples/{c}/sessions"),
        ("Course", "/couples/{c}/course"),
        ("Homework review", "/couples/{c}/homework"),
        ("Measures chart", "/couples/{c}/measures"),
        ("Handouts (couple)", "/couples/{c}/handouts"),
    ]
    n = 0
    while time.monotonic() < until:
        n += 1
        couple = rng.choice(couples)
        if n % 6 == 0:  # open a new session and save its note
            found = browser.form("Sessions & notes", f"/couples/{couple}/sessions")
            if not found:
                continue
            action, fields, _ = found
            status, headers, _ = browser.request("New session (POST)", "POST", action, fields)
            note = _path(headers)
            if status != 302 or not note.endswith("/note"):
                continue
            found = browser.form("Session note (edit)", note)
            if not found:
                continue
            action, fields, _ = found
            token = f"bench-{uuid.uuid4().hex}"
            fields = [[k, v] for k, v in fields if k not in ("plan", "action")] + [["plan", token], ["action", "save"]]
            status, _, _ = browser.request("Save note (POST)", "POST", action, fields)
            if status == 302:
                with browser.stats.lock:
                    browser.stats.writes.append(("note", token))
        else:
            label, pattern = rng.choice(pages)
            browser.request(label, "GET", pattern.format(c=couple))


def partner_user(browser: Browser, assignment: int, until: float, rng: random.Random):
    pages = [
        ("Partner: Today", "/portal/"),
        ("Partner: homework", "/portal/homework"),
        ("Partner: handouts", "/portal/handouts"),
        ("Partner: questionnaires", "/portal/questionnaires"),
    ]
    n = 0
    while time.monotonic() < until:
        n += 1
        if n % 3 == 0:  # log a homework entry
            found = browser.form("Partner: assignment", f"/portal/homework/{assignment}")
            if not found:
                continue
            action, fields, textareas = found
            token = f"bench-{uuid.uuid4().hex}"
            fields = [[k, token if k in textareas else v] for k, v in fields]
            status, _, _ = browser.request("Log entry (POST)", "POST", action, fields)
            if status == 302:
                with browser.stats.lock:
                    browser.stats.writes.append(("entry", token))
        else:
            label, path = rng.choice(pages)
            browser.request(label, "GET", path)


def exporter_user(browser: Browser, couple: int, until: float, rng: random.Random):
    while time.monotonic() < until:
        found = browser.form("Export (form)", f"/couples/{couple}/export")
        if not found:
            time.sleep(1)
            continue
        action, fields, _ = found
        browser.request("Record export (POST, PDF)", "POST", action, fields)


# ---------------------------------------------------------------- instances and one run


def _prepare(url: str):
    """Seed the mixed size; returns (therapists: [(email, [couple ids])], partners: [(email, assignment id)])."""
    from sqlalchemy import select

    from bench.__main__ import build
    from bench.seed import MIXED, therapist_email
    from clinic.extensions import db
    from clinic.homework.models import Assignment

    app, seeded, _ = build(MIXED, Path(tempfile.gettempdir()), url)
    therapists = []
    for k, tid in enumerate(seeded.therapist_ids):
        mine = [c["id"] for c in seeded.couples if c["therapist_id"] == tid]
        therapists.append((therapist_email(k), mine))
    partners = []
    with app.app_context():
        for c in seeded.couples:
            active = db.session.scalar(
                select(Assignment.id)
                .where(Assignment.couple_id == c["id"], Assignment.status == "active")
                .order_by(Assignment.starts_on.desc(), Assignment.id.desc())
            )
            if active:
                partners.append((f"c{c['index']}a@bench.clinic.test", active))
        db.session.remove()
        db.engine.dispose()
    return seeded, therapists, partners


def _start(ports, url: str, workdir: Path, workers: int):
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = {
        **os.environ,
        "CLINIC_DATABASE_URL": url,
        "CLINIC_SECRET_KEY": SECRET,
        "CLINIC_ENV": "production",
        "CLINIC_PROXY_FIX_HOPS": "1",
        "CLINIC_EXTERNAL_URL": f"https://{HOST}",  # production refuses to start without it (links in email)
        "CLINIC_INSTANCE_PATH": str(workdir),
        "CLINIC_AUDIT_SEAL_INTERVAL_SECONDS": "1",
        "CLINIC_AUDIT_KEY": AUDIT_KEY,
        "CLINIC_RATELIMIT_ENABLED": "true",
        "CLINIC_RATELIMIT_STORAGE_URI": REDIS_URI,
        "CLINIC_RATELIMIT_KEY_PREFIX": f"clinic-bench-{uuid.uuid4().hex[:12]}",
    }
    processes = []
    for port in ports:
        log = open(workdir / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed in _stop
        process = subprocess.Popen(  # noqa: S603 - our venv's gunicorn, fixed arguments
            [
                gunicorn,
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--bind",
                f"127.0.0.1:{port}",
                "clinic:create_app()",
            ],
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        processes.append((process, log))
    for port, (process, _) in zip(ports, processes, strict=True):
        started = time.monotonic()
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"instance on port {port} exited at start-up: see {workdir}/gunicorn-{port}.log")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz", headers={"Host": HOST, "X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() - started > 60:
                raise RuntimeError(f"instance on port {port} did not answer /healthz")
            time.sleep(0.2)
    return processes


def _stop(processes):
    for process, log in processes:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _lost_writes(url: str, writes) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = set()
            for kind, token in writes:
                if kind == "note":
                    hit = connection.execute(
                        text("SELECT 1 FROM progress_note WHERE CAST(answers AS TEXT) LIKE :t LIMIT 1"),
                        {"t": f"%{token}%"},
                    ).first()
                else:
                    hit = connection.execute(
                        text(
                            "SELECT 1 FROM homework_entry WHERE CAST(answers AS TEXT) LIKE :t OR free_text LIKE :t "
                            "LIMIT 1"
                        ),
                        {"t": f"%{token}%"},
                    ).first()
                if hit:
                    found.add(token)
    finally:
        engine.dispose()
    return sum(1 for _, token in writes if token not in found)


def one_run(instances: int, seconds: int, users: int, workers: int, workdir: Path) -> dict:
    from bench.__main__ import create_pg_database, drop_pg_database
    from bench.seed import PASSWORD

    name = f"clinic_bench_{os.getpid()}_mixed"
    url = create_pg_database(name)
    run_dir = workdir / f"mixed-{instances}"
    run_dir.mkdir(parents=True, exist_ok=True)
    processes = []
    try:
        seeded, therapists, partners = _prepare(url)
        processes = _start(PORTS[:instances], url, run_dir, workers)
        stats = Stats()
        n_therapists = max(1, (users - 1) // 2)
        n_partners = max(0, users - 1 - n_therapists)
        plan = [("exporter", therapists[0][0], therapists[0][1][0])]
        plan += [("therapist", *therapists[1 + k % (len(therapists) - 1)]) for k in range(n_therapists)]
        plan += [("partner", *partners[(7 * k) % len(partners)]) for k in range(n_partners)]
        browsers = []
        for k, (role, email, target) in enumerate(plan):
            browser = Browser(PORTS[:instances], stats, f"203.0.113.{10 + k}")
            browser.sign_in(email, PASSWORD)
            browsers.append((role, browser, target))
        stats.latencies.clear()
        stats.errors.clear()
        until = time.monotonic() + seconds
        workers_by_role = {"exporter": exporter_user, "therapist": therapist_user, "partner": partner_user}
        threads = [
            threading.Thread(target=workers_by_role[role], args=(b, target, until, random.Random(k)))  # noqa: S311
            for k, (role, b, target) in enumerate(browsers)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        _stop(processes)
        processes = []
        lost = _lost_writes(url, stats.writes)
        return {
            "instances": instances,
            "stats": stats,
            "lost": lost,
            "elapsed": elapsed,
            "roles": f"{n_therapists} therapists, {n_partners} partners, 1 exporter",
        }
    finally:
        if processes:
            _stop(processes)
        drop_pg_database(name)


def _p95(values) -> float:
    if not values:
        return float("nan")
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def table(runs: list[dict]) -> list[str]:
    head = "| Page | " + " | ".join(f"{r['instances']} instance(s): p95 ms | requests" for r in runs) + " |"
    lines = [head, "|---|" + "---:|---:|" * len(runs)]
    labels = sorted({label for r in runs for label in r["stats"].latencies})
    for label in labels:
        cells = []
        for r in runs:
            values = r["stats"].latencies.get(label, [])
            cells += [f"{_p95(values):.0f}" if values else "—", str(len(values))]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    for r in runs:
        s = r["stats"]
        total = sum(len(v) for v in s.latencies.values())
        errors = defaultdict(int)
        for label, status in s.errors:
            errors[f"{label}: {status}"] += 1
        notes = sum(1 for kind, _ in s.writes if kind == "note")
        entries = len(s.writes) - notes
        verdict = "ok" if not s.errors and not r["lost"] else "MISSED"
        lines.append(
            f"- {r['instances']} instance(s), {r['roles']}, {r['elapsed']:.0f} s: {total} requests "
            f"({total / r['elapsed']:.1f}/s), errors {len(s.errors)}"
            + (f" ({', '.join(f'{k} ×{v}' for k, v in sorted(errors.items()))})" if errors else "")
            + f", successful writes {len(s.writes)} ({notes} notes, {entries} homework entries), "
            f"lost writes {r['lost']} — {verdict}"
        )
    return lines


def run(seconds: int = 60, users: int = 16, workers: int = 2, workdir: Path | None = None) -> None:
    workdir = workdir or Path(tempfile.mkdtemp(prefix="clinic-bench-mixed-"))
    os.environ.setdefault("CLINIC_INSTANCE_PATH", str(workdir))
    runs = []
    for instances in (2, 1):
        print(f"running {instances} instance(s) × gunicorn {workers} workers for {seconds} s…", flush=True)
        runs.append(one_run(instances, seconds, users, workers, workdir))
    print()
    print("\n".join(table(runs)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", "--mixed-seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    args = parser.parse_args()
    run(args.seconds, args.users, args.workers)


if __name__ == "__main__":
    main()
