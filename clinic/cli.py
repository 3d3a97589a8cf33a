"""`flask --app clinic …` commands. Each runs in one transaction and commits once at the end."""

import sys

import click

from clinic.extensions import db


def register(app) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(deactivate_user_command)


@click.command("seed-demo")
def seed_demo_command():
    """Create the fictional demo practice (once; re-running changes nothing) and print its logins."""
    from clinic.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo

    created = seed_demo()
    db.session.commit()
    click.echo("Demo practice created." if created else "Demo practice already present; nothing changed.")
    click.echo("\nDemo logins (fictional people; password for all: %s)" % DEMO_PASSWORD)
    for role, email, name in DEMO_LOGINS:
        click.echo(f"  {role:<10} {email:<28} {name}")


@click.command("create-user")
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
