"""Record each due notification under its unique key, then queue its email: sent once, even when
two hosts run ``notify`` at the same moment.

The key (recipient, kind, occasion) is inserted with ON CONFLICT DO NOTHING RETURNING before the
email is queued, in the same transaction: whoever inserts the row sends the email; a run that
finds the row already there (committed, or being committed by a concurrent run, which the unique
index makes it wait for) sends nothing. A person who opted out of a kind still gets the row, with
no email, so the occasion is spent and nothing arrives later by surprise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from datetime import datetime
from typing import NamedTuple

from flask import current_app, has_request_context
from sqlalchemy import select, tuple_, update

from ..certification.standings import refresh_stale
from ..course import notifications as kinds
from ..course.model import Course
from ..database import dialect_insert
from ..extensions import db
from ..models import User
from ..models.notification import EmailOptOut, Notification
from . import due as rules_of
from . import emails
from .digest import digests
from .due import Due

BATCH = 500  # notifications per transaction


class Line(NamedTuple):
    """One email decided on, as ``notify`` prints it."""

    kind: str
    email: str
    occasion: str
    opted_out: bool


def run(course: Course, now: datetime, dry_run: bool = False, commit: Callable[[], None] = lambda: None):
    """Work out what is due at ``now``; record and queue it batch by batch, calling ``commit``
    after each (the command commits; a transaction per batch keeps a failure's loss small). A dry
    run records and sends nothing. Returns the lines by kind, in ``KINDS`` order, of what was (or
    would be) sent; opted-out ones are flagged."""
    by_kind: dict[str, list[Line]] = {kind: [] for kind in kinds.KINDS}
    with _url_context():
        batch: list[Due] = []
        for due in all_due(course, now):
            batch.append(due)
            if len(batch) == BATCH:
                _handle(batch, now, dry_run, by_kind, commit)
                batch = []
        if batch:
            _handle(batch, now, dry_run, by_kind, commit)
    return by_kind


def all_due(course: Course, now: datetime) -> Iterator[Due]:
    """Every email due at ``now``, kind by kind, skipping kinds switched off."""
    rules = course.program.notifications
    refresh_stale(course, now)  # the standings the rules read, up to date (as the lists do)
    producers = (
        ((kinds.INACTIVITY,), rules_of.inactivity),
        ((kinds.RENEWAL, kinds.EXPIRING, kinds.CERTIFIED), rules_of.certificates),  # one read of standings
        ((kinds.REPLIES_SCORED,), rules_of.replies_scored),
        ((kinds.SESSION_CHANGED,), rules_of.sessions_changed),
        ((kinds.DIGEST,), digests),
    )
    for produced, produce in producers:
        if any(rules.is_on(kind) for kind in produced):
            yield from (due for due in produce(course, now) if rules.is_on(due.kind))


def _url_context():
    """Links in emails are built with url_for: outside a request (the command), a stand-in one.
    Their host is ``PUBLIC_URL`` (people/password_links.public_url), which the command requires."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def _handle(batch: list[Due], now: datetime, dry_run: bool, by_kind: dict, commit) -> None:
    people = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_({d.recipient_id for d in batch})))
    }
    opted = set(
        db.session.execute(
            select(EmailOptOut.user_id, EmailOptOut.kind).where(EmailOptOut.user_id.in_(list(people)))
        ).all()
    )
    fresh = _known_absent(batch) if dry_run else record(batch, now)
    for due in batch:
        if not due.send or (due.recipient_id, due.kind, due.occasion) not in fresh:
            continue
        person = people[due.recipient_id]
        opted_out = (person.id, due.kind) in opted
        by_kind[due.kind].append(Line(due.kind, person.email, due.occasion, opted_out))
        if not dry_run and not opted_out:
            _send(person, due, fresh[(due.recipient_id, due.kind, due.occasion)])
    if not dry_run:
        db.session.flush()
        commit()


def record(batch: Iterable[Due], now: datetime) -> dict[tuple[int, str, str], int]:
    """Insert the keys not yet recorded; returns the new rows' ids by key (only this caller's)."""
    rows = {
        (d.recipient_id, d.kind, d.occasion): dict(
            user_id=d.recipient_id,
            kind=d.kind,
            occasion=d.occasion,
            about_user_id=d.about_user_id,
            created_at=now,
        )
        for d in batch
    }
    if not rows:
        return {}
    statement = (
        dialect_insert(Notification)
        .values(list(rows.values()))
        .on_conflict_do_nothing(index_elements=["user_id", "kind", "occasion"])
        .returning(Notification.id, Notification.user_id, Notification.kind, Notification.occasion)
    )
    return {(r.user_id, r.kind, r.occasion): r.id for r in db.session.execute(statement)}


def _known_absent(batch: list[Due]) -> dict[tuple[int, str, str], int]:
    """For a dry run: the keys not recorded yet (what a real run would insert)."""
    keys = {(d.recipient_id, d.kind, d.occasion) for d in batch}
    known = set(
        db.session.execute(
            select(Notification.user_id, Notification.kind, Notification.occasion).where(
                tuple_(Notification.user_id, Notification.kind, Notification.occasion).in_(list(keys))
            )
        ).all()
    )
    return {key: 0 for key in keys if key not in known}


def _send(person: User, due: Due, notification_id: int) -> None:
    message = emails.send(person, due.kind, due.context)
    db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(outbox_id=message.id)
        .execution_options(synchronize_session=False)
    )
