"""A throwaway server for looking at pages while developing: fresh SQLite schema + demo data.

    .venv/bin/python -m tests.support.devserver --port 5101 [--db /tmp/dev5101.sqlite3]

It builds the schema with create_all (so it works before a domain's migration exists), seeds the
fictional demo practice and serves with CSRF on, like production.
"""

import argparse
import os
import tempfile

from clinic import create_app
from clinic.demo import seed_demo
from clinic.extensions import db


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5101)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    path = args.db or os.path.join(tempfile.mkdtemp(prefix="clinic-dev-"), "dev.sqlite3")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": "dev-only-secret-key-0123456789abcdef0123456789",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
    print(f"dev server on http://127.0.0.1:{args.port} (database {path})", flush=True)
    app.run(host="127.0.0.1", port=args.port, debug=False, use_reloader=False)


if __name__ == "__main__":
    main()
