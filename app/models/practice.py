"""A coordinator's scores for a trainee's typed role-play reply, on the rubric the program names.

A reply is scored once: the step it scores is unique, so two coordinators scoring at the same
moment record one score and the second is told it is done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, exists, func, select
from sqlalchemy.orm import Mapped, aliased, mapped_column

from .base import Base, UTCDateTime, utcnow
from .scenario import ScenarioRun, ScenarioStep


class ReplyScore(Base):
    __tablename__ = "reply_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("scenario_steps.id", ondelete="CASCADE"), unique=True)
    # Kept beside the step so the trainee's feedback and the queue read without the run.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rubric_id: Mapped[str] = mapped_column(String(64))
    scores: Mapped[dict] = mapped_column(JSON)  # criterion id -> 0, 1 or 2
    comment: Mapped[str | None] = mapped_column(Text)
    scored_by: Mapped[int | None] = mapped_column(Integer)  # a staff user id (kept if they leave)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReplyAwaitingReview(Base):
    """A counted typed reply nobody has scored yet: the coordinators' queue, kept as rows so the
    queue and its count read an index instead of working out every trainee's latest passing run
    on each request (docs/performance.md, "Reply queue"). A run that passes queues its replies and
    drops the unscored ones of the trainee's earlier pass of that role-play; scoring removes the
    row. Every passing run is queued; the queue shows the role-plays the program requires."""

    __tablename__ = "replies_awaiting_review"
    __table_args__ = (Index("ix_replies_awaiting_review_chosen_at_step_id", "chosen_at", "step_id"),)

    step_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_steps.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(64))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)


def counted_runs(scenario_ids):
    """Each trainee's most recent passing run of each of ``scenario_ids``: the run whose typed
    replies are reviewed. Earlier runs were practice; a later pass replaces it (ids grow with
    time, so the highest id is the latest)."""
    later = aliased(ScenarioRun)
    return select(ScenarioRun.id).where(
        ScenarioRun.passed.is_(True),
        ScenarioRun.scenario_id.in_(tuple(scenario_ids)),
        ~exists().where(
            later.user_id == ScenarioRun.user_id,
            later.scenario_id == ScenarioRun.scenario_id,
            later.passed.is_(True),
            later.id > ScenarioRun.id,
        ),
    )


def counted_replies(scenario_ids):
    """The typed replies a coordinator reviews: every non-blank reply in the counted runs."""
    return select(ScenarioStep).where(
        ScenarioStep.run_id.in_(counted_runs(scenario_ids).scalar_subquery()),
        ScenarioStep.reply.is_not(None),
        func.trim(ScenarioStep.reply) != "",
    )
