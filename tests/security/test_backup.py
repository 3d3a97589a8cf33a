"""`flask --app clinic backup PATH` and `restore PATH` on the database kind under test."""

import pytest
from sqlalchemy import func, select

from clinic import create_app
from clinic.auth.models import User
from clinic.extensions import db
from tests.conftest import FAST_ARGON2
from tests.security.scratch import scratch_database


def _app(url):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k" * 40,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            **FAST_ARGON2,
        }
    )
    return app


def _users(app):
    with app.app_context():
        count = db.session.scalar(select(func.count(User.id)))
        db.session.remove()
        return count


@pytest.fixture
def seeded(tmp_path):
    with scratch_database(tmp_path, "backup") as url:
        app = _app(url)
        with app.app_context():
            db.create_all()
            from clinic.demo import seed_demo

            seed_demo()
            db.session.commit()
            db.session.remove()
        yield app
        with app.app_context():
            db.engine.dispose()


def test_backup_then_restore_brings_back_what_was_there(seeded, tmp_path):
    runner = seeded.test_cli_runner()
    target = tmp_path / "nightly.backup"
    result = runner.invoke(args=["backup", str(target)])
    print(f"\n{result.output.strip()}")
    assert result.exit_code == 0 and target.stat().st_size > 0
    before = _users(seeded)
    with seeded.app_context():
        db.session.execute(db.delete(User).where(User.role == "admin"))
        db.session.commit()
        db.session.remove()
    assert _users(seeded) == before - 1
    refused = runner.invoke(args=["restore", str(target)])
    assert refused.exit_code != 0 and "--force" in refused.output
    assert _users(seeded) == before - 1  # nothing changed
    restored = runner.invoke(args=["restore", str(target), "--force"])
    print(restored.output.strip())
    assert restored.exit_code == 0, restored.output
    assert _users(seeded) == before
    assert runner.invoke(args=["verify-audit"]).exit_code == 0


def test_a_damaged_backup_is_refused_before_anything_changes(seeded, tmp_path):
    runner = seeded.test_cli_runner()
    target = tmp_path / "damaged.backup"
    runner.invoke(args=["backup", str(target)])
    data = bytearray(target.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = b"\x00garbage" * 512
    target.write_bytes(bytes(data[: len(data) - 1000]))
    before = _users(seeded)
    result = runner.invoke(args=["restore", str(target), "--force"])
    print(f"\n{result.output.strip()}")
    assert result.exit_code != 0
    assert _users(seeded) == before


def test_backup_refuses_to_overwrite_a_file(seeded, tmp_path):
    target = tmp_path / "exists.backup"
    target.write_text("keep me")
    result = seeded.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and target.read_text() == "keep me"


def test_restore_into_an_empty_database_needs_no_force(seeded, tmp_path):
    target = tmp_path / "move.backup"
    seeded.test_cli_runner().invoke(args=["backup", str(target)])
    with scratch_database(tmp_path, "empty") as url:
        fresh = _app(url)
        result = fresh.test_cli_runner().invoke(args=["restore", str(target)])
        assert result.exit_code == 0, result.output
        assert _users(fresh) == _users(seeded)
        with fresh.app_context():
            db.engine.dispose()
