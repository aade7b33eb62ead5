"""Sending email: through SMTP when the environment names a server, otherwise to the console
and the ``outbox`` table, so a developer (or a test) can read what would have been sent."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

from ..extensions import db
from ..models import OutboxMessage, utcnow


def send_email(recipient: str, subject: str, body: str) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        _keep_in_outbox(recipient, subject, body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    security = config["MAIL_SECURITY"]
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
    extra = {"context": context} if security == "ssl" else {}
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15, **extra) as smtp:
        if security == "starttls":
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _keep_in_outbox(recipient: str, subject: str, body: str) -> None:
    db.session.add(OutboxMessage(created_at=utcnow(), recipient=recipient, subject=subject, body=body))
    current_app.logger.warning(
        "No MAIL_SERVER is set, so this email was not sent (it is in the outbox table):\n"
        "To: %s\nSubject: %s\n\n%s",
        recipient,
        subject,
        body,
    )
