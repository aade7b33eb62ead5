"""Role-play runs: every step a trainee took through a scenario, kept as it happened."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class ScenarioRun(Base):
    """One play-through; open until it reaches an ending. Every run is kept; the best counts."""

    __tablename__ = "scenario_runs"
    __table_args__ = (
        Index("ix_scenario_runs_user_id_scenario_id", "user_id", "scenario_id"),
        # At most one unfinished run per trainee and scenario, even when two first clicks race.
        Index(
            "uq_scenario_runs_one_open",
            "user_id",
            "scenario_id",
            unique=True,
            sqlite_where=text("finished_at IS NULL"),
            postgresql_where=text("finished_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scenario_id: Mapped[str] = mapped_column(String(64))
    module_version: Mapped[int] = mapped_column(Integer)
    content_version: Mapped[str | None] = mapped_column(String(40))  # git commit or file hash of the course
    current_node: Mapped[str] = mapped_column(String(64))
    # A typed reply waits here until the trainee picks the choice it goes with.
    pending_reply: Mapped[str | None] = mapped_column(Text)
    points: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[int | None] = mapped_column(Integer)  # percent of the best reachable, when finished
    passed: Mapped[bool | None] = mapped_column(Boolean)
    ending: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    steps: Mapped[list[ScenarioStep]] = relationship(
        back_populates="run", order_by="ScenarioStep.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class ScenarioStep(Base):
    """One turn: at ``node_id`` the trainee chose ``choice_id`` (after typing ``reply``, if asked)."""

    __tablename__ = "scenario_steps"
    __table_args__ = (UniqueConstraint("run_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scenario_runs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 0 for the first decision
    node_id: Mapped[str] = mapped_column(String(64))
    choice_id: Mapped[str] = mapped_column(String(64))
    reply: Mapped[str | None] = mapped_column(Text)
    points: Mapped[int] = mapped_column(Integer)
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    run: Mapped[ScenarioRun] = relationship(back_populates="steps")
