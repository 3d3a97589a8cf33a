"""Health check, headers, error pages, command line, configuration and the migrations."""

import pytest
from sqlalchemy import text

from clinic import create_app
from clinic.auth.models import find_user_by_email
from clinic.extensions import db


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.sqlite3",
            "SECRET_KEY": "x" * 40,
            "TESTING": True,
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"


def test_every_page_carries_the_security_headers(client, world, login):
    login(client, world.therapist)
    response = client.get("/caseload")
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, world):
    response = client.post("/login", data={"email": world.therapist.email, "password": "violet-canyon-ferry-17"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_error_pages_are_friendly_and_leak_nothing(client):
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "Page not found" in page and "Traceback" not in page


def test_unexpected_errors_render_a_500_page_without_details(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom-test-only")
    def boom():
        raise RuntimeError("secret internal detail /etc/passwd")

    with app.app_context():
        response = app.test_client().get("/boom-test-only")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "secret internal detail" not in page and "Traceback" not in page


def test_state_changes_refuse_get(client, world, login):
    login(client, world.therapist)
    assert client.get("/logout").status_code == 405
    assert client.get(f"/couples/{world.couple.id}/status").status_code == 405


def test_production_refuses_to_start_without_a_real_secret(monkeypatch):
    monkeypatch.delenv("CLINIC_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="secret key"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "k" * 40,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "EXTERNAL_URL": "https://clinic.example.org",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_environment_overrides_configuration(monkeypatch, tmp_path):
    monkeypatch.setenv("CLINIC_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("CLINIC_IDLE_TIMEOUT_MINUTES", "12")
    app = create_app({"SECRET_KEY": "k" * 40})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert app.config["IDLE_TIMEOUT_MINUTES"] == 12


def test_sqlite_connections_use_wal_full_sync_and_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def test_cli_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert "Demo practice created." in first.output and "therapist@demo.clinic.test" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert "already present" in second.output
    from clinic.couples.models import Couple

    assert (
        db.session.scalar(db.select(db.func.count()).select_from(Couple)) == 4
    )  # three of the demo therapist, one of the associate


def test_cli_create_and_deactivate_user(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "--role",
            "therapist",
            "--email",
            "Cli@Example.test",
            "--name",
            "Dr. Cli",
            "--password-stdin",
        ],
        input="a long cli passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert find_user_by_email("cli@example.test").role == "therapist"
    weak = runner.invoke(
        args=["create-user", "--role", "admin", "--email", "w@example.test", "--name", "W", "--password-stdin"],
        input="short\n",
    )
    assert weak.exit_code != 0 and "12 characters" in weak.output
    result = runner.invoke(args=["deactivate-user", "--email", "cli@example.test"])
    assert result.exit_code == 0
    db.session.expire_all()
    assert not find_user_by_email("cli@example.test").is_active


def test_migrations_build_the_same_schema_as_the_models(tmp_path):
    """`flask db upgrade` on an empty database, then `flask db check`: models and migrations agree."""
    from flask_migrate import check, upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/migrated.sqlite3", "SECRET_KEY": "k" * 40})
    with app.app_context():
        upgrade()
        check()  # raises when autogenerate would find differences
        names = set(db.inspect(db.engine).get_table_names())
    assert {"user", "couple", "partner", "invitation", "audit_event"} <= names
