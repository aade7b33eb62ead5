"""Observed practice: a coordinator records that they (or a named observer) watched a trainee
practise, with a score per criterion of the requirement's rubric. The record is an ordinary
requirement record (append-only, corrected or voided like any other) that carries the observer
and the scores; whether it passes is computed from the scores, never stored."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from ..certification.standings import mark_stale
from ..course.model import ProgramRequirement
from ..course.practice import SCALE, Rubric
from ..extensions import db
from ..models import RequirementRecord, utcnow
from ..people import audit


class Result(NamedTuple):
    """An observation's outcome as the mentor page shows it."""

    total: int
    maximum: int
    passed: bool
    needs: int  # the pass total


def result(requirement: ProgramRequirement, rubric: Rubric, scores: dict | None) -> Result:
    """The total of the rubric's criteria in ``scores`` against the requirement's pass total. A
    criterion missing from the record (the rubric gained one since) counts as 0."""
    total = sum(int((scores or {}).get(c.id) or 0) for c in rubric.criteria)
    needs = requirement.pass_total or rubric.maximum
    return Result(total, rubric.maximum, total >= needs, needs)


def record_observation(
    user_id: int,
    requirement: ProgramRequirement,
    rubric: Rubric,
    observed_on: datetime,
    observer: str,
    scores: dict[str, int],
    note: str | None,
    actor_id: int,
) -> RequirementRecord:
    """Store one observation (scores for every criterion of ``rubric``, on the scale), audited;
    the trainee's standing is recomputed before a list reads it."""
    if set(scores) != {c.id for c in rubric.criteria} or any(v not in SCALE for v in scores.values()):
        raise ValueError("a score for every criterion of the rubric, each on the scale")
    record = RequirementRecord(
        user_id=user_id,
        requirement_id=requirement.id,
        completed_on=observed_on,
        note=note,
        observer=observer,
        scores=dict(scores),
        recorded_by=actor_id,
        recorded_at=utcnow(),
    )
    db.session.add(record)
    db.session.flush()
    outcome = result(requirement, rubric, scores)
    audit.record(
        "practice.observed",
        "user",
        user_id,
        actor_id,
        requirement=requirement.id,
        on=observed_on.date().isoformat(),
        rubric=rubric.id,
        scores=dict(scores),
        total=outcome.total,
        passed=outcome.passed,
    )
    mark_stale([user_id])
    return record
