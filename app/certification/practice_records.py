"""Every trainee's practice records at once, for the CSV: counted typed replies with their scores,
and the current records of observed practice and of the acknowledgement. Two statements whatever
the number of trainees; the learner pages and the API read the same facts through records.py."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select

from ..course.model import Program
from ..extensions import db
from ..models import (
    ReplyScore,
    RequirementRecord,
    ScenarioRun,
    ScenarioStep,
    counted_runs,
    current_requirement_records,
)
from .status import PracticeSummary, Records, ReviewedReply, practice_summary
from .status import RequirementRecord as RecordedRequirement


def practice_summaries(program: Program, now: datetime) -> dict[int, PracticeSummary]:
    """user id -> their practice summary, for every trainee who has a practice record; the others
    have ``empty_summary``."""
    replies: dict[int, list[ReviewedReply]] = defaultdict(list)
    if program.reply_review and program.scenarios:
        rows = db.session.execute(
            select(ScenarioRun.user_id, ScenarioRun.scenario_id, ReplyScore.scores)
            .join(ScenarioStep, ScenarioStep.run_id == ScenarioRun.id)
            .outerjoin(ReplyScore, ReplyScore.step_id == ScenarioStep.id)
            .where(
                counted_runs([s.scenario_id for s in program.scenarios]).whereclause,
                ScenarioStep.reply.is_not(None),
                func.trim(ScenarioStep.reply) != "",
            )
        )
        for user_id, scenario_id, scores in rows:
            replies[user_id].append(
                ReviewedReply(scenario_id, tuple(scores.values()) if scores is not None else None)
            )
    recorded: dict[int, list[RecordedRequirement]] = defaultdict(list)
    ids = [r.id for r in program.requirements if r.pass_total is not None or r.kind == "acknowledge"]
    if ids:
        rows = db.session.execute(
            select(
                RequirementRecord.user_id,
                RequirementRecord.requirement_id,
                RequirementRecord.completed_on,
                RequirementRecord.scores,
                RequirementRecord.version,
            ).where(current_requirement_records(), RequirementRecord.requirement_id.in_(ids))
        )
        for user_id, requirement_id, on, scores, version in rows:
            total = sum(scores.values()) if scores else None
            recorded[user_id].append(RecordedRequirement(requirement_id, on, None, total, version))
    return {
        user_id: practice_summary(
            program,
            Records(
                replies=tuple(replies.get(user_id, ())), requirement_records=tuple(recorded.get(user_id, ()))
            ),
            now,
        )
        for user_id in replies.keys() | recorded.keys()
    }


def empty_summary(program: Program, now: datetime) -> PracticeSummary:
    """The summary of a trainee with no practice record yet."""
    return practice_summary(program, Records(), now)
