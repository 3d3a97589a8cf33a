"""`flask --app clinic …` commands. Each runs in one transaction and commits once at the end."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from clinic.extensions import db


def register(app) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(deactivate_user_command)
    app.cli.add_command(verify_audit_command)
    app.cli.add_command(seal_audit_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(start_command)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create the fictional demo practice (once; re-running changes nothing) and print its logins."""
    from clinic.demo import seed_demo

    created = seed_demo()
    db.session.commit()
    click.echo("Demo practice created." if created else "Demo practice already present; nothing changed.")
    _print_demo_logins()


def _print_demo_logins() -> None:
    from clinic.demo import DEMO_LOGINS, DEMO_PASSWORD

    click.echo(f"\nDemo logins (fictional people; password for all: {DEMO_PASSWORD})")
    for role, email, name in DEMO_LOGINS:
        click.echo(f"  {role:<10} {email:<28} {name}")


@click.command("start")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo/--no-demo", default=True, show_default=True, help="Seed the demo practice if absent.")
@click.option("--workers", default=2, show_default=True, help="Threads running background jobs.")
@with_appcontext
def start_command(host: str, port: int, demo: bool, workers: int) -> None:
    """Everything `make run` needs, in one process: migrate the database, seed the fictional demo practice
    on first run, then serve on the development server with the background job consumer beside it.

    One process instead of three (`db upgrade`, `seed-demo`, `run` + `jobs`) saves two interpreter starts
    and two app imports: about 4 s before the first page. Ctrl+C stops the server and lets running jobs
    finish. For production use `make serve` (gunicorn) and `deploy/`.
    """
    import threading

    from flask import current_app
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from clinic.demo import seed_demo
    from clinic.filemodes import private_folder

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    private_folder(Path(app.instance_path))
    upgrade()
    if demo:
        created = seed_demo()
        db.session.commit()
        click.echo("Demo practice created." if created else "Demo practice already present; nothing changed.")
        _print_demo_logins()
    db.session.remove()
    server = make_server(host, port, app, threaded=True)  # a port in use: Werkzeug says so and exits
    threading.Thread(target=server.serve_forever, name="web", daemon=True).start()
    click.echo(f"\nServing on http://{host}:{port}  (Ctrl+C to stop)")
    queue = app.extensions["jobs"]
    try:
        # The consumer owns the main thread and its signal handling: Ctrl+C or SIGTERM stops it gracefully.
        queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
    finally:
        server.shutdown()


@click.command("create-user")
@with_appcontext
@click.option("--role", type=click.Choice(["therapist", "admin"]), required=True)
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(role, email, name, password_stdin):
    """Create a staff account; the password is prompted for (or read from stdin)."""
    from clinic.auth.services import create_user
    from clinic.errors import DomainError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            email=email,
            name=name,
            role="therapist" if role == "therapist" else "admin",
            password=password,
            is_admin=(role == "admin"),
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@click.command("deactivate-user")
@with_appcontext
@click.option("--email", required=True)
def deactivate_user_command(email):
    """Deactivate an account and end all of its sessions at once."""
    from clinic.auth.models import find_user_by_email
    from clinic.auth.services import deactivate_user

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with email {email}.")
    deactivate_user(user)
    db.session.commit()
    click.echo(f"Deactivated {user.email}; their sessions have ended.")


@click.command("seal-audit")
@with_appcontext
def seal_audit_command():
    """Seal every not-yet-sealed audit event into keyed batches now (the background sealer does it too)."""
    from clinic.audit.seal import seal_pending

    total = 0
    while (sealed := seal_pending()) > 0:
        total += sealed
    click.echo(f"Sealed {total} audit events.")


@click.command("verify-audit")
@with_appcontext
@click.option("--no-seal", is_flag=True, help="Check only; do not seal pending events first.")
def verify_audit_command(no_seal):
    """Check the sealed audit trail; exits 1 when a row or batch was altered, removed, reordered or forged."""
    from clinic.audit.chain import verify
    from clinic.audit.seal import seal_pending

    if not no_seal:
        while seal_pending() > 0:
            pass
    report = verify()
    unsealed = (
        f"; {report.unsealed} events not sealed yet (oldest {report.oldest_unsealed:%Y-%m-%d %H:%M} UTC)"
        if report.unsealed
        else ""
    )
    if report.ok:
        click.echo(f"Audit trail intact: {report.checked} events checked in {report.batches} sealed batches{unsealed}.")
        return
    click.echo(
        f"AUDIT TRAIL DAMAGED ({len(report.problems)} problems in {report.checked} sealed events{unsealed}):", err=True
    )
    for problem in report.problems[:50]:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@click.command("backup")
@with_appcontext
@click.argument("path")
def backup_command(path):
    """Write a consistent backup of the database to PATH (safe while the app runs)."""
    from flask import current_app

    from clinic.backup import BackupError, backup

    try:
        click.echo(backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path))
    except BackupError as error:
        raise click.ClickException(str(error)) from None


@click.command("restore")
@with_appcontext
@click.argument("path")
@click.option("--force", is_flag=True, help="Overwrite a database that already holds data.")
def restore_command(path, force):
    """Check the backup at PATH, then restore it (refuses to overwrite data without --force)."""
    from flask import current_app

    from clinic.backup import BackupError, restore

    db.session.remove()
    db.engine.dispose()
    try:
        click.echo(restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path, force=force))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
