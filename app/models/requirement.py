"""What coordinators record about requirements met outside PeerPath (screening, live training).

Only that it was cleared, when, and by whom: never a check's result or a document.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class RequirementRecord(Base):
    __tablename__ = "requirement_records"
    __table_args__ = (Index("ix_requirement_records_user_id_requirement_id", "user_id", "requirement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    requirement_id: Mapped[str] = mapped_column(String(64))  # an id from content/program.yaml
    completed_on: Mapped[datetime] = mapped_column(UTCDateTime)  # the day, at midnight UTC
    hours: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(Integer)  # a staff user id (kept if they leave)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
