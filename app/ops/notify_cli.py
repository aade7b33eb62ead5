"""``flask --app app notify`` (the reminders, notices and digests due now) and ``flask --app app
periodic``: the one command a deployment schedules, running every periodic job in turn."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..models import utcnow
from ..notifications import run as notifications
from . import mail_cli, matching_cli


def init_app(app: Flask) -> None:
    app.cli.add_command(notify_command)
    app.cli.add_command(periodic_command)


@click.command("notify")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; record and send nothing.")
@with_appcontext
def notify_command(dry_run: bool) -> None:
    """Record and queue every email due now (reminders, renewal notices, digests), each once:
    safe to run twice, or on two hosts at once. Run it from cron or a systemd timer (`periodic`)."""
    if not dry_run and not current_app.config.get("PUBLIC_URL"):
        raise click.ClickException("PUBLIC_URL is not set: the emails' links need the site's address.")
    by_kind = notifications.run(current_app.extensions["course"], utcnow(), dry_run, db.session.commit)
    db.session.commit()  # the refreshed standings, in a dry run too
    _report(by_kind, dry_run)


def _report(by_kind: dict, dry_run: bool) -> None:
    verb = "would send" if dry_run else "sent"
    total = sum(len(lines) for lines in by_kind.values())
    click.echo(f"{'Dry run: ' if dry_run else ''}{total} email(s) {verb}.")
    for kind, lines in by_kind.items():
        opted = sum(line.opted_out for line in lines)
        click.echo(
            f"{kind}: {len(lines) - opted}" + (f" (+{opted} opted out, recorded only)" if opted else "")
        )
        for line in lines:
            click.echo(f"  {line.email} [{line.occasion}]" + (" (opted out)" if line.opted_out else ""))


@click.command("periodic")
@click.pass_context
@with_appcontext
def periodic_command(context: click.Context) -> None:
    """Every periodic job in turn: `notify`, then `mail send` when MAIL_SERVER is set, then
    `webhooks deliver`. Schedule this one command every few minutes (README: Sending email). A job
    that fails is reported and the next still runs; the exit status is 1 if any failed."""
    failed = []
    mail_send = mail_cli.mail_send if current_app.config.get("MAIL_SERVER") else None
    jobs = [
        ("notify", notify_command),
        ("mail send", mail_send),
        ("webhooks deliver", matching_cli.webhooks_deliver),
    ]
    for name, command in jobs:
        click.echo(f"== {name}")
        if command is None:
            click.echo("skipped: MAIL_SERVER is not set (each email is printed as it is queued)")
            continue
        try:
            context.invoke(command)
        except (Exception, SystemExit) as error:  # noqa: BLE001 (reported; the next job still runs)
            db.session.rollback()
            failed.append(name)
            click.echo(f"{name} failed: {getattr(error, 'message', None) or error}", err=True)
    if failed:
        raise SystemExit(1)
