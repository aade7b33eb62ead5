"""A trainee's confirmation that they have read the programme's safeguarding procedure: a
requirement record they make themselves, carrying the version of the procedure they read, so a
changed procedure asks them again (the checklist compares versions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..certification.standings import mark_stale
from ..course.model import Program, ProgramRequirement
from ..extensions import db
from ..models import RequirementRecord, current_requirement_records, utcnow
from ..people import audit


@dataclass(frozen=True)
class Acknowledgement:
    """What the safeguarding page says about the trainee's latest confirmation."""

    requirement: ProgramRequirement
    acknowledged_at: datetime | None  # None: never confirmed
    current: bool  # they confirmed the version the programme has now


def acknowledge_requirement(program: Program) -> ProgramRequirement | None:
    """The ``kind: acknowledge`` requirement, when the programme has one and a procedure to read."""
    if program.safeguarding is None:
        return None
    return next((r for r in program.requirements if r.kind == "acknowledge"), None)


def latest(user_id: int, requirement_id: str) -> RequirementRecord | None:
    """The trainee's most recent current (neither voided nor corrected) acknowledgement."""
    return db.session.scalar(
        select(RequirementRecord)
        .where(
            RequirementRecord.user_id == user_id,
            RequirementRecord.requirement_id == requirement_id,
            current_requirement_records(),
        )
        .order_by(RequirementRecord.recorded_at.desc(), RequirementRecord.id.desc())
        .limit(1)
    )


def acknowledgement_of(user_id: int, program: Program) -> Acknowledgement | None:
    """None when the programme asks for no acknowledgement."""
    requirement = acknowledge_requirement(program)
    if requirement is None:
        return None
    record = latest(user_id, requirement.id)
    if record is None:
        return Acknowledgement(requirement, None, False)
    return Acknowledgement(requirement, record.recorded_at, record.version == program.safeguarding.version)


def acknowledge(user_id: int, program: Program) -> RequirementRecord | None:
    """Record that the trainee has read the current procedure; flushes, the view commits.

    A second confirmation of the same version (a double click, a second tab) records nothing
    more: the record already says it. Returns None when there is nothing to acknowledge."""
    requirement = acknowledge_requirement(program)
    if requirement is None:
        return None
    version = program.safeguarding.version
    existing = latest(user_id, requirement.id)
    if existing is not None and existing.version == version:
        return existing
    now = utcnow()
    record = RequirementRecord(
        user_id=user_id,
        requirement_id=requirement.id,
        completed_on=now.replace(hour=0, minute=0, second=0, microsecond=0),
        recorded_by=user_id,  # the trainee records this themselves
        recorded_at=now,
        version=version,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        "practice.acknowledged", "user", user_id, user_id, requirement=requirement.id, version=version
    )
    mark_stale([user_id])
    return record
