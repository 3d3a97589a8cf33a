"""`python -m bench [--sizes small,large] [--no-load]`: seed, time the main pages, load-test, print tables.

Targets (reported, never asserted): the same SQL query count at both sizes and at most 12 per page;
large/small median time ratio at most 1.5; page/bare-route throughput ratio at least 0.30.
"""

import argparse
import os
import platform
import runpy
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

MAX_QUERIES = 12
MAX_TIME_RATIO = 1.5
MIN_THROUGHPUT_RATIO = 0.30


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory_kb / 1024 / 1024:.1f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def build(size, workdir: Path, database_url: str | None = None):
    """A fresh database of `size` (SQLite in `workdir`, or the given one, emptied first); returns
    (app, seeded, database_url)."""
    from bench.seed import seed
    from clinic import create_app
    from clinic.extensions import db

    url = database_url or f"sqlite:///{workdir / f'{size.name}.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        if database_url:
            db.session.remove()
            db.drop_all()
        db.create_all()
        seeded = seed(size)
        db.session.remove()
    return app, seeded, url


def page_table(results: dict) -> list[str]:
    small, large = results.get("small"), results.get("large")
    lines = [
        "| Page | small: median ms | small: queries | large: median ms | large: queries | time ratio | verdict |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    by_label = {f.label: f for f in (large or small)[1]}
    for label in by_label:
        s = next((f for f in small[1] if f.label == label), None) if small else None
        g = next((f for f in large[1] if f.label == label), None) if large else None
        ratio = g.median_ms / s.median_ms if s and g and s.median_ms else float("nan")
        problems = []
        for fig in (s, g):
            if fig and fig.status != 200:
                problems.append(f"HTTP {fig.status}")
            if fig and fig.queries > MAX_QUERIES:
                problems.append(f"> {MAX_QUERIES} queries")
            if fig and fig.queries_vary:
                problems.append("query count varies")
        if s and g and s.queries != g.queries:
            problems.append("queries grow with data")
        if ratio == ratio and ratio > MAX_TIME_RATIO:
            problems.append(f"ratio > {MAX_TIME_RATIO}")
        verdict = "ok" if not problems else "MISSED: " + ", ".join(dict.fromkeys(problems))

        def cell(fig, attr, fmt):
            return format(getattr(fig, attr), fmt) if fig else "—"

        lines.append(
            f"| {label} `{(g or s).path}` | {cell(s, 'median_ms', '.1f')} | {cell(s, 'queries', 'd')} | "
            f"{cell(g, 'median_ms', '.1f')} | {cell(g, 'queries', 'd')} | "
            f"{ratio:.2f} | {verdict} |".replace("| nan |", "| — |")
        )
    return lines


def repeated_statements(results: dict) -> list[str]:
    """Statements a page ran more than once per request on the largest size: where a query per row hides."""
    name = "large" if "large" in results else next(iter(results))
    lines = []
    for fig in results[name][1]:
        if fig.repeated:
            if not lines:
                lines = [f"\nStatements run more than once in one request ({name} data; first 160 characters):\n"]
            lines.append(f"- {fig.label} `{fig.path}`:")
            lines += [f"    {n}× {text[:160]}" for n, text in fig.repeated[:6]]
    return lines


def load_table(figures) -> list[str]:
    base = next((f.requests_per_second for f in figures if f.path == "/healthz"), 0.0)
    lines = [
        "| Route | requests/s | p50 ms | p99 ms | ratio to /healthz | verdict | errors |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for f in figures:
        ratio = f.requests_per_second / base if base else float("nan")
        page = f.path not in ("/healthz",) and not f.path.startswith("/static/")
        verdict = "baseline"
        if page:
            verdict = "ok" if ratio >= MIN_THROUGHPUT_RATIO else f"MISSED (< {MIN_THROUGHPUT_RATIO})"
        lines.append(
            f"| {f.label} `{f.path}` | {f.requests_per_second:,.0f} | {f.p50_ms:.1f} | {f.p99_ms:.1f} | "
            f"{ratio:.2f} | {verdict} | {f.errors} |"
        )
    return lines


def main() -> None:
    from bench.seed import LARGE, PASSWORD, SMALL

    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn + wrk throughput run")
    parser.add_argument(
        "--database-url",
        help="a dedicated PostgreSQL database to use instead of SQLite "
        "(EMPTIED for each size), e.g. postgresql+psycopg://postgres@127.0.0.1:5432/clinic_bench",
    )
    args = parser.parse_args()
    sizes = [{"small": SMALL, "large": LARGE}[name] for name in args.sizes.split(",")]

    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    os.environ["CLINIC_INSTANCE_PATH"] = str(workdir)  # no project instance/config.py, no shared secret file
    print(f"# clinic benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"Machine: {machine()}")
    print(f"Database: {'PostgreSQL (' + args.database_url.rsplit('@', 1)[-1] + ')' if args.database_url else 'SQLite'}")
    print(f"Work directory: {workdir}\n")

    from bench.pages import measure

    results, urls = {}, {}
    for size in sizes:
        app, seeded, url = build(size, workdir, args.database_url)
        rows = ", ".join(f"{table} {n:,}" for table, n in seeded.rows.items())
        print(f"Seeded {size.name} ({size.couples:,} couples) in {seeded.seconds:.1f} s: {rows}")
        for skipped in seeded.skipped:
            print(f"  not seeded: {skipped}")
        figures = measure(app, seeded, PASSWORD)
        results[size.name] = (seeded, figures)
        urls[size.name] = (url, seeded)
        with app.app_context():
            from clinic.extensions import db

            db.engine.dispose()
    print("\n## Server time and SQL queries per request (in-process, median of 25 after 3 warm-up requests)\n")
    print("\n".join(page_table(results)))
    print("\n".join(repeated_statements(results)))

    if not args.no_load:
        from bench.load import CONNECTIONS, SECONDS, WORKERS, throughput

        name = "large" if "large" in urls else sizes[-1].name
        url, seeded = urls[name]
        print(
            f"\n## Throughput: gunicorn {WORKERS} workers, wrk 2 threads × {CONNECTIONS} connections × {SECONDS} s, "
            f"{name} database ({'PostgreSQL' if args.database_url else 'SQLite'})\n"
        )
        try:
            figures = throughput(url, str(workdir), seeded.therapist_email, seeded.client_email, PASSWORD)
            print("\n".join(load_table(figures)))
        except (RuntimeError, subprocess.CalledProcessError) as error:
            print(f"throughput run failed: {error}")

    pdf_bench = Path(__file__).with_name("pdf_bench.py")
    if pdf_bench.exists():
        print("\n## PDF (bench/pdf_bench.py)\n", flush=True)
        try:
            sys.argv = [str(pdf_bench)]  # its own defaults, not our arguments
            runpy.run_module("bench.pdf_bench", run_name="__main__")
        except Exception as error:  # noqa: BLE001 - the other figures still stand
            print(f"bench/pdf_bench.py failed: {error!r}")
    print(f"\nWhole benchmark: {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
