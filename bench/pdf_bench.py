"""PDF benchmark (a script, not a test): `.venv/bin/python -m bench.pdf_bench [--renders N]`.

Prints, on a throwaway SQLite database with fictional data:
1. per built-in handout, the median time of our full render (template, print CSS, embedded fonts,
   PDF/UA tags, isolated child process) against WeasyPrint rendering the same text with no stylesheet
   in-process (the floor). Target: at most 1.5x the floor.
2. the cached re-download (same PDF asked for again over HTTP) against a fresh render. Target: >= 20x faster.
3. the worker's peak memory (RSS) after 200 renders against after 10. Target: growth <= 20%.
4. over HTTP (gunicorn, 1 worker, just started): the first handout PDF against the median of the next
   N distinct ones (other handout or paper size, so none is served from the cache). Target: first <= 1.5x.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="renders per handout for the medians")
    parser.add_argument("--renders", type=int, default=200, help="renders for the memory check")
    parser.add_argument("--warm", type=int, default=10, help="warm handouts over HTTP after the first")
    parser.add_argument("--no-http", action="store_true", help="skip the cold/warm check over HTTP")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="pdf-bench-")
    os.environ["CLINIC_INSTANCE_PATH"] = tmp
    from clinic import create_app
    from clinic.extensions import db

    app = create_app(
        {
            "SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmnop",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
            "SERVER_NAME": "bench.test",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        db.create_all()
        therapist, couple = _fictional_practice(db)
        with app.test_request_context():
            _render_table(therapist, couple, args.repeat)
            _cache_check(app, therapist, couple, args.repeat)
            _memory_check(therapist, couple, args.renders)
    if not args.no_http:
        _http_cold_warm(Path(tmp), args.warm)


def _fictional_practice(db):
    from tests.factories import make_couple, make_user

    therapist = make_user("therapist", name="Dr. Bench Example")
    couple = make_couple(therapist, name="Bench & Example")
    couple.partner("a").name, couple.partner("b").name = "Robin Example", "Sasha Example"
    db.session.commit()
    return therapist, couple


def _render_table(therapist, couple, repeat: int) -> None:
    from weasyprint import HTML

    from clinic import pdf
    from clinic.handouts.documents import handout_document
    from clinic.handouts.library import builtin_handouts
    from clinic.handouts.printing import handouts_pdf

    print(f"1. Render time per handout (median of {repeat}; floor = WeasyPrint, same text, no stylesheet)")
    print(f"   {'handout':40} {'ours ms':>8} {'floor ms':>9} {'ratio':>6} {'pages':>5}")
    ratios = []
    handouts_pdf([handout_document(builtin_handouts()[0], couple=couple)], user=therapist, couple=couple)  # warm
    for handout in builtin_handouts():
        doc = handout_document(handout, couple=couple, note="A short note for the benchmark.")
        plain = (
            f"<html lang=en><head><title>{handout.title}</title></head><body><h1>{handout.title}</h1>"
            f"<p>{handout.summary}</p><p>{' and '.join(doc['names'])}</p><p>A short note for the benchmark.</p>"
            f"{doc['html']}<p>{doc['care_note']}</p></body></html>"
        )
        HTML(string=plain).write_pdf()  # warm the floor too

        def ours(doc=doc):
            pdf.clear_cache()
            return handouts_pdf([doc], user=therapist, couple=couple)

        ours_ms = _median_ms(ours, repeat)
        floor_ms = _median_ms(lambda plain=plain: HTML(string=plain).write_pdf(), repeat)
        pages = _pages(ours().data)
        ratio = ours_ms / floor_ms
        ratios.append(ratio)
        print(f"   {handout.slug:40} {ours_ms:8.0f} {floor_ms:9.0f} {ratio:6.2f} {pages:5}")
    print(f"   median ratio {statistics.median(ratios):.2f} (target <= 1.5), worst {max(ratios):.2f}")


def _pages(data: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as document:
        return len(document.pages)


def _cache_check(app, therapist, couple, repeat: int) -> None:
    from clinic import pdf
    from clinic.extensions import db
    from clinic.handouts.library import get_builtin
    from clinic.handouts.services import give_handout
    from tests.conftest import RequestIsolatingClient, login_as

    given = give_handout(couple, get_builtin("supporting-a-partner"), "Benchmark note", therapist)
    db.session.commit()
    url = f"/couples/{couple.id}/handouts/{given.id}/pdf"
    app.test_client_class = RequestIsolatingClient  # each request in its own app context, as in production
    client = app.test_client()
    login_as(client, therapist)

    def fresh():
        pdf.clear_cache()
        response = client.get(url)
        assert response.status_code == 200, (response.status_code, response.headers.get("Location"))

    def cached():
        assert client.get(url).status_code == 200

    fresh_ms = _median_ms(fresh, repeat)
    client.get(url)
    cached_ms = _median_ms(cached, repeat * 3)
    etag = client.get(url).headers["ETag"]
    conditional_ms = _median_ms(lambda: client.get(url, headers={"If-None-Match": etag}), repeat * 3)
    page_ms = _median_ms(lambda: client.get(f"/couples/{couple.id}/handouts"), repeat * 3)
    build_fresh, build_cached = _build_times(therapist, couple, given, repeat)
    print("2. Re-downloading a PDF already rendered")
    print(
        f"   render path (clinic.pdf.build_pdf): fresh {build_fresh:.0f} ms · cached {build_cached:.2f} ms "
        f"({build_fresh / build_cached:.0f}x faster, target >= 20x)"
    )
    print(
        f"   over HTTP (test client: login check, loaders, audit write + commit): fresh {fresh_ms:.0f} ms · "
        f"cached {cached_ms:.1f} ms ({fresh_ms / cached_ms:.0f}x) · If-None-Match 304 {conditional_ms:.1f} ms · "
        f"for scale, the couple's Handouts HTML page {page_ms:.1f} ms"
    )


def _build_times(therapist, couple, given, repeat: int) -> tuple[float, float]:
    from clinic import pdf
    from clinic.handouts.documents import handout_document
    from clinic.handouts.printing import handouts_pdf

    def build():
        doc = handout_document(given, couple=couple, note=given.note)
        return handouts_pdf([doc], user=therapist, couple=couple)

    def fresh():
        pdf.clear_cache()
        build()

    fresh_ms = _median_ms(fresh, repeat)
    build()
    return fresh_ms, _median_ms(build, repeat * 5)


def _memory_check(therapist, couple, renders: int) -> None:
    from clinic import pdf
    from clinic.handouts.documents import handout_document
    from clinic.handouts.library import builtin_handouts
    from clinic.handouts.printing import handouts_pdf

    docs = [handout_document(h, couple=couple) for h in builtin_handouts()]
    for i in range(renders):
        pdf.clear_cache()
        handouts_pdf([docs[i % len(docs)]], user=therapist, couple=couple)
        if i + 1 == 10:
            after_10, current_10 = _peak_rss_mb(), _current_rss_mb()
    after_all, current_all = _peak_rss_mb(), _current_rss_mb()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    growth = (after_all - after_10) / after_10 * 100
    print(
        f"3. Worker memory: peak RSS after 10 renders {after_10:.0f} MB, after {renders} {after_all:.0f} MB "
        f"({growth:+.1f}%, target <= 20%); current RSS {current_10:.0f} -> {current_all:.0f} MB; "
        f"largest render child {children:.0f} MB"
    )


def _http_cold_warm(tmp: Path, warm: int) -> None:
    """Start gunicorn on a fresh demo database; time the first handout PDF and the next `warm` distinct ones."""
    import http.client
    import signal
    import subprocess
    from urllib.parse import urlencode

    from bench.seed import PASSWORD
    from clinic import create_app
    from clinic.demo import seed_demo
    from clinic.extensions import db
    from clinic.handouts.forms import PAPER_CHOICES
    from clinic.handouts.library import builtin_handouts

    port = int(os.environ.get("CLINIC_BENCH_PDF_PORT", "5131"))
    url = f"sqlite:///{tmp}/http.sqlite3"
    secret = "bench-secret-key-0123456789abcdefghijklmnop"  # noqa: S105 - throwaway
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret})
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    env = {
        **os.environ,
        "CLINIC_DATABASE_URL": url,
        "CLINIC_INSTANCE_PATH": str(tmp),
        "CLINIC_SECRET_KEY": secret,
        "CLINIC_WTF_CSRF_ENABLED": "false",
        "CLINIC_RATELIMIT_ENABLED": "false",
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    log = open(tmp / "gunicorn-pdf.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603 - our venv's gunicorn, fixed arguments
        [gunicorn, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--workers", "1", "--timeout", "120"]
        + ["--bind", f"127.0.0.1:{port}", "clinic:create_app()"],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )

    def get(method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {tmp}/gunicorn-pdf.log")
            time.sleep(0.2)
        body = urlencode({"email": "therapist@demo.clinic.test", "password": PASSWORD})
        status, headers, _ = get("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        cookie = next(
            (v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie" and v.startswith("clinic_session=")),
            None,
        )
        if status != 302 or not cookie:
            raise RuntimeError(f"sign-in answered {status}")
        papers = [value for value, _ in (PAPER_CHOICES.items() if isinstance(PAPER_CHOICES, dict) else PAPER_CHOICES)]
        papers = [p for p in papers if p] or [""]
        paths = [
            f"/handouts/builtin/{h.slug}/pdf" + (f"?paper={paper}" if paper else "")
            for paper in papers
            for h in builtin_handouts()
        ][: warm + 1]
        times, statuses = [], set()
        for path in paths:
            started = time.perf_counter()
            status, _, data = get("GET", path, headers={"Cookie": cookie})
            times.append((time.perf_counter() - started) * 1000)
            statuses.add(status if data[:4] == b"%PDF" else f"{status} (not a PDF)")
        first, rest = times[0], times[1:]
        warm_ms = statistics.median(rest) if rest else float("nan")
        print(
            f"4. Handout PDF over HTTP (gunicorn 1 worker, just started): first {first:.0f} ms · "
            f"median of the next {len(rest)} distinct {warm_ms:.0f} ms · first/warm {first / warm_ms:.1f}x "
            f"(target <= 1.5x) · statuses {sorted(map(str, statuses))}"
        )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


if __name__ == "__main__":
    main()
