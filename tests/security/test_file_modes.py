"""The records on disk: the instance folder is 0700 and every file the app or CLI creates is 0600, even
under a permissive umask; a backup leaves no side files; loose permissions are reported at start
(issue 19, item 2)."""

import logging
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from clinic import create_app
from clinic.extensions import db
from tests.conftest import FAST_ARGON2

pytestmark = pytest.mark.usefixtures("permissive_umask")


@pytest.fixture
def permissive_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _sqlite_app(instance: Path):
    os.environ["CLINIC_INSTANCE_PATH"] = str(instance)
    try:
        return create_app({"TESTING": True, "RATELIMIT_ENABLED": False, **FAST_ARGON2})
    finally:
        del os.environ["CLINIC_INSTANCE_PATH"]


def test_instance_folder_database_and_its_side_files_are_private(tmp_path):
    instance = tmp_path / "instance"
    app = _sqlite_app(instance)
    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE scratch (x INTEGER)"))
            conn.execute(text("INSERT INTO scratch VALUES (1)"))
        created = sorted(p.name for p in instance.iterdir())
        assert "clinic.sqlite3-wal" in created  # checked while the database is open
        loose = {p.name: oct(_mode(p)) for p in instance.iterdir() if _mode(p) & 0o077}
        db.engine.dispose()
    assert _mode(instance) == 0o700
    assert not loose, loose
    assert _mode(instance / "secret_key") == 0o600


def test_a_backup_is_private_and_alone(tmp_path):
    instance = tmp_path / "instance"
    app = _sqlite_app(instance)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    target = tmp_path / "backups" / "clinic-backup.sqlite3"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert _mode(target) == 0o600 and _mode(target.parent) == 0o700
    assert sorted(p.name for p in target.parent.iterdir()) == ["clinic-backup.sqlite3"]


def test_loose_permissions_are_reported_at_start(tmp_path, caplog):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    (instance / "clinic.sqlite3").touch()
    (instance / "clinic.sqlite3").chmod(0o644)
    with caplog.at_level(logging.WARNING):
        _sqlite_app(instance)
    warning = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert str(instance) in warning and "0755" in warning
    assert "clinic.sqlite3" in warning and "0644" in warning and "chmod" in warning
