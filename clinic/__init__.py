"""clinic: a web app for couples therapists. `create_app()` builds the application."""

import os
from importlib import import_module
from pathlib import Path

from flask import Flask

from clinic import filemodes

# Each domain is a package whose init_app(app) registers its blueprints and hooks.
DOMAINS = (
    "core",
    "auth",
    "couples",
    "admin",
    "portal",
    "audit",
    "sessions",
    "homework",
    "handouts",
    "measures",
    "records",
    "appointments",
    "consent",
    "plans",
    "supervision",
    "mail",
    "reminders",
)
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = os.environ.get("CLINIC_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    filemodes.make_process_private()  # before anything (the secret key, the database) is written
    filemodes.private_folder(Path(instance_path))
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    from clinic import config, settings  # noqa: F401 - settings registers the practice_settings table

    config.load(app, test_config)
    filemodes.check_at_start(app)
    register_extensions(app)
    register_domains(app)
    register_hooks(app)
    return app


def register_extensions(app: Flask) -> None:
    from clinic import jobs
    from clinic.auth.sessions import enforce_timeouts
    from clinic.extensions import csrf, db, limiter, login_manager, migrate
    from clinic.security import bound_record_ids

    bound_record_ids(app)  # before the domains add their routes
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    # Timeouts are checked before CSRF, so a form sent after a timeout is kept, not refused.
    app.before_request(enforce_timeouts)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    jobs.init_app(app)


def register_domains(app: Flask) -> None:
    """Each domain's `init_app` registers its blueprints, hooks and what it adds to the registry."""
    for name in DOMAINS:
        import_module(f"clinic.{name}").init_app(app)


def register_hooks(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    from clinic import cli, errors, pdf, security, templating

    errors.register(app)
    security.register(app)
    templating.register(app)
    pdf.init_app(app)
    cli.register(app)
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to wrap
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )
