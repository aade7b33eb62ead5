"""Commands for the hand-off to matching systems: API tokens, webhook delivery, external ids."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..matching import external_ids, webhooks
from ..matching.tokens import cohort_names, create_token, revoke_token
from ..models import ApiToken, Cohort, Role, User, normalise_email, utcnow


def init_app(app: Flask) -> None:
    app.cli.add_command(api_token_group)
    app.cli.add_command(webhooks_group)
    app.cli.add_command(mentors_group)


@click.group("api-token")
def api_token_group() -> None:
    """Tokens for the matching API."""


@api_token_group.command("create")
@click.argument("name")
@click.option("--cohort", "cohorts", multiple=True, help="Limit the token to this cohort (repeat for more).")
@click.option(
    "--expires-in-days", type=click.IntRange(min=1), help="The token stops working after this many days."
)
@with_appcontext
def api_token_create(name: str, cohorts: tuple[str, ...], expires_in_days: int | None) -> None:
    """Create a token; it is printed once, as the last line, and only its hash is kept."""
    cohort_ids = None
    if cohorts:
        known = dict(db.session.execute(select(Cohort.name, Cohort.id)).all())
        unknown = [name for name in cohorts if name not in known]
        if unknown:
            raise click.ClickException(f"no cohort named {', '.join(repr(u) for u in unknown)}")
        cohort_ids = [known[name] for name in cohorts]
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    token, secret = create_token(name, actor_id=None, cohort_ids=cohort_ids, expires_at=expires_at)
    db.session.commit()
    click.echo(f"Created API token {token.id} ({token.name}). Store it now: it cannot be shown again.")
    click.echo(secret)


@api_token_group.command("list")
@with_appcontext
def api_token_list() -> None:
    """List tokens: id, name, cohorts, created, expires, last used, revoked."""
    tokens = list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))
    names = cohort_names([t.id for t in tokens])
    for token in tokens:
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d}" if token.last_used_at else "never"
        expires = f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "never"
        scope = ", ".join(names.get(token.id, [])) or "none" if token.limited_to_cohorts else "all"
        click.echo(
            f"{token.id:>4}  {token.name:<30} cohorts {scope:<20} created {token.created_at:%Y-%m-%d}"
            f"  expires {expires:<10}  last used {used:<10}  {state}"
        )


@api_token_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def api_token_revoke(token_id: int) -> None:
    """Revoke a token by its id; requests with it are refused from now on."""
    if not revoke_token(token_id, actor_id=None):
        raise click.ClickException(f"no active token with id {token_id}")
    db.session.commit()
    click.echo(f"Revoked API token {token_id}.")


@click.group("webhooks")
def webhooks_group() -> None:
    """Webhooks to matching systems."""


@webhooks_group.command("deliver")
@with_appcontext
def webhooks_deliver() -> None:
    """Queue an event for every change since the last run, then send what is due. Run it every
    minute (cron or a systemd timer); overlapping runs never send a delivery twice at once."""
    events, outcome = webhooks.run(current_app.extensions["course"], utcnow())
    click.echo(
        f"{events} new event(s); delivered {outcome.delivered}, to retry {outcome.retrying},"
        f" given up {outcome.gave_up}."
    )


@click.group("mentors")
def mentors_group() -> None:
    """Mentors' records shared with matching systems."""


@mentors_group.command("import-external-ids")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_external_ids(path: Path) -> None:
    """Set external ids from a CSV file with the columns email,external_id (a header row). Every
    line is checked first: one bad line and nothing is changed, with each problem at path:line."""
    problems, changes = [], []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"email", "external_id"} <= set(reader.fieldnames):
            raise click.ClickException(f"{path}:1: the header must name the columns email and external_id")
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            email, external_id = normalise_email(row["email"] or ""), (row["external_id"] or "").strip()
            user = db.session.scalar(select(User).where(User.email == email, User.role == Role.TRAINEE.value))
            problem = external_ids.problem_with(external_id)
            if user is None:
                problems.append(f"{path}:{line}: no trainee with the email {email!r}")
            elif problem:
                problems.append(f"{path}:{line}: {problem}")
            elif external_id and external_id in seen:
                problems.append(f"{path}:{line}: {external_id!r} is also on line {seen[external_id]}")
            else:
                seen[external_id] = line
                changes.append((line, user, external_id))
    for line, user, external_id in changes if not problems else ():
        try:
            external_ids.set_external_id(user, external_id, actor_id=None)
            db.session.flush()
        except external_ids.ExternalIdTaken as taken:
            problems.append(f"{path}:{line}: {taken}")
    if problems:
        db.session.rollback()
        raise click.ClickException("nothing was changed:\n" + "\n".join(problems))
    db.session.commit()
    click.echo(f"Set {len(changes)} external id(s) from {path}.")
