"""What the mentor page lists under "Emails sent": the notifications to a mentor or about them
(a coordinator's copy of a lapsing check), newest first, with where each one's email is now."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, or_, select

from ..course import notifications as kinds
from ..extensions import db
from ..models import EmailOptOut, OutboxMessage, User
from ..models.notification import Notification

# How a coordinator reads each kind: short, as a table cell.
KIND_WORDS = {
    kinds.INACTIVITY: "Reminder after days without training",
    kinds.RENEWAL: "Renewal notice",
    kinds.EXPIRING: "Requirement lapsing soon",
    kinds.CERTIFIED: "Certified, with the verification link",
    kinds.REPLIES_SCORED: "Typed replies scored",
    kinds.SESSION_CHANGED: "Live session changed or cancelled",
    kinds.DIGEST: "Weekly cohort digest",
}
NOT_SENT = "not sent"
OPTED_OUT = "not sent (opted out)"
SHOWN = 50  # the newest; older ones stay in the database and the personal-data export


class SentEmail(NamedTuple):
    kind: str
    kind_words: str
    to_name: str
    to_mentor: bool  # False: a coordinator's copy about the mentor
    at: datetime
    status: str  # the outbox's (sent, queued, failed, printed), or one of the two "not sent"


def emails_of(mentor_id: int, limit: int = SHOWN) -> list[SentEmail]:
    """Notifications to ``mentor_id`` or about them, newest first. One without an outbox row was
    recorded but never queued: opted out when its recipient has that kind switched off now, else
    held back (a lower reminder passed in the same gap)."""
    opted = (
        select(EmailOptOut.user_id)
        .where(and_(EmailOptOut.user_id == Notification.user_id, EmailOptOut.kind == Notification.kind))
        .exists()
    )
    rows = db.session.execute(
        select(Notification, User.name, OutboxMessage.status, opted.label("opted"))
        .join(User, User.id == Notification.user_id)
        .outerjoin(OutboxMessage, OutboxMessage.id == Notification.outbox_id)
        .where(or_(Notification.user_id == mentor_id, Notification.about_user_id == mentor_id))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()
    return [
        SentEmail(
            row.Notification.kind,
            KIND_WORDS.get(row.Notification.kind, row.Notification.kind),
            row.name,
            row.Notification.user_id == mentor_id,
            row.Notification.created_at,
            row.status or (OPTED_OUT if row.opted else NOT_SENT),
        )
        for row in rows
    ]
