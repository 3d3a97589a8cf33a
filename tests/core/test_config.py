"""CLINIC_* environment variables: JSON values via Flask's from_prefixed_env, aliases, production checks."""

import pytest

from clinic import create_app

BASE = {"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"}


def test_prefixed_values_are_json_decoded(monkeypatch):
    monkeypatch.setenv("CLINIC_IDLE_TIMEOUT_MINUTES", "12")
    monkeypatch.setenv("CLINIC_REQUIRE_TOTP_DEFAULT", "false")
    monkeypatch.setenv("CLINIC_RATELIMIT_HEADERS_ENABLED", "true")
    monkeypatch.setenv("CLINIC_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    config = create_app(dict(BASE)).config
    assert config["IDLE_TIMEOUT_MINUTES"] == 12
    assert config["REQUIRE_TOTP_DEFAULT"] is False and config["RATELIMIT_HEADERS_ENABLED"] is True
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_a_switch_or_number_that_is_not_json_refuses_to_start(monkeypatch):
    monkeypatch.setenv("CLINIC_RATELIMIT_ENABLED", "no")
    with pytest.raises(RuntimeError, match="RATELIMIT_ENABLED must be true or false"):
        create_app(dict(BASE))
    monkeypatch.setenv("CLINIC_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("CLINIC_PER_PAGE", "twenty")
    with pytest.raises(RuntimeError, match="PER_PAGE must be a number"):
        create_app(dict(BASE))


def test_aliases_are_honoured(monkeypatch):
    monkeypatch.setenv("CLINIC_DATABASE_URL", "postgres://u@h/db")
    monkeypatch.setenv("CLINIC_ENV", "staging")
    config = create_app({"SECRET_KEY": "k" * 40}).config
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert config["ENV_NAME"] == "staging"
    assert "DATABASE_URL" not in config and "ENV" not in config


def test_a_secret_of_digits_stays_text(monkeypatch):
    monkeypatch.setenv("CLINIC_SECRET_KEY", "1" * 40)
    config = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config
    assert config["SECRET_KEY"] == "1" * 40


@pytest.mark.parametrize("secret", [None, "", "too-short-31-characters-long-xx"])
def test_production_refuses_a_missing_or_short_secret(monkeypatch, secret):
    monkeypatch.setenv("CLINIC_ENV", "production")
    if secret is None:
        monkeypatch.delenv("CLINIC_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("CLINIC_SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="secret key"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_starts_with_a_real_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("CLINIC_ENV", "production")
    monkeypatch.setenv("CLINIC_SECRET_KEY", "s" * 32)
    monkeypatch.setenv("CLINIC_EXTERNAL_URL", "https://clinic.example.org")
    config = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config
    assert config["SECRET_KEY"] == "s" * 32 and config["SESSION_COOKIE_SECURE"] is True
