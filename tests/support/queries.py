"""Counting the SQL queries a request runs, as `make bench` counts them (#13).

Transaction control (BEGIN, COMMIT, SET LOCAL, ...) is not a query: SQLite's BEGIN passes the cursor hook that counts,
psycopg's never does, so counting it would hold the two databases to different numbers.
"""

from contextlib import contextmanager

from sqlalchemy import event

from bench.pages import is_transaction_control
from clinic.extensions import db


@contextmanager
def counted_queries():
    """Yields the list of queries (statement texts) this block runs, transaction control left out."""
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        if not is_transaction_control(statement):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
