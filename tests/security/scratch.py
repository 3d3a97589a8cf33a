"""A scratch database of the same kind as the test database (SQLite file or a new PostgreSQL database)."""

import contextlib
import os
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def test_database_url() -> str | None:
    return os.environ.get("CLINIC_TEST_DATABASE_URL")


def is_postgres() -> bool:
    return (test_database_url() or "").startswith("postgres")


@contextlib.contextmanager
def scratch_database(tmp_path, label="scratch"):
    """Yield a database URL for a brand-new empty database; dropped afterwards."""
    if not is_postgres():
        yield f"sqlite:///{tmp_path / (label + '.sqlite3')}"
        return
    base = make_url(test_database_url())
    name = f"clinic_{label}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
