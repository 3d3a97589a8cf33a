"""Configuration: safe defaults in code, then instance/config.py, then CLINIC_* environment variables.

Environment values are read by Flask's `from_prefixed_env`, so they are JSON: `true`/`false` for
switches, plain digits for numbers, anything else a string.

Nothing secret lives here. A production configuration refuses to start without a real secret key.
"""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Config, Flask

from clinic.filemodes import private_folder

DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "development",  # "production" turns on Secure cookies, HSTS and strict checks
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,  # None: instance/clinic.sqlite3
    # hide_parameters: a database error must never copy the values being written (note text) into a log
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "SESSION_COOKIE_NAME": "clinic_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_DURATION": 0,
    # Sessions: idle timeout comes from the practice settings; this is the fallback and the ceiling.
    "IDLE_TIMEOUT_MINUTES": 30,
    "ABSOLUTE_SESSION_HOURS": 12,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": None,  # the token dies with the session, which has its own timeouts
    "WTF_CSRF_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": False,
    # argon2id cost; tests lower the memory cost to stay fast, production keeps these.
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "ARGON2_PARALLELISM": 4,
    "INVITE_VALID_DAYS": 7,
    "UNSIGNED_NOTE_ALERT_DAYS": 3,
    "PER_PAGE": 20,
    "PROXY_FIX_HOPS": 0,  # number of trusted reverse proxies in front of the app
    "REQUIRE_TOTP_DEFAULT": True,
    # Audit sealing (docs/AUDIT.md): key from CLINIC_AUDIT_KEY, else instance/audit_key; 0 = no thread.
    "AUDIT_KEY": None,
    "AUDIT_SEAL_INTERVAL_SECONDS": 2,
    "AUDIT_CHECKPOINT_PATH": None,  # None: instance/audit_head.json (testing apps: none)
    # Links in email and on the invitation page: never built from the Host header (docs: deploy/README.md).
    "EXTERNAL_URL": None,  # None: http://127.0.0.1:5000 outside production; production must set it
    "TRUSTED_HOSTS": None,  # None: production trusts only EXTERNAL_URL's host; other Host names get 400
    # Mail (Flask-Mailman): the embedded default writes .eml files to instance/outbox/; production: smtp
    "MAIL_BACKEND": "clinic.mail.outbox.EmailBackend",
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": False,  # STARTTLS
    "MAIL_USE_SSL": False,  # TLS from the first byte (port 465)
    "MAIL_TIMEOUT": 20,
    "MAIL_DEFAULT_SENDER": "clinic@localhost",
    "MAIL_MAX_ATTEMPTS": 6,
    "MAIL_RETRY_SECONDS": 60,  # the first retry; each later one waits twice as long
    "MAIL_SENDING_TIMEOUT_SECONDS": 300,  # a message "sending" longer than this was left by a crash: retried
}

ENV_PREFIX = "CLINIC"
# Older names still honoured in the environment: CLINIC_DATABASE_URL, CLINIC_ENV.
_ENV_ALIASES = {"DATABASE_URL": "SQLALCHEMY_DATABASE_URI", "ENV": "ENV_NAME"}
_TEXT_KEYS = ("SECRET_KEY", "AUDIT_KEY", "MAIL_PASSWORD")  # a secret made only of digits JSON-decodes to a number


def load(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    """Fill app.config from defaults, the instance file, the environment, then test_config.

    Environment values are JSON-decoded by Flask (`CLINIC_PROXY_FIX_HOPS=1` is an int,
    `CLINIC_RATELIMIT_ENABLED=false` a bool); anything that isn't valid JSON stays a string.
    """
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX)
    _apply_aliases(app.config)
    _check_types(app.config)
    if test_config:
        app.config.update(test_config)
    _finish(app)


def _apply_aliases(config: Config) -> None:
    for alias, key in _ENV_ALIASES.items():
        if alias in config:
            config[key] = config.pop(alias)
    for key in _TEXT_KEYS:
        if config.get(key) is not None and not isinstance(config[key], str):
            config[key] = str(config[key])


def _check_types(config: Config) -> None:
    """A switch or a number set in the environment to anything else (`no`, `12min`) stops the start."""
    from_env = {name.removeprefix(f"{ENV_PREFIX}_") for name in os.environ if name.startswith(f"{ENV_PREFIX}_")}
    for key in from_env & DEFAULTS.keys():
        default, value = DEFAULTS[key], config.get(key)
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        else:
            continue
        if not ok:
            kind = "true or false (JSON)" if isinstance(default, bool) else "a number"
            raise RuntimeError(f"Configuration {key} must be {kind}, not {value!r} (environment: {ENV_PREFIX}_{key}).")


def _finish(app: Flask) -> None:
    config = app.config
    if not config["SQLALCHEMY_DATABASE_URI"]:
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "clinic.sqlite3")
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://") or uri.startswith("postgres://"):
        # psycopg 3 is the driver we ship
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    if is_production(app):
        config["SESSION_COOKIE_SECURE"] = True
        if not config["SECRET_KEY"] or len(str(config["SECRET_KEY"])) < 32:
            raise RuntimeError(
                "Refusing to start in production without a real secret key: "
                "set CLINIC_SECRET_KEY (at least 32 characters) or SECRET_KEY in instance/config.py."
            )
    elif not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    _external_url(app)


def _external_url(app: Flask) -> None:
    """Links leave the app with EXTERNAL_URL; production names it and trusts no other Host."""
    config = app.config
    if not config["EXTERNAL_URL"]:
        if is_production(app):
            raise RuntimeError(
                "Refusing to start in production without CLINIC_EXTERNAL_URL "
                "(the address partners open, e.g. https://clinic.example.org): links are built from it."
            )
        config["EXTERNAL_URL"] = "http://127.0.0.1:5000"
    if config["TRUSTED_HOSTS"] is None and is_production(app):
        config["TRUSTED_HOSTS"] = [urlsplit(str(config["EXTERNAL_URL"])).hostname]


def is_production(app: Flask) -> bool:
    return app.config.get("ENV_NAME") == "production"


def _instance_secret(instance: Path) -> str:
    """A development secret kept in the instance folder, so sessions survive a restart."""
    private_folder(instance)
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
