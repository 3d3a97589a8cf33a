"""PDF benchmark (a script, not a test): `.venv/bin/python -m bench.pdf_bench [--renders N]`.

Prints, on a throwaway SQLite database with fictional data:
1. per built-in handout, the median time of our full render (template, print CSS, embedded fonts,
   PDF/UA tags, isolated child process) against WeasyPrint rendering the same text with no stylesheet
   in-process (the floor). Target: at most 1.5x the floor.
2. the cached re-download (same PDF asked for again over HTTP) against a fresh render. Target: >= 20x faster.
3. the worker's peak memory (RSS) after 200 renders against after 10. Target: growth <= 20%.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

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


if __name__ == "__main__":
    main()
