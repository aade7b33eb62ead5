"""The links the live servers email (registration: verify_email, invitations), read from their
outbox: the servers run in this process, on their own databases."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage

LIVE_APPS: dict[str, Flask] = {}  # a live server's address -> its app (filled by conftest.serve)


def emailed_link(base: str, email: str, path: str) -> str:
    """The newest link under ``path`` (e.g. "/auth/confirm-email/") emailed to this address."""
    with LIVE_APPS[base].app_context():
        bodies = db.session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == email)
            .order_by(OutboxMessage.id.desc())
        ).all()
    for body in bodies:
        found = re.findall(rf"{re.escape(base)}{re.escape(path)}\S+", body)
        if found:
            return found[-1]
    raise AssertionError(f"no {path} link was emailed to {email}")
