"""``flask --app app import-trainees FILE``: trainees and their history from a CSV file. A dry
run unless ``--commit``; docs/import.md describes the file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..certification import standings
from ..extensions import db
from ..models import User, normalise_email
from ..people import import_writer, imports


def init_app(app: Flask) -> None:
    app.cli.add_command(import_trainees)


@click.command("import-trainees")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--commit", is_flag=True, help="Write the import; without it the file is only checked.")
@click.option("--create-cohorts", is_flag=True, help="Create the cohorts the file names that do not exist.")
@click.option(
    "--update", is_flag=True, help="Update existing accounts with the file's email instead of refusing them."
)
@click.option(
    "--no-invitations", is_flag=True, help="Do not email new people an invitation to set a password."
)
@click.option(
    "--by",
    "by_email",
    default="",
    help="The staff account recorded as importing (default: the command line).",
)
@with_appcontext
def import_trainees(
    path: Path, commit: bool, create_cohorts: bool, update: bool, no_invitations: bool, by_email: str
) -> None:
    """Check a CSV of trainees (name, email, cohort, external_id, requirement dates, certified_on,
    certified_by) and, with --commit, import it in one transaction. Exits 1 if the file has problems."""
    course = current_app.extensions["course"]
    if commit and not no_invitations and not current_app.config.get("PUBLIC_URL"):
        raise click.ClickException(
            "Invitations link to this site: set PUBLIC_URL first, or import with --no-invitations."
        )
    actor_id = _actor(by_email)
    options = imports.Options(create_cohorts=create_cohorts, update=update)
    plan = import_writer.dry_run(
        path.read_bytes(), course.program, imports.programme_today(course.program), options
    )
    for problem in plan.problems:
        click.echo(str(problem), err=True)
    if not plan.clean:
        raise click.ClickException(
            f"{len(plan.problems)} problems: nothing was imported. Fix the file and run again."
        )
    for person in plan.updated:
        click.echo(f"line {person.line}: updates the existing account of {person.email}")
    if not commit:
        click.echo(f"Dry run: would import {plan.summary()}. Run again with --commit to import.")
        return
    try:
        done = import_writer.write(plan, course, actor_id, path.name)
        standings.refresh(course, done.everyone)
        invited = 0 if no_invitations else import_writer.invite(done.created)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"Imported {plan.summary()}; {invited} invitations queued.")


def _actor(email: str) -> int | None:
    if not email:
        return None
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_staff:
        raise click.ClickException(f"{email} is not a staff account.")
    return user.id
