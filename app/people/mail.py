"""Outgoing email, kept off the request path.

``send_email`` only adds a row to the ``outbox`` table, in the caller's transaction. With
``MAIL_SERVER`` set, the row is sent through SMTP once the response has gone to the browser (so a
slow or unreachable mail server neither delays a page nor breaks it, and a reset request takes the
same time whether or not the account exists); whatever that could not send waits for
``flask --app app mail send`` (cron or a systemd timer), which retries with back-off and gives up
after the last retry, marking the message ``failed``.

A message may carry an HTML part beside its plain text (sent as multipart/alternative) and extra
headers (the List-Unsubscribe pair of RFC 8058); both wait and retry with it like the text.

Without ``MAIL_SERVER`` (development) each message is printed to the console at once and kept in
the outbox marked ``printed``. It is printed, not logged: a reset link must not end up in the
error log.
"""

from __future__ import annotations

import smtplib
import ssl
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from flask import Flask, after_this_request, current_app, g, has_request_context
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import OutboxMessage, utcnow
from ..models.outbox import FAILED, PRINTED, QUEUED, SENT

# After the first try fails: wait this long before each retry; give up after the last one.
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
SMTP_TIMEOUT_SECONDS = 15
LEASE = timedelta(minutes=5)  # longer than any SMTP conversation: a sender owns a message this long
BATCH = 200
ERROR_KEPT = 1000
SMTP_POLICY = policy.SMTP.clone(max_line_length=998)

Sender = Callable[[OutboxMessage], None]


def send_email(
    recipient: str, subject: str, body: str, html: str | None = None, headers: dict[str, str] | None = None
) -> OutboxMessage:
    """Queue an email in the current transaction; the caller commits, as with any other row.

    ``body`` is the plain-text part; ``html``, when given, is sent beside it as the HTML
    alternative; ``headers`` are extra header lines (List-Unsubscribe and its friends)."""
    now = utcnow()
    message = OutboxMessage(
        created_at=now,
        recipient=recipient,
        subject=subject,
        body=body,
        html_body=html,
        headers=dict(headers) if headers else None,
        status=PRINTED,
    )
    if not current_app.config.get("MAIL_SERVER"):
        db.session.add(message)
        db.session.flush()
        _print_to_console(recipient, subject, body, headers or {})
        return message
    message.status, message.attempts, message.next_attempt_at = QUEUED, 0, now
    db.session.add(message)
    db.session.flush()
    if has_request_context():
        _send_after_response(message.id)
    return message


def _print_to_console(recipient: str, subject: str, body: str, headers: dict[str, str]) -> None:
    # The text part only: the HTML part says the same, and a console is read by a person.
    extra = "".join(f"{name}: {value}\n" for name, value in headers.items())
    print(
        "--- No MAIL_SERVER is set, so this email was not sent (it is in the outbox table) ---\n"
        f"To: {recipient}\nSubject: {subject}\n{extra}\n{body}\n--- end of email ---",
        file=sys.stdout,
        flush=True,
    )
    current_app.logger.info(
        "No MAIL_SERVER is set: an email (%s) was printed to the console, not sent", subject
    )


def _send_after_response(message_id: int) -> None:
    """Send this request's messages when the server closes the response, after the last byte."""
    waiting = g.get("_mail_after_response")
    if waiting is None:
        waiting = g._mail_after_response = []
        app = current_app._get_current_object()

        @after_this_request
        def send_when_closed(response):
            response.call_on_close(lambda: _send_now(app, tuple(waiting)))
            return response

    waiting.append(message_id)


def _send_now(app: Flask, message_ids: Iterable[int]) -> None:
    # Runs after the request's context is gone: a context of its own, and nothing may escape it.
    with app.app_context():
        try:
            deliver(utcnow(), message_ids=message_ids)
        except Exception:  # noqa: BLE001 - the message stays queued for `flask mail send`
            db.session.rollback()
            app.logger.exception("Sending queued email failed; `flask mail send` will retry it")


