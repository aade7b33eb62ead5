"""Commands under ``flask --app app``: staff accounts and demo data."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from .auth.forms import MIN_PASSWORD
from .auth.services import create_user
from .extensions import db
from .models import Role, User, normalise_email

DEMO_ACCOUNTS = (
    ("trainee@example.org", "Tess Trainee", Role.TRAINEE, "demo-trainee-pass"),
    ("coordinator@example.org", "Cora Coordinator", Role.COORDINATOR, "demo-coordinator-pass"),
    ("admin@example.org", "Ada Admin", Role.ADMIN, "demo-admin-pass"),
)


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.TRAINEE.value, show_default=True
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting."
)
def create_user_command(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create an account, e.g. a coordinator: create-user EMAIL --role coordinator --name "Full Name"."""
    if db.session.scalar(select(User.id).where(User.email == normalise_email(email))):
        raise click.ClickException(f"an account for {email} already exists")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password must be at least {MIN_PASSWORD} characters")
    user = create_user(email, name, password, Role(role))
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} ({user.name}).")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo accounts (once) and print how to log in with them."""
    for email, name, role, password in DEMO_ACCOUNTS:
        if not db.session.scalar(select(User.id).where(User.email == email)):
            create_user(email, name, password, role)
    db.session.commit()
    click.echo("Demo accounts (for trying PeerPath locally; never use these on a server):")
    for email, _name, role, password in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<12} {email:<26} password: {password}")
