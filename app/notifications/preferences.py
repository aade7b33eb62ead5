"""Which kinds of email a person has turned off (``EmailOptOut``): an unsubscribe link's one
click, or the boxes on their preferences page. Services flush at most; the views commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select

from ..database import insert_ignoring_duplicates
from ..extensions import db
from ..models import EmailOptOut, User
from .emails import kinds_for


def opted_out(user_id: int) -> set[str]:
    return set(db.session.scalars(select(EmailOptOut.kind).where(EmailOptOut.user_id == user_id)))


def opt_out(user_id: int, kind: str, now: datetime) -> None:
    """Turn one kind off. Idempotent, and safe when a mail client and a person click at once:
    the database keeps the one row."""
    db.session.execute(
        insert_ignoring_duplicates(
            EmailOptOut, {"user_id": user_id, "kind": kind, "created_at": now}, ["user_id", "kind"]
        )
    )


def choose(user: User, wanted: Iterable[str], now: datetime) -> None:
    """Keep exactly the kinds ticked on the page (of those that apply to this person) switched on."""
    applying = set(kinds_for(user))
    wanted = set(wanted) & applying
    db.session.execute(
        delete(EmailOptOut).where(EmailOptOut.user_id == user.id, EmailOptOut.kind.in_(wanted))
    )
    for kind in sorted(applying - wanted):
        opt_out(user.id, kind, now)
