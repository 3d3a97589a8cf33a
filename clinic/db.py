"""Declarative base, a UTC-normalising timestamp type and small mixins shared by every domain."""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

from sqlalchemy import DateTime, Integer, MetaData, event, types
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def one_of(column: str, values: Iterable[str]) -> str:
    """SQL for a CHECK constraint: `column` holds one of a fixed set of (code-defined) values."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_utc() -> date:
    return utcnow().date()


class UTCDateTime(types.TypeDecorator):
    """Timezone-aware UTC datetimes on every database.

    SQLite hands back naive datetimes and PostgreSQL aware ones; normalising here means no
    comparison anywhere else can mix the two.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """An optimistic-lock counter for records people edit in forms.

    The form round-trips `version`; `claim_version(seen)` raises EditConflict when someone saved
    since the form was loaded, and otherwise moves the counter on. Every UPDATE also carries
    `WHERE version = <loaded>`, so a race between two requests ends in StaleDataError (a 409
    page), never a silent overwrite. Bookkeeping updates (timestamps, counters) that are not user
    edits leave the version alone and so cause no false conflicts.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version, "version_id_generator": False}

    def claim_version(self, seen_version: int | None) -> None:
        from clinic.errors import EditConflict

        if seen_version != self.version:
            raise EditConflict(current=self)
        self.version = self.version + 1


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, FULL sync, foreign keys and a busy timeout on every SQLite connection.

    The pysqlite driver's own transaction handling is switched off so that the "begin" listener
    below decides how each transaction starts.
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_writing: ContextVar[bool] = ContextVar("clinic_writing", default=False)


@contextmanager
def writing():
    """Inside this block, new SQLite transactions start with BEGIN IMMEDIATE even during a read request."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


@contextmanager
def unsynced_commit(connection):
    """One transaction on `connection` whose commit returns without waiting for the disk.

    For rows whose loss on a power cut or an operating-system crash is acceptable, never for clinical
    records: the audit events of read requests (clinic.audit.services.write_buffered). The commit survives
    a crash of the app process and the database stays consistent; what is not yet on the disk is at most
    the last moments of such commits, and any later synced commit (every write, every seal) makes it
    durable, because it flushes the log up to itself.

    SQLite: `synchronous=NORMAL` for this commit (a WAL commit without fsync), set back to FULL before the
    connection returns to the pool; the pragma can't change inside a transaction, so it is set around it.
    PostgreSQL: `SET LOCAL synchronous_commit = off`, which ends with the transaction.
    """
    sqlite = connection.dialect.name == "sqlite"
    raw = connection.connection.dbapi_connection if sqlite else None
    if raw is not None:
        raw.execute("PRAGMA synchronous=NORMAL")
    try:
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
            yield connection
    finally:
        if raw is not None:
            raw.execute("PRAGMA synchronous=FULL")


def _is_read_only_request() -> bool:
    from flask import has_request_context, request

    return not _writing.get() and has_request_context() and request.method in READ_METHODS


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """Writing transactions take the write lock up front (BEGIN IMMEDIATE); reads don't.

    A deferred transaction that later writes fails at once with "database is locked" when another
    writer committed in between; an immediate one waits its turn on the busy timeout instead. So
    every request that writes (POST and other methods), CLI and background work start IMMEDIATE,
    while GET/HEAD/OPTIONS requests start a plain deferred BEGIN and never queue behind writers
    (their audit events are buffered and written afterwards, see clinic.audit.services.record).
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN" if _is_read_only_request() else "BEGIN IMMEDIATE")
