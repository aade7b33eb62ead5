"""Emails PeerPath sends on its own (reminders, notices, digests): what was sent to whom and on
which occasion, who opted out of which kind, and which cohorts a coordinator follows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class Notification(Base):
    """One email decided on. The unique key (recipient, kind, occasion) is what makes a second
    run, on this host or another at the same moment, send nothing twice: the row is inserted
    before the email is queued, in the same transaction."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "kind", "occasion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # What this email is about, so it is sent once: e.g. "idle-7:2026-11-30" (the last activity it
    # answers), a certificate id, a session id and its change time, a digest's cohort and week.
    occasion: Mapped[str] = mapped_column(String(120))
    # The trainee a coordinator's notice is about (a lapsing check), for their mentor page.
    about_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))


class EmailOptOut(Base):
    """A person does not want this kind of email (unsubscribed or unticked on their preferences)."""

    __tablename__ = "email_opt_outs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CohortFollower(Base):
    """A coordinator follows a cohort: its weekly digest comes to them."""

    __tablename__ = "cohort_followers"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


__all__ = ["CohortFollower", "EmailOptOut", "Notification"]
