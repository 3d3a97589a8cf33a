"""Consistent backups and careful restores, for SQLite and PostgreSQL.

SQLite: the online backup API (a consistent snapshot even while others write, WAL included; a plain
file copy of a live database can miss everything still in the WAL). PostgreSQL: pg_dump's custom
format, restored with pg_restore. A restore checks the backup first and refuses to overwrite a
database that holds data unless forced.
"""

import os
import shutil
import sqlite3
import subprocess  # nosec B404 - runs pg_dump/pg_restore with argument lists, never a shell
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from clinic.filemodes import make_private, private_folder, sqlite_side_files

REQUIRED_TABLES = ("user", "audit_event")


class BackupError(Exception):
    pass


def backup(database_uri: str, path: str) -> str:
    """Write a consistent copy of the database to `path`; returns a one-line summary."""
    url = make_url(database_uri)
    target = Path(path)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    private_folder(target.parent)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(url), str(target), standalone=True)
        make_private(target)
        problem = _sqlite_problem(str(target))
        for side in sqlite_side_files(target):  # the copy is one self-contained file
            side.unlink()
        if problem:
            raise BackupError(f"the backup failed its check: {problem}")
        return f"SQLite backup written to {target} ({target.stat().st_size} bytes, mode 0600), integrity ok."
    if url.get_backend_name() == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", *_pg_args(url)], url)
        make_private(target)
        _run(["pg_restore", "--list", str(target)], url)
        return f"PostgreSQL backup written to {target} ({target.stat().st_size} bytes), archive readable."
    raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")


def restore(database_uri: str, path: str, *, force: bool = False) -> str:
    """Replace the database's contents with the backup at `path`, after checking the backup."""
    url = make_url(database_uri)
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    if url.get_backend_name() == "sqlite":
        problem = _sqlite_problem(str(source))
        if problem:
            raise BackupError(f"the backup is damaged or not ours ({problem}); nothing was changed.")
        live = _sqlite_path(url)
        if Path(live).exists() and _sqlite_has_data(live) and not force:
            raise BackupError("the target database holds data; add --force to overwrite it (stop the app first).")
        _sqlite_copy(str(source), live)
        problem = _sqlite_problem(live)
        if problem:
            raise BackupError(f"the restored database failed its check: {problem}")
        return f"Restored {source} into {live}; integrity ok."
    if url.get_backend_name() == "postgresql":
        listing = _run(["pg_restore", "--list", str(source)], url)
        if not all(f"TABLE public {t} " in listing or f'TABLE public "{t}" ' in listing for t in REQUIRED_TABLES):
            raise BackupError("the backup does not look like a clinic database; nothing was changed.")
        if _pg_has_data(url) and not force:
            raise BackupError("the target database holds data; add --force to overwrite it (stop the app first).")
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *_pg_args(url, dbname_flag=True),
                str(source),
            ],
            url,
        )
        return f"Restored {source} into database {url.database}."
    raise BackupError(f"restores into {url.get_backend_name()} databases are not supported")


def _sqlite_path(url) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return url.database


def _sqlite_copy(source: str, dest: str, *, standalone: bool = False) -> None:
    """Copy through the backup API; `standalone`: the copy leaves WAL mode, so it needs no -wal/-shm."""
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(dest, timeout=30)) as dst:
        src.backup(dst)
        if standalone:
            dst.execute("PRAGMA journal_mode=DELETE")


def _sqlite_problem(path: str) -> str | None:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as error:
        return str(error)
    if result != "ok":
        return f"integrity check: {result}"
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    return f"missing tables {missing}" if missing else None


def _sqlite_has_data(path: str) -> bool:
    try:
        with closing(sqlite3.connect(path)) as conn:
            row = conn.execute('SELECT count(*) FROM "user"').fetchone()
    except sqlite3.DatabaseError:
        return False
    return bool(row and row[0])


def _pg_has_data(url) -> bool:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ProgrammingError

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text('SELECT count(*) FROM "user"')).scalar())
    except ProgrammingError:
        return False
    finally:
        engine.dispose()


def _pg_args(url, dbname_flag=False) -> list[str]:
    args = []
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    args.append(f"--dbname={url.database}" if dbname_flag else url.database)
    return args


def _run(command: list[str], url) -> str:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # never on the command line, where `ps` would show it
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603 # nosec B603 - fixed argument list, no shell
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")
    return result.stdout
