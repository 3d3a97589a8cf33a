"""`python -m bench [--sizes small,large,practice] [--parts pages,throughput,mixed,pdf]
[--databases sqlite,postgresql] [--quick]`: seed, time the main pages, load-test, print tables.

Targets (reported, never asserted): at most 12 SQL queries per page, the same at every size; time
practice/small (else largest/small) at most 1.3; page/bare-route throughput ratio at least 0.30 under
gunicorn (2 workers); the mixed run: 0 errors, 0 lost writes. See docs/PERFORMANCE.md.
"""

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

MAX_QUERIES = 12
PAGE_ROUNDS = 5  # the in-process page timing goes round the sizes this many times (bench.pages)
MAX_TIME_RATIO = 1.3
MIN_THROUGHPUT_RATIO = 0.30
PG_SERVER = os.environ.get("CLINIC_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
SECRET = "bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - throwaway bench key


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


def stamp() -> str:
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine()}"


# ---------------------------------------------------------------- PostgreSQL scratch databases


def create_pg_database(name: str) -> str:
    """Create `name` on the local server (trust auth); returns its SQLAlchemy URL."""
    import psycopg

    with psycopg.connect(PG_SERVER.replace("+psycopg", "") + "/postgres", autocommit=True, connect_timeout=5) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def drop_pg_database(name: str) -> None:
    import psycopg

    try:
        with psycopg.connect(PG_SERVER.replace("+psycopg", "") + "/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception as error:  # noqa: BLE001 - report, the figures still stand
        print(f"could not drop PostgreSQL database {name}: {error}")


# ---------------------------------------------------------------- seeding


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
            "SECRET_KEY": SECRET,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            # no background sealer thread in the bench process: it would outlive the scratch database
            "AUDIT_SEAL_INTERVAL_SECONDS": 0,
            # The practice settings are re-read once per SETTINGS_CACHE_SECONDS (10 s) per process: one query
            # in some request every 10 s, not part of any page. Held for the run so each count is the page's own.
            "SETTINGS_CACHE_SECONDS": 3600,
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


# ---------------------------------------------------------------- tables


def page_table(results: dict) -> list[str]:
    """results: {size name: figures} in size order."""
    names = list(results)
    last = "practice" if "practice" in results else names[-1]
    head = "| Page | " + " | ".join(f"{n}: ms | {n}: queries | {n}: rows" for n in names)
    head += f" | time {last}/small | verdict |"
    lines = [head, "|---|" + "---:|---:|---:|" * len(names) + "---:|---|"]
    labels = list(dict.fromkeys(f.label for figures in results.values() for f in figures))
    for label in labels:
        figs = {n: next((f for f in results[n] if f.label == label), None) for n in names}
        small, big = figs.get("small"), figs.get(last)
        ratio = big.median_ms / small.median_ms if small and big and small.median_ms and last != "small" else None
        problems = []
        present = [f for f in figs.values() if f]
        for fig in present:
            if fig.status != 200:
                problems.append(f"HTTP {fig.status}")
            if fig.queries > MAX_QUERIES:
                problems.append(f"> {MAX_QUERIES} queries")
            if fig.queries_vary:
                problems.append("query count varies")
        if len({f.queries for f in present}) > 1:
            problems.append("queries differ by size")
        if len({f.rows for f in present}) > 1:
            problems.append("rows differ by size")
        if ratio is not None and ratio > MAX_TIME_RATIO:
            problems.append(f"time ratio > {MAX_TIME_RATIO}")
        verdict = "ok" if not problems else "MISSED: " + ", ".join(dict.fromkeys(problems))
        cells = []
        for n in names:
            f = figs[n]
            cells += [f"{f.median_ms:.1f}", str(f.queries), f.rows] if f else ["—", "—", "—"]
        path = next(f.path for f in present)
        lines.append(
            f"| {label} `{path}` | "
            + " | ".join(cells)
            + f" | {'—' if ratio is None else format(ratio, '.2f')} | {verdict} |"
        )
    return lines


def transaction_line(figures) -> str:
    """Transaction statements per request, which the queries column leaves out (SQLite's BEGIN passes the
    driver hook; psycopg's never does)."""
    seen = [f"{f.label} {f.transaction_statements}" for f in figures if f.transaction_statements]
    if not seen:
        return "\nQueries exclude transaction control; this driver sent none through the cursor."
    return (
        "\nQueries exclude transaction control (BEGIN, COMMIT, SET LOCAL, ...). Sent per request besides: "
        + ", ".join(seen)
        + "."
    )


def repeated_statements(name: str, figures) -> list[str]:
    """Statements a page ran more than once per request: where a query per row hides."""
    lines = []
    for fig in figures:
        if fig.repeated:
            if not lines:
                lines = [f"\nStatements run more than once in one request ({name} data; first 160 characters):\n"]
            lines.append(f"- {fig.label} `{fig.path}`:")
            lines += [f"    {n}× {text[:160]}" for n, text in fig.repeated[:6]]
    return lines


def load_table(figures) -> list[str]:
    lines = [
        "| Route | req/s | paired /healthz req/s | ratio to /healthz (median of rounds) | p50 ms | p99 ms | verdict |"
        " errors |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for f in figures:
        if f.path == "/healthz":
            verdict = "baseline"
        elif f.ratio != f.ratio:
            verdict = "not measured"
        else:
            verdict = "ok" if f.ratio >= MIN_THROUGHPUT_RATIO else f"MISSED (< {MIN_THROUGHPUT_RATIO})"
        lines.append(
            f"| {f.label} `{f.path}` | {f.requests_per_second:,.0f} | {f.baseline or f.requests_per_second:,.0f} | "
            f"{f.ratio:.3f} | {f.p50_ms:.1f} | {f.p99_ms:.1f} | {verdict} | {f.errors} |".replace("nan", "—")
        )
    return lines


# ---------------------------------------------------------------- parts


def run_database(kind: str, sizes, args, workdir: Path, parts: set) -> None:
    from bench.load import CONNECTIONS, WORKERS, throughput
    from bench.pages import find_pages, measure_interleaved
    from bench.seed import PASSWORD
    from clinic.extensions import db

    pg_names: list[str] = []
    try:
        builds, last = {}, None
        for size in sizes:
            url = None
            if kind == "postgresql":  # a database per size, so that every size stays up for the interleaved timing
                name = f"clinic_bench_{os.getpid()}_{size.name}"
                try:
                    url = create_pg_database(name)
                except Exception as error:  # noqa: BLE001 - no server: say so, go on
                    print(f"\nPostgreSQL not available ({error}); skipped.")
                    return
                pg_names.append(name)
            app, seeded, db_url = build(size, workdir, url)
            rows = ", ".join(f"{table} {n:,}" for table, n in seeded.rows.items())
            print(
                f"Seeded {size.name} on {kind} ({size.therapists} therapists, {size.couples:,} couples) "
                f"in {seeded.seconds:.1f} s: {rows}",
                flush=True,
            )
            for skipped in seeded.skipped:
                print(f"  not seeded: {skipped}")
            pages, missing = find_pages(app, seeded)
            if missing and size is sizes[0]:
                print(f"  pages not found in this build (by URL rule or endpoint): {', '.join(missing)}")
            builds[size.name] = (app, seeded)
            last = (size, seeded, db_url, pages)
        results = {}
        if "pages" in parts:
            results = measure_interleaved(builds, PASSWORD, args.repeat, args.warmup, rounds=PAGE_ROUNDS)
        for app, _seeded in builds.values():
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        if "pages" in parts and results:
            print(
                f"\n## Pages on {kind}: server time and SQL queries per request "
                f"(in-process, median of {args.repeat} after {args.warmup} warm-up requests; the sizes measured "
                f"in {PAGE_ROUNDS} interleaved rounds)\n"
            )
            print(stamp() + "\n")
            print("\n".join(page_table(results)))
            biggest = list(results)[-1]
            print(transaction_line(results[biggest]))
            print("\n".join(repeated_statements(biggest, results[biggest])))
        if "throughput" in parts and last:
            size, seeded, db_url, pages = last
            print(
                f"\n## Throughput on {kind}: gunicorn {WORKERS} workers, wrk 2 threads × {CONNECTIONS} connections × "
                f"{args.throughput_seconds} s per run, {size.name} data, each page paired with /healthz, "
                f"{args.rounds} interleaved round(s)\n",
                flush=True,
            )
            print(stamp() + "\n")
            started = time.perf_counter()
            try:
                figures = throughput(
                    db_url,
                    str(workdir),
                    seeded.therapist_email,
                    seeded.client_email,
                    PASSWORD,
                    pages,
                    rounds=args.rounds,
                    seconds=args.throughput_seconds,
                )
                print("\n".join(load_table(figures)))
            except (RuntimeError, subprocess.CalledProcessError) as error:
                print(f"throughput run failed: {error}")
            print(f"\n(throughput run: {time.perf_counter() - started:.0f} s)")
    finally:
        for name in pg_names:
            drop_pg_database(name)


def main() -> None:
    from bench.seed import SIZES

    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default="small,large,practice", help="small,large,practice")
    parser.add_argument("--parts", default="pages,throughput,mixed,pdf", help="pages,throughput,mixed,pdf")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="smoke run: small only, few repeats, short runs")
    parser.add_argument("--repeat", type=int, default=25, help="timed requests per page (in-process)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved throughput rounds")
    parser.add_argument("--throughput-seconds", type=int, default=3, help="wrk duration per run")
    parser.add_argument("--mixed-seconds", type=int, default=60)
    parser.add_argument("--mixed-users", type=int, default=16)
    parser.add_argument("--no-load", action="store_true", help="same as leaving throughput out of --parts")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeat, args.warmup, args.rounds = "small", 3, 1, 1
        args.throughput_seconds, args.mixed_seconds = 1, min(args.mixed_seconds, 10)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if args.no_load:
        parts.discard("throughput")
    order = list(SIZES)
    sizes = sorted((SIZES[n.strip()] for n in args.sizes.split(",") if n.strip()), key=lambda s: order.index(s.name))
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]

    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    os.environ["CLINIC_INSTANCE_PATH"] = str(workdir)  # no project instance/config.py, no shared secret file
    print(f"# clinic benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"Machine: {machine()}")
    print(
        f"Sizes: {', '.join(s.name for s in sizes)} · parts: {', '.join(sorted(parts))} · "
        f"databases: {', '.join(databases)}"
    )
    print(f"Work directory: {workdir}\n", flush=True)

    if parts & {"pages", "throughput"}:
        for kind in databases:
            run_database(kind, sizes, args, workdir, parts)

    if "mixed" in parts:
        from bench import mixed

        print(f"\n## Mixed load on PostgreSQL + Redis ({args.mixed_users} users, {args.mixed_seconds} s per run)\n")
        print(stamp() + "\n", flush=True)
        try:
            mixed.run(seconds=args.mixed_seconds, users=args.mixed_users, workdir=workdir)
        except Exception as error:  # noqa: BLE001 - the other figures still stand
            print(f"mixed run failed: {error!r}")

    if "pdf" in parts:
        print("\n## PDF (bench/pdf_bench.py)\n")
        print(stamp() + "\n", flush=True)
        command = [sys.executable, "-m", "bench.pdf_bench"]
        if args.quick:
            command += ["--repeat", "3", "--renders", "20", "--warm", "4"]
        result = subprocess.run(command, check=False)  # noqa: S603 - our own module
        if result.returncode:
            print(f"bench/pdf_bench.py failed (exit {result.returncode})")
    print(f"\nWhole benchmark: {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
