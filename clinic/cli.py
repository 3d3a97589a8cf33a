"""`flask --app clinic …` commands. Each runs in one transaction and commits once at the end."""

import sys

import click
from flask.cli import with_appcontext

from clinic.extensions import db


def register(app) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(deactivate_user_command)
    app.cli.add_command(verify_audit_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create the fictional demo practice (once; re-running changes nothing) and print its logins."""
    from clinic.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo

    created = seed_demo()
    db.session.commit()
    click.echo("Demo practice created." if created else "Demo practice already present; nothing changed.")
    click.echo(f"\nDemo logins (fictional people; password for all: {DEMO_PASSWORD})")
    for role, email, name in DEMO_LOGINS:
        click.echo(f"  {role:<10} {email:<28} {name}")


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
        user = create_user(email=email, name=name, role="therapist" if role == "therapist" else "admin",
                           password=password, is_admin=(role == "admin"))
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


@click.command("verify-audit")
@with_appcontext
def verify_audit_command():
    """Check the audit trail's hash chain; exits non-zero when a row was altered, removed or reordered."""
    from clinic.audit.chain import verify

    report = verify()
    if report.ok:
        click.echo(f"Audit trail intact: {report.checked} events checked.")
        return
    click.echo(f"AUDIT TRAIL DAMAGED ({len(report.problems)} problems in {report.checked} events):", err=True)
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
