"""What PeerPath has told matching systems: removed mentors' tombstones, webhook endpoints, their
deliveries (a durable queue), and the last state published for each mentor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class RemovedMentor(Base):
    """A trainee whose account was erased: enough for a matching system to drop them, no more.

    No foreign key: the account is gone. The cohort is kept so that a token limited to cohorts
    sees only its own removals."""

    __tablename__ = "removed_mentors"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    external_id: Mapped[str | None] = mapped_column(String(100))
    cohort_id: Mapped[int | None] = mapped_column(Integer)
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


api_token_cohorts = Table(
    "api_token_cohorts",
    Base.metadata,
    Column("token_id", ForeignKey("api_tokens.id", ondelete="CASCADE"), primary_key=True),
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
)

webhook_endpoint_cohorts = Table(
    "webhook_endpoint_cohorts",
    Base.metadata,
    Column("endpoint_id", ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), primary_key=True),
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
)


class WebhookEndpoint(Base):
    """A URL an admin registered to be told when mentors change. ``limited_to_cohorts`` with no
    cohort left (all deleted) means it hears of nobody, never of everybody."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(120), default="")
    # Shown once when created; kept because every delivery is signed with it.
    secret: Mapped[str] = mapped_column(String(80))
    events: Mapped[str] = mapped_column(String(200))  # space-separated event types
    limited_to_cohorts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One event for one endpoint, kept until delivered or given up: the queue ``flask webhooks
    deliver`` works through. The body is stored as sent, so every retry is byte-identical."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(40))  # the webhook-id header; the same on retries
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(40))
    mentor_id: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None once settled
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)  # HTTP status, None when no answer
    last_response: Mapped[str | None] = mapped_column(Text)  # the start of the body, or the error


class PublishedMentorState(Base):
    """What webhooks last said about a mentor (or, before any webhook, what was first seen), so
    the next run sends only what changed. No foreign key: a removed mentor's row stays, marked."""

    __tablename__ = "published_mentor_states"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    matchable: Mapped[bool] = mapped_column(Boolean)
    fingerprint: Mapped[str] = mapped_column(String(400))  # the fields whose change is news
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
