"""Quiz attempts: the draw a trainee was shown, what they answered, and the grade."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class QuizAttempt(Base):
    """One attempt; open until submitted, then graded exactly once."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        Index("ix_quiz_attempts_user_id_quiz_id", "user_id", "quiz_id"),
        Index("ix_quiz_attempts_quiz_id", "quiz_id"),
        # At most one open attempt per trainee and quiz, even when two "start" clicks race.
        Index(
            "uq_quiz_attempts_one_open",
            "user_id",
            "quiz_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[int] = mapped_column(Integer)
    content_version: Mapped[str | None] = mapped_column(String(40))  # git commit or file hash of the course
    draw: Mapped[list] = mapped_column(JSON)  # [{"question": id, "options": [ids in shown order]}]
    answers: Mapped[dict | None] = mapped_column(JSON)  # {question id: [option ids]}; saved drafts too
    credits: Mapped[dict | None] = mapped_column(JSON)  # {question id: 0..1}, set when graded
    score: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None
