"""Role-play runs in the database, step by step. Functions flush at most; views commit."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select, text, update

from ..course import Module
from ..course.model import Choice, Pacing, Scenario
from ..database import insert_ignoring_duplicates
from ..extensions import db
from ..learning.attempts import StartCheck
from ..learning.pacing import FinishedRun, may_start_run
from ..learning.scenario_engine import run_score
from ..models import ScenarioRun, ScenarioStep, utcnow
from ..practice.replies import queue_for_review


def runs_for(user_id: int, scenario: Scenario) -> list[ScenarioRun]:
    return list(
        db.session.scalars(
            select(ScenarioRun)
            .where(ScenarioRun.user_id == user_id, ScenarioRun.scenario_id == scenario.id)
            .order_by(ScenarioRun.started_at, ScenarioRun.id)
        )
    )


def taken_choices(scenario: Scenario, steps) -> list[Choice]:
    """The choices behind a run's steps that still exist in the content."""
    found = []
    for step in steps:
        node = scenario.nodes.get(step.node_id)
        choice = node.choice_by_id.get(step.choice_id) if node else None
        if choice is not None:
            found.append(choice)
    return found


def start_check(
    user_id: int, scenario: Scenario, pacing: Pacing, now: datetime, runs: list[ScenarioRun] | None = None
) -> StartCheck:
    """Whether the trainee may start a new run now, under the program's role-play pacing."""
    runs = runs_for(user_id, scenario) if runs is None else runs
    return may_start_run(pacing, [FinishedRun(r.started_at, r.finished_at, r.passed) for r in runs], now)


def open_run(user_id: int, scenario: Scenario) -> ScenarioRun | None:
    return db.session.scalars(
        select(ScenarioRun).where(
            ScenarioRun.user_id == user_id,
            ScenarioRun.scenario_id == scenario.id,
            ScenarioRun.finished_at.is_(None),
        )
    ).one_or_none()


def start_run(user_id: int, scenario: Scenario, module: Module, content_version: str) -> ScenarioRun:
    """Open a run at the start node, or return the one already open."""
    db.session.execute(
        insert_ignoring_duplicates(
            ScenarioRun,
            dict(
                user_id=user_id,
                scenario_id=scenario.id,
                module_version=module.version,
                content_version=content_version,
                current_node=scenario.start,
                points=0,
                started_at=utcnow(),
            ),
            unique=["user_id", "scenario_id"],
            where=text("finished_at IS NULL"),
        )
    )
    run = open_run(user_id, scenario)
    assert run is not None  # the insert above or a concurrent one created it
    return run


def keep_reply(run: ScenarioRun, node_id: str, reply: str) -> bool:
    """Hold the trainee's typed reply for this node until they choose; False if the run moved on."""
    result = db.session.execute(
        update(ScenarioRun)
        .where(
            ScenarioRun.id == run.id, ScenarioRun.current_node == node_id, ScenarioRun.finished_at.is_(None)
        )
        .values(pending_reply=reply)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def choose(run: ScenarioRun, scenario: Scenario, position: int, choice: Choice) -> bool:
    """Record one turn and move the run on; False if this turn was already taken.

    The step's unique (run, position) lets exactly one of two racing submissions in;
    the loser changes nothing, so going back and choosing again is impossible.
    """
    node_id = run.current_node
    inserted = db.session.execute(
        insert_ignoring_duplicates(
            ScenarioStep,
            dict(
                run_id=run.id,
                position=position,
                node_id=node_id,
                choice_id=choice.id,
                reply=run.pending_reply,
                points=choice.points,
                chosen_at=utcnow(),
            ),
            unique=["run_id", "position"],
        ).returning(ScenarioStep.id)
    )
    # RETURNING, not rowcount: an ORM-enabled INSERT reports rowcount -1 on some drivers.
    if inserted.first() is None:
        return False
    target = scenario.nodes[choice.to]
    values: dict = dict(current_node=target.id, points=ScenarioRun.points + choice.points, pending_reply=None)
    if target.ending:
        total = run.points + choice.points
        score = run_score(scenario, total)
        failed_critically = choice.critical or any(c.critical for c in taken_choices(scenario, run.steps))
        values |= dict(
            finished_at=utcnow(),
            ending=target.id,
            score=score,
            passed=score >= scenario.pass_score and not failed_critically,
        )
    db.session.execute(
        update(ScenarioRun)
        .where(ScenarioRun.id == run.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if values.get("passed"):
        queue_for_review(run, current_app.extensions["course"].program)
    db.session.expire(run)
    return True
