"""Live-training hours as the certification checklist counts them, for many trainees at once: the
coordinator list's page, the mentors CSV and the mentor's page. Only the two kinds of record the
hours come from are read (a coordinator's records and sessions attended): for a page, one
statement per batch of trainees; for everyone, two statements; never a trainee's whole record."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, select, union_all

from ..certification.checklist import counted_hours, in_force
from ..certification.facts import Records, RequirementRecord
from ..certification.records import BATCH, KIND_BY_NAME
from ..course.model import Program, ProgramRequirement
from ..database import core_rows
from ..extensions import db
from ..models import RequirementRecord as RecordedRow
from ..models import SessionSignup, TrainingSession, current_requirement_records


def live_requirement(program: Program, now: datetime) -> ProgramRequirement | None:
    """The requirement that counts hours at PeerPath's live sessions (``from_sessions``), if any."""
    return next((r for r in in_force(program.requirements, now) if r.from_sessions and r.hours), None)


def hours_of(program: Program, user_ids: Iterable[int], now: datetime) -> dict[int, float]:
    """Each trainee's live-training hours; empty when the programme has no such requirement."""
    required = live_requirement(program, now)
    ids = list(user_ids)
    if required is None or not ids:
        return {}
    found: dict[int, list[RequirementRecord]] = defaultdict(list)
    for start in range(0, len(ids), BATCH):
        for row in core_rows(_statement(), user_ids=ids[start : start + BATCH]):
            read = KIND_BY_NAME[row.kind].read(row)
            if row.kind == "session":  # attended: the session's length counts, as in the checklist
                found[row.user_id].append(RequirementRecord(required.id, read.at, read.minutes / 60))
            else:
                found[row.user_id].append(RequirementRecord(read.requirement_id, read.at, read.hours))
    return {user_id: counted_hours(required, found[user_id], now) for user_id in ids}


def hours_in(program: Program, records: Records, now: datetime) -> float | None:
    """One trainee's live-training hours from their records already read; None when not counted."""
    required = live_requirement(program, now)
    if required is None:
        return None
    attended = tuple(RequirementRecord(required.id, on, hours) for on, hours in records.sessions_attended)
    return counted_hours(required, records.requirement_records + attended, now)


def everyones_hours(program: Program, now: datetime) -> dict[int, float]:
    """Every trainee's live-training hours in two statements, whatever their number (the CSV):
    the same records the checklist reads (records.KINDS: current records, sessions attended)."""
    required = live_requirement(program, now)
    if required is None:
        return {}
    found: dict[int, list[RequirementRecord]] = defaultdict(list)
    recorded = select(RecordedRow.user_id, RecordedRow.completed_on, RecordedRow.hours).where(
        RecordedRow.requirement_id == required.id, current_requirement_records()
    )
    for user_id, on, hours in db.session.execute(recorded):
        found[user_id].append(RequirementRecord(required.id, on, hours))
    attended = (
        select(SessionSignup.user_id, TrainingSession.starts_at, TrainingSession.duration_minutes)
        .join(TrainingSession, TrainingSession.id == SessionSignup.session_id)
        .where(SessionSignup.attended.is_(True))
    )
    for user_id, at, minutes in db.session.execute(attended):
        found[user_id].append(RequirementRecord(required.id, at, minutes / 60))
    return {user_id: counted_hours(required, records, now) for user_id, records in found.items()}


@cache
def _statement():
    user_ids = bindparam("user_ids", expanding=True)
    return union_all(*(KIND_BY_NAME[kind].branch(user_ids) for kind in ("requirement", "session")))


def hours_text(hours: float | None) -> str:
    """Hours as a person writes them: 2, 1.5."""
    return "" if hours is None else f"{hours:g}"
