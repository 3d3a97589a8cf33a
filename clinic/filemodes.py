"""The records on disk stay private: the instance folder is 0700, every file the app or CLI creates 0600.

`create_app()` sets the process umask to 077 first, so everything it, SQLite (the database, its -wal
and -shm files), the CLI (backups) and its helpers (pg_dump) create is readable by this account only,
whatever the shell's umask. Existing files are not changed behind the operator's back: a start-up
check names each one that others can read, with the command that fixes it.
"""

import logging
import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE_UMASK = 0o077
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")

log = logging.getLogger("clinic.filemodes")


def make_process_private() -> None:
    """Files and folders created from now on by this process are its own (umask 077)."""
    os.umask(PRIVATE_UMASK)


def private_folder(path: Path) -> Path:
    """Create `path` (and parents) as 0700 if missing; an existing folder is left as it is."""
    if not path.exists():
        path.mkdir(parents=True, mode=PRIVATE_DIR)
        path.chmod(PRIVATE_DIR)  # mkdir's mode is filtered by the umask
    return path


def make_private(path: Path) -> None:
    path.chmod(PRIVATE_FILE)


def sqlite_side_files(path: Path) -> list[Path]:
    return [p for p in (Path(f"{path}{suffix}") for suffix in SIDE_SUFFIXES) if p.exists()]


def loose(path: Path) -> int | None:
    """The mode of `path` if group or others may use it, else None (also for a missing path)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    return mode if mode & 0o077 else None


def problems(instance: Path, database_uri: str) -> list[str]:
    """One line per folder or file of the records that others can read, with the fix."""
    # .gitkeep only keeps the empty folder in git: it holds nothing
    files = sorted(p for p in instance.glob("*") if p.is_file() and p.name != ".gitkeep")
    paths = [instance, *files] if instance.exists() else []
    url = make_url(database_uri)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        paths += [p for p in (database.parent, database, *sqlite_side_files(database)) if p not in paths]
    found = []
    for path in paths:
        mode = loose(path)
        if mode is not None:
            wanted = PRIVATE_DIR if path.is_dir() else PRIVATE_FILE
            found.append(f"{path} is {mode:04o}, readable by others: run `chmod {wanted:o} {path}`")
    return found


def check_at_start(app) -> None:
    """Warn, clearly and once per start, about records on disk that others can read."""
    for line in problems(Path(app.instance_path), app.config["SQLALCHEMY_DATABASE_URI"]):
        app.logger.warning("Loose file permissions: %s", line)
