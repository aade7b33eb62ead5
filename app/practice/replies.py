"""Coordinators' review of typed role-play replies: the queue of counted replies nobody has
scored yet, one reply with what the trainee saw and chose, and the score itself.

Which replies count is the models' rule (``counted_replies``: each trainee's latest passing run
of each required role-play); this module only adds "not scored yet", the filters and the page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from sqlalchemy import bindparam, delete, exists, func, insert, literal, select

from ..certification.standings import mark_stale
from ..course import Course
from ..course.model import Choice, Node, Program, Scenario
from ..course.practice import SCALE, Rubric
from ..database import core_rows, insert_ignoring_duplicates
from ..extensions import db
from ..models import (
    ReplyAwaitingReview,
    ReplyScore,
    Role,
    ScenarioRun,
    ScenarioStep,
    User,
    counted_replies,
    counted_runs,
    utcnow,
)
from ..people import audit

PAGE_SIZE = 50


class QueueFilter(NamedTuple):
    cohort_id: int | None = None
    scenario_id: str | None = None  # one of the required role-plays, or None for all
    page: int = 1


class QueueRow(NamedTuple):
    step_id: int
    node_id: str
    choice_id: str
    reply: str
    chosen_at: object
    scenario_id: str
    user_id: int
    name: str


def required_scenarios(program: Program) -> tuple[str, ...]:
    return tuple(s.scenario_id for s in program.scenarios)


@cache
def _waiting(by_cohort: bool, by_scenario: bool):
    """The queued replies (the queue holds only active trainees' replies in required role-plays).
    Built once per filter shape and bound by name, so the page runs the same SQL whatever the
    filter values."""
    statement = select(ReplyAwaitingReview.step_id).select_from(ReplyAwaitingReview)
    if by_cohort:
        statement = statement.join(User, User.id == ReplyAwaitingReview.user_id).where(
            User.cohort_id == bindparam("cohort_id")
        )
    if by_scenario:
        statement = statement.where(ReplyAwaitingReview.scenario_id == bindparam("scenario_id"))
    return statement


@cache
def _page_statement(by_cohort: bool, by_scenario: bool):
    """Oldest first: the order of the queue's own index."""
    waiting = _waiting(by_cohort, by_scenario)
    if not by_cohort:
        waiting = waiting.join(User, User.id == ReplyAwaitingReview.user_id)
    return (
        waiting.join(ScenarioStep, ScenarioStep.id == ReplyAwaitingReview.step_id)
        .with_only_columns(
            ScenarioStep.id,
            ScenarioStep.node_id,
            ScenarioStep.choice_id,
            ScenarioStep.reply,
            ScenarioStep.chosen_at,
            ReplyAwaitingReview.scenario_id,
            User.id,
            User.name,
        )
        .order_by(ReplyAwaitingReview.chosen_at, ReplyAwaitingReview.step_id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


@cache
def _count_statement(by_cohort: bool, by_scenario: bool):
    return _waiting(by_cohort, by_scenario).with_only_columns(func.count()).order_by(None)


def _shape(program: Program, filters: QueueFilter) -> tuple[tuple, dict]:
    params = {}
    if filters.cohort_id is not None:
        params["cohort_id"] = filters.cohort_id
    if filters.scenario_id is not None:
        params["scenario_id"] = filters.scenario_id
    shape = (filters.cohort_id is not None, filters.scenario_id is not None)
    return shape, params


def queue_page(program: Program, filters: QueueFilter) -> tuple[list[QueueRow], int]:
    """One page of the queue and how many replies wait in all (with these filters)."""
    if program.reply_review is None or not program.scenarios:
        return [], 0
    shape, params = _shape(program, filters)
    total = core_rows(_count_statement(*shape), **params)[0][0]
    offset = (max(filters.page, 1) - 1) * PAGE_SIZE
    rows = core_rows(_page_statement(*shape), limit=PAGE_SIZE, offset=offset, **params)
    return [QueueRow(*row) for row in rows], total


def waiting_count(program: Program) -> int | None:
    """How many replies wait in all, for the coordinator home; None when nothing is reviewed."""
    if program.reply_review is None or not program.scenarios:
        return None
    shape, params = _shape(program, QueueFilter())
    return core_rows(_count_statement(*shape), **params)[0][0]


def first_waiting(program: Program, filters: QueueFilter) -> int | None:
    """The oldest reply still waiting (with these filters): where a coordinator goes next."""
    if program.reply_review is None or not program.scenarios:
        return None
    shape, params = _shape(program, filters)
    rows = core_rows(_page_statement(*shape), limit=1, offset=0, **params)
    return rows[0][0] if rows else None


@dataclass(frozen=True)
class Reply:
    """One typed reply as a scorer sees it, and its score once it has one."""

    step: ScenarioStep
    trainee: User
    scenario: Scenario
    node: Node | None  # None if the course no longer has the turn
    choice: Choice | None
    score: ReplyScore | None
    scored_by: str | None  # the scorer's name


def reply_to_score(course: Course, step_id: int) -> Reply | None:
    """The reply behind ``step_id``, if it is one the programme reviews (a typed reply in a
    trainee's counted run) or one already scored; None otherwise."""
    program = course.program
    if program.reply_review is None:
        return None
    step = db.session.get(ScenarioStep, step_id)
    if step is None or not (step.reply or "").strip():
        return None
    scenario = course.scenario_by_id.get(step.run.scenario_id)
    trainee = db.session.get(User, step.run.user_id)
    if scenario is None or trainee is None or trainee.role != Role.TRAINEE.value:
        return None
    score = db.session.scalar(select(ReplyScore).where(ReplyScore.step_id == step.id))
    if score is None and not _counted(program, step):
        return None
    node = scenario.nodes.get(step.node_id)
    choice = node.choice_by_id.get(step.choice_id) if node else None
    scorer = db.session.get(User, score.scored_by) if score and score.scored_by else None
    return Reply(step, trainee, scenario, node, choice, score, scorer.name if scorer else None)


def _counted(program: Program, step: ScenarioStep) -> bool:
    counted = counted_runs(required_scenarios(program)).where(ScenarioRun.id == step.run_id)
    return db.session.scalar(select(exists(counted))) or False


class AlreadyScored(Exception):
    """Another coordinator scored the reply first; the message names them."""


def score_reply(reply: Reply, rubric: Rubric, scores: dict[str, int], comment: str | None, actor_id: int):
    """Record the scores (one per criterion of ``rubric``, on the scale), audited; the trainee's
    standing is recomputed before a list reads it. A reply is scored once: a second save, even
    one made at the same moment, inserts nothing and raises ``AlreadyScored``."""
    if set(scores) != {c.id for c in rubric.criteria} or any(v not in SCALE for v in scores.values()):
        raise ValueError("a score for every criterion of the rubric, each on the scale")
    values = {
        "step_id": reply.step.id,
        "user_id": reply.trainee.id,
        "rubric_id": rubric.id,
        "scores": scores,
        "comment": comment,
        "scored_by": actor_id,
        "scored_at": utcnow(),
    }
    inserted = db.session.scalar(
        insert_ignoring_duplicates(ReplyScore, values, ["step_id"]).returning(ReplyScore.id)
    )
    if inserted is None:
        raise AlreadyScored(_already_scored_message(reply.step.id))
    db.session.execute(delete(ReplyAwaitingReview).where(ReplyAwaitingReview.step_id == reply.step.id))
    audit.record(
        "practice.reply_scored",
        "user",
        reply.trainee.id,
        actor_id,
        step=reply.step.id,
        scenario=reply.scenario.id,
        rubric=rubric.id,
        scores=scores,
    )
    mark_stale([reply.trainee.id])
    return inserted


def _already_scored_message(step_id: int) -> str:
    row = db.session.execute(
        select(User.name)
        .join(ReplyScore, ReplyScore.scored_by == User.id)
        .where(ReplyScore.step_id == step_id)
    ).first()
    return f"Already scored by {row[0] if row else 'another coordinator'}."


def queue_for_review(run: ScenarioRun, program: Program) -> None:
    """A run has just passed: if the program reviews replies in this role-play, its typed replies
    wait for review, and the unscored replies of the trainee's earlier pass no longer do (the
    latest pass is the one that counts, models.counted_runs)."""
    if program.reply_review is None or run.scenario_id not in required_scenarios(program):
        return
    db.session.execute(
        delete(ReplyAwaitingReview).where(
            ReplyAwaitingReview.user_id == run.user_id, ReplyAwaitingReview.scenario_id == run.scenario_id
        )
    )
    typed = select(
        ScenarioStep.id, literal(run.user_id), literal(run.scenario_id), ScenarioStep.chosen_at
    ).where(
        ScenarioStep.run_id == run.id, ScenarioStep.reply.is_not(None), func.trim(ScenarioStep.reply) != ""
    )
    db.session.execute(
        insert(ReplyAwaitingReview).from_select(["step_id", "user_id", "scenario_id", "chosen_at"], typed)
    )


def rebuild_review_queue(course: Course, user_id: int | None = None) -> None:
    """The queue worked out afresh from the runs and the scores (demo data; a changed program, by
    `certification refresh --all`; a trainee deactivated, reactivated or given another role):
    every unscored reply of each active trainee's latest pass of each required role-play; for
    one person with ``user_id``."""
    mine = [ReplyAwaitingReview.user_id == user_id] if user_id is not None else []
    db.session.execute(delete(ReplyAwaitingReview).where(*mine))
    if course.program.reply_review is None or not course.program.scenarios:
        return
    counted = (
        counted_replies(required_scenarios(course.program))
        .join(ScenarioRun, ScenarioRun.id == ScenarioStep.run_id)
        .join(User, User.id == ScenarioRun.user_id)
        .where(
            User.role == Role.TRAINEE.value,
            User.deactivated_at.is_(None),
            ~exists().where(ReplyScore.step_id == ScenarioStep.id),
            *([ScenarioRun.user_id == user_id] if user_id is not None else []),
        )
        .with_only_columns(
            ScenarioStep.id, ScenarioRun.user_id, ScenarioRun.scenario_id, ScenarioStep.chosen_at
        )
    )
    db.session.execute(
        insert(ReplyAwaitingReview).from_select(["step_id", "user_id", "scenario_id", "chosen_at"], counted)
    )