def smtp_send(message: OutboxMessage) -> None:
    """Hand one message to the configured SMTP server; raises on failure."""
    config = current_app.config
    # Lines up to SMTP's own limit: the default (78) folds a long List-Unsubscribe address into
    # RFC 2047 encoded words, which no mail client reads back as a link.
    email = EmailMessage(policy=SMTP_POLICY)
    email["From"] = from_header(config["MAIL_FROM"])
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body)
    if message.html_body is not None:
        email.add_alternative(message.html_body, subtype="html")  # multipart/alternative, text first
    security = config["MAIL_SECURITY"]
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
    extra = {"context": context} if security == "ssl" else {}
    with smtp_class(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT_SECONDS, **extra
    ) as smtp:
        if security == "starttls":
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def from_header(mail_from: str) -> str:
    """``MAIL_FROM`` as configured; a bare address, or the default's name "PeerPath", takes the
    organisation's name (``programme:`` in program.yaml), so people see who is writing to them."""
    name, address = parseaddr(mail_from)
    if name and name != "PeerPath":
        return mail_from
    return formataddr((current_app.extensions["course"].program.identity.name, address))


@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    retrying: int = 0
    gave_up: int = 0


def deliver(now: datetime, message_ids: Iterable[int] | None = None, send: Sender | None = None) -> Outcome:
    """Send every queued message that is due (or only these), committing each before the next."""
    send = send or smtp_send
    sent = retrying = gave_up = 0
    wanted = None if message_ids is None else list(message_ids)
    while True:
        query = select(OutboxMessage.id, OutboxMessage.next_attempt_at).where(
            OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now
        )
        if wanted is not None:
            query = query.where(OutboxMessage.id.in_(wanted))
        due = db.session.execute(query.order_by(OutboxMessage.id).limit(BATCH)).all()
        db.session.commit()
        if not due:
            break
        for message_id, due_at in due:
            if not _lease(message_id, due_at, now):
                continue  # another sender has it
            message = db.session.get(OutboxMessage, message_id)
            error = _try(send, message)
            message.attempts += 1
            message.last_attempt_at = now
            if error is None:
                message.status, message.sent_at, message.next_attempt_at = SENT, now, None
                # A sent reset link must not wait in the database (or its backups), in either part.
                message.body, message.html_body = "", None
                sent += 1
            else:
                message.last_error = error
                if message.attempts > len(RETRY_AFTER):
                    message.status, message.next_attempt_at = FAILED, None
                    gave_up += 1
                else:
                    message.next_attempt_at = now + RETRY_AFTER[message.attempts - 1]
                    retrying += 1
            db.session.commit()
        # Every message seen is now leased, sent or rescheduled after `now`: none comes back.
        if len(due) < BATCH:
            break
    return Outcome(sent, retrying, gave_up)


def _try(send: Sender, message: OutboxMessage) -> str | None:
    try:
        send(message)
    except (smtplib.SMTPException, OSError, ValueError, UnicodeError) as error:
        return f"{type(error).__name__}: {error}"[:ERROR_KEPT]
    return None


def _lease(message_id: int, due_at: datetime, now: datetime) -> bool:
    taken = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == QUEUED,
            OutboxMessage.next_attempt_at == due_at,
        )
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def requeue_failed(now: datetime) -> int:
    """Give every message that was given up on a fresh set of tries (after fixing the server)."""
    count = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == FAILED)
        .values(status=QUEUED, attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return count


def requeue_one(message_id: int, now: datetime) -> bool:
    """Give one failed message a fresh set of tries; False when it is not (or no longer) failed,
    so two admins pressing Retry at once queue it once."""
    count = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == FAILED)
        .values(status=QUEUED, attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return count == 1


def counts_by_status() -> dict[str, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {status: rows_count for status, rows_count in rows}


def page_of_messages(status: str, page: int, size: int) -> list[OutboxMessage]:
    """One page of messages in this state: the queue in the order it will be sent, the rest
    newest first."""
    order = (
        (OutboxMessage.next_attempt_at, OutboxMessage.id) if status == QUEUED else (OutboxMessage.id.desc(),)
    )
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == status)
            .order_by(*order)
            .limit(size)
            .offset((page - 1) * size)
        )
    )


def requeue_failed_ids(now: datetime) -> list[int]:
    """As ``requeue_failed``, naming the messages queued again (for the audit log)."""
    return list(
        db.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.status == FAILED)
            .values(status=QUEUED, attempts=0, next_attempt_at=now)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
    )
