"""``flask --app app mail …``: send the queued email that the requests could not, and show the queue."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..extensions import db
from ..models import OutboxMessage, utcnow
from ..models.outbox import FAILED
from ..people import mail


def init_app(app: Flask) -> None:
    app.cli.add_command(mail_group)


@click.group("mail")
def mail_group() -> None:
    """Outgoing email: every message waits in the outbox table until it is sent."""


@mail_group.command("send")
@with_appcontext
def mail_send() -> None:
    """Send every queued email that is due, with retries; run it every few minutes (cron or a systemd timer).

    Exits with status 1 when a message was given up on in this run (see `flask mail status`).
    """
    if not current_app.config.get("MAIL_SERVER"):
        raise click.ClickException(
            "MAIL_SERVER is not set, so nothing can be sent (without it each email is printed to the console)."
        )
    outcome = mail.deliver(utcnow())
    click.echo(f"Sent {outcome.sent}; {outcome.retrying} will be retried; gave up on {outcome.gave_up}.")
    if outcome.gave_up:
        raise SystemExit(1)


@mail_group.command("status")
@with_appcontext
def mail_status() -> None:
    """How many messages are queued, sent, failed or printed; the failed ones with their last error."""
    counts = dict(
        db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    )
    click.echo(
        ", ".join(f"{status}: {counts.get(status, 0)}" for status in ("queued", "sent", "failed", "printed"))
    )
    failed = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == FAILED).order_by(OutboxMessage.id)
    )
    for message in failed:
        click.echo(
            f"failed #{message.id} to {message.recipient} ({message.subject}), "
            f"{message.attempts} attempts, last at {message.last_attempt_at:%Y-%m-%d %H:%M} UTC: {message.last_error}"
        )


@mail_group.command("retry-failed")
@with_appcontext
def mail_retry_failed() -> None:
    """Queue the failed messages again (after fixing the mail server); `mail send` then sends them."""
    count = mail.requeue_failed(utcnow())
    db.session.commit()
    click.echo(f"Queued {count} failed message(s) again.")
