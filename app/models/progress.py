"""What a trainee has done with the modules, keyed by stable content ids."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class SectionView(Base):
    """A section a trainee has read: recorded once, when they first moved on from it after
    long enough to read it (see the program's pacing)."""

    __tablename__ = "section_views"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    section_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[int] = mapped_column(Integer)
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seconds_read: Mapped[int | None] = mapped_column(Integer)  # how long it was open; None without pacing


class ReadingPosition(Base):
    """The page a trainee opened last, and when: moving on from it is judged against this.

    Only the latest page counts, so opening every section at once and waiting reads none of them.
    """

    __tablename__ = "reading_positions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64))
    section_id: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RushedSection(Base):
    """A move on from a section too soon for it to count as read, kept for the integrity summary."""

    __tablename__ = "rushed_sections"
    __table_args__ = (Index("ix_rushed_sections_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    section_id: Mapped[str] = mapped_column(String(64))
    seconds_open: Mapped[int] = mapped_column(Integer)
    seconds_needed: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reflection(Base):
    """A trainee's private answer to a ``reflect`` prompt; only its author may read it."""

    __tablename__ = "reflections"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "prompt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    prompt_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
