"""Set how people get an account (``registration:`` in program.yaml) for one test."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage


def set_registration(app, mode: str) -> None:
    course = app.extensions["course"]
    app.extensions["course"] = replace(course, program=replace(course.program, registration=mode))


@pytest.fixture
def open_registration(app):
    """Anyone may register and starts at once (``registration: open``): for tests of what a new
    trainee does next, not of how the email is proved."""
    set_registration(app, "open")


def outbox(app):
    """Every email queued so far, oldest first."""
    with app.app_context():
        return [
            (m.recipient, m.subject, m.body)
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]
