"""What coordinators record about requirements met outside PeerPath (screening, live training).

Only that it was cleared, when, and by whom: never a check's result or a document. Records are
never changed: a mistake is put right by a correction (a new record naming the one it corrects)
or a void, and the database refuses edits and deletions (``append_only.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, false, select
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
    # A correction or void names the record it replaces; no foreign key, so that erasing a person
    # deletes their records in any order.
    corrects_id: Mapped[int | None] = mapped_column(Integer, index=True)
    voided: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reason: Mapped[str | None] = mapped_column(Text)  # why a correction or void was made
    # Observed practice: who watched, and a score per rubric criterion (pass is computed).
    observer: Mapped[str | None] = mapped_column(String(200))
    scores: Mapped[dict | None] = mapped_column(JSON)
    # An acknowledgement: the version of the procedure the trainee confirmed they had read.
    version: Mapped[str | None] = mapped_column(String(40))


def current_requirement_records():
    """The records that count: neither a void nor replaced by a later correction or void.

    Written as NOT IN an uncorrelated list (read once) rather than a correlated NOT EXISTS: with
    statistics that say nearly every ``corrects_id`` is NULL, SQLite judged the index useless and
    scanned the table once per record (the CSV of 10,000 trainees took 20 s)."""
    replaced = select(RequirementRecord.corrects_id).where(RequirementRecord.corrects_id.is_not(None))
    return RequirementRecord.voided.is_(False) & RequirementRecord.id.not_in(replaced.scalar_subquery())
