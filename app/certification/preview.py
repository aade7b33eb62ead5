"""What a refresh would change, before anything is written: after a deploy that changes the
program (a new requirement, a new module), say how many people change status and why."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select

from ..course.model import Course
from ..extensions import db
from ..models import Role, User
from ..models import Standing as StoredStanding
from ..people.roster import effective_status
from .records import BATCH, load_records
from .status import Status, standing


def status_changes(course: Course, now: datetime) -> Counter:
    """(stored status, new status, why) -> how many trainees; nothing is written."""
    stored = dict(
        db.session.execute(
            select(User.id, effective_status(now))
            .select_from(User)
            .outerjoin(StoredStanding, StoredStanding.user_id == User.id)
            .where(User.role == Role.TRAINEE.value)
        ).all()
    )
    changes: Counter = Counter()
    ids = sorted(stored)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        records = load_records(batch)
        for user_id in batch:
            new = standing(course.program, course, records[user_id], now)
            if new.status.value != stored[user_id]:
                changes[(stored[user_id], new.status.value, _why(new))] += 1
    return changes


def _why(new) -> str:
    if new.status in (Status.IN_TRAINING, Status.NOT_STARTED, Status.EXPIRED):
        missing = [item.title for item in new.requirements if not item.done and item.kind != "sign_off"]
        return (
            "not done: " + "; ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
            if missing
            else "lapsed"
        )
    if new.lapsing_requirements:
        return "ends early: " + "; ".join(new.lapsing_requirements)
    if new.renewal_requirements:
        return "to do again: " + "; ".join(new.renewal_requirements)
    if new.renewal_modules:
        return "changed modules to revisit: " + ", ".join(new.renewal_modules)
    return "records now complete" if new.status == Status.AWAITING_REVIEW else new.status.value
