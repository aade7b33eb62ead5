"""What outlives an erasure for safeguarding: a keyed hash of a revoked or "do not re-engage"
mentor's email (no name, no email), and each refused attempt to register with it. Kept for the
retention period in program.yaml; docs/data-protection.md gives the basis."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class SafeguardingMarker(Base):
    __tablename__ = "safeguarding_markers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64), index=True)  # HMAC-SHA256, hex
    decision: Mapped[str] = mapped_column(String(20))  # revoked | do_not_reengage
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    keep_until: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RefusedRegistration(Base):
    """Someone tried to register with a marked email: coordinators are told, nothing names them."""

    __tablename__ = "refused_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    marker_id: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(20))
