"""Outgoing email, queued in the request's transaction and sent after the response.

``status`` says where a message is: ``queued`` (waiting for its ``next_attempt_at``),
``sent``, ``failed`` (given up after the last retry; ``flask mail status`` lists them), or
``printed`` (no ``MAIL_SERVER`` was set, so it went to the console only, in development).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

QUEUED, SENT, FAILED, PRINTED = "queued", "sent", "failed", "printed"


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # the plain-text part
    # The HTML part, rendered from the same template as ``body``; None for plain-text-only email.
    html_body: Mapped[str | None] = mapped_column(Text)
    # Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    headers: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=PRINTED, server_default=PRINTED)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the next try is due; None once sent, given up or printed. Also the lease that keeps
    # two senders (the request's after-response send and `flask mail send`) from sending twice.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(1000))
