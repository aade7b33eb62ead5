"""What a trainee sees of their coordinator's review of their typed role-play replies: each
score in words, with what the rubric says that score means, and the coordinator's comment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import aliased

from ..course.model import Course, Program
from ..course.practice import SCALE_LABELS, Rubric
from ..database import core_rows
from ..extensions import db
from ..models import ReplyScore, ScenarioRun, ScenarioStep

LATEST = 5  # the dashboard lists this many of the most recent reviews


@dataclass(frozen=True)
class CriterionScore:
    title: str
    score: int
    label: str  # Strong, Adequate or Weak
    meaning: str  # the rubric's descriptor for that score; empty if the rubric no longer has it


@dataclass(frozen=True)
class ReplyFeedback:
    rubric_title: str
    scores: tuple[CriterionScore, ...]
    comment: str
    scored_at: datetime

    @property
    def mean(self) -> float:
        return mean_of(s.score for s in self.scores)


@dataclass(frozen=True)
class RunFeedback:
    """The reviews of one run's typed replies, by step id. ``reviewed``: the run is the one whose
    replies the coordinator reviews (the latest pass of a required role-play), so a reply without
    a score is waiting for them; other runs were practice and are never queued."""

    reviewed: bool
    by_step: dict[int, ReplyFeedback]


@dataclass(frozen=True)
class FeedbackLine:
    """A row of the dashboard's "Feedback from your coordinator"."""

    run_id: int
    scenario_id: str
    scenario_title: str
    scored_at: datetime
    mean: float


def mean_of(scores: Iterable[int]) -> float:
    scores = list(scores)
    return sum(scores) / len(scores) if scores else 0.0


def reply_feedback(rubric: Rubric | None, scores: dict, comment: str | None, at: datetime) -> ReplyFeedback:
    """A stored score in words. A criterion the rubric no longer has still shows, by its id, so
    the trainee sees every score the coordinator gave."""
    criteria = {c.id: c for c in rubric.criteria} if rubric else {}
    order = [c.id for c in rubric.criteria if c.id in scores] if rubric else []
    order += [key for key in scores if key not in criteria]
    shown = []
    for key in order:
        score = int(scores[key])
        criterion = criteria.get(key)
        shown.append(
            CriterionScore(
                criterion.title if criterion else key,
                score,
                SCALE_LABELS.get(score, str(score)),
                criterion.description(score) if criterion and score in SCALE_LABELS else "",
            )
        )
    return ReplyFeedback(rubric.title if rubric else "", tuple(shown), comment or "", at)


def run_feedback(run: ScenarioRun, program: Program) -> RunFeedback | None:
    """The scores on ``run``'s typed replies; None when the programme does not review replies."""
    if program.reply_review is None:
        return None
    step_ids = [step.id for step in run.steps if step.reply and step.reply.strip()]
    stored = (
        db.session.scalars(select(ReplyScore).where(ReplyScore.step_id.in_(step_ids))).all()
        if step_ids
        else []
    )
    rubrics = program.rubric_by_id
    by_step = {
        s.step_id: reply_feedback(rubrics.get(s.rubric_id), s.scores, s.comment, s.scored_at) for s in stored
    }
    required = {s.scenario_id for s in program.scenarios}
    reviewed = bool(step_ids) and run.scenario_id in required and bool(run.passed) and not _passed_later(run)
    return RunFeedback(reviewed, by_step)


def _passed_later(run: ScenarioRun) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    ScenarioRun.user_id == run.user_id,
                    ScenarioRun.scenario_id == run.scenario_id,
                    ScenarioRun.passed.is_(True),
                    ScenarioRun.id > run.id,
                )
            )
        )
    )


def runs_with_feedback(run_ids: list[int]) -> set[int]:
    """Which of these runs have at least one reviewed reply (the role-play's list of runs)."""
    if not run_ids:
        return set()
    return set(
        db.session.scalars(
            select(ScenarioStep.run_id)
            .join(ReplyScore, ReplyScore.step_id == ScenarioStep.id)
            .where(ScenarioStep.run_id.in_(run_ids))
            .distinct()
        )
    )


@cache
def _latest_statement():
    # Built once, bound by name: the dashboard is a hot path (docs/performance.md).
    step = aliased(ScenarioStep)
    run = aliased(ScenarioRun)
    return (
        select(run.id, run.scenario_id, ReplyScore.scored_at, ReplyScore.scores)
        .join(step, step.id == ReplyScore.step_id)
        .join(run, run.id == step.run_id)
        .where(ReplyScore.user_id == bindparam("user_id"))
        .order_by(ReplyScore.scored_at.desc(), ReplyScore.id.desc())
        .limit(LATEST)
    )


def latest_feedback(user_id: int, course: Course) -> list[FeedbackLine]:
    """The trainee's most recently reviewed replies, newest first, in one small statement; none
    (and no statement) when the programme does not review replies."""
    if course.program is None or course.program.reply_review is None:
        return []
    titles = {s.id: s.title for s in course.scenarios}
    return [
        FeedbackLine(run_id, scenario_id, titles.get(scenario_id, scenario_id), at, mean_of(scores.values()))
        for run_id, scenario_id, at, scores in core_rows(_latest_statement(), user_id=user_id)
    ]
