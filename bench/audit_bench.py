"""`python -m bench.audit_bench [--database-url URL] [--threads 1,4,8] [--events 2000]`: audit append and seal rates.

Appending is a plain insert (no lock, no chain head), so N threads append side by side; sealing runs
beside them in batches. Prints events/second for appends (one event per committed transaction, the
cost a request pays), for sealing and for verify. SQLite in a temp folder unless --database-url.
"""

import argparse
import tempfile
import threading
import time
from pathlib import Path


def build(url: str, instance: Path):
    from clinic import create_app
    from clinic.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "AUDIT_SEAL_INTERVAL_SECONDS": 0,
            "AUDIT_CHECKPOINT_PATH": str(instance / "audit_head.json"),
            "AUDIT_KEY": "bench-audit-key-0123456789abcdef",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def append_rate(app, threads: int, per_thread: int) -> float:
    """Events/second with `threads` threads each committing `per_thread` single-event transactions."""
    from clinic.audit.services import record
    from clinic.extensions import db

    def worker(n):
        with app.app_context():
            for i in range(per_thread):
                record("bench.append", record_type="worker", record_id=n, couple_id=i)
                db.session.commit()
            db.session.remove()

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return threads * per_thread / (time.perf_counter() - started)


def timed(app, function):
    with app.app_context():
        started = time.perf_counter()
        result = function()
        return result, time.perf_counter() - started


def seal_all():
    from clinic.audit.seal import seal_pending

    total = 0
    while (sealed := seal_pending()) > 0:
        total += sealed
    return total


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.audit_bench")
    parser.add_argument("--database-url")
    parser.add_argument("--threads", default="1,4,8")
    parser.add_argument("--events", type=int, default=2000, help="events per thread count")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="clinic-audit-bench-"))
    app = build(args.database_url or f"sqlite:///{instance / 'audit.sqlite3'}", instance)
    print("| threads | appended events/s |\n|---:|---:|")
    for threads in (int(t) for t in args.threads.split(",")):
        print(f"| {threads} | {append_rate(app, threads, max(1, args.events // threads)):,.0f} |", flush=True)
    from clinic.audit.chain import verify

    sealed, seconds = timed(app, seal_all)
    print(f"\nsealed {sealed:,} events in {seconds:.2f} s: {sealed / seconds:,.0f} events/s")
    report, seconds = timed(app, verify)
    print(
        f"verified {report.checked:,} events in {report.batches} batches in {seconds:.2f} s: "
        f"{report.checked / seconds:,.0f} events/s, {'intact' if report.ok else report.problems[:2]}"
    )


if __name__ == "__main__":
    main()
