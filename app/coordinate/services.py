"""Queries behind the coordinator pages other than the trainee list (app/people/roster.py):
cohorts and their funnels, names for logs, the latest records for the CSV export."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache

from sqlalchemy import (
    func,
    select,
)

from ..database import core_rows
from ..extensions import db
from ..models import (
    Cohort,
    RequirementRecord,
    Role,
    SessionSignup,
    Standing,
    TrainingSession,
    User,
    current_requirement_records,
)
from ..people.roster import effective_status


def cohort_choices() -> list:
    """(id, name) of every cohort, for the list's filter."""
    return core_rows(_cohort_choices_statement())


@cache
def _cohort_choices_statement():
    return select(Cohort.id, Cohort.name).order_by(Cohort.name)


def cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.name)))


# How far along the path each status is, for a cumulative funnel: a certified trainee
# also counts as having registered, trained and been reviewed.
FUNNEL_STAGE = {
    "not_started": 0,
    "in_training": 1,
    "revoked": 1,
    "awaiting_review": 2,
    "certified": 3,
    "renewal_due": 3,
    "expired": 3,
}
FUNNEL = ("registered", "in_training", "awaiting_review", "certified")


def cohort_funnels(now: datetime) -> dict[int, dict[str, int]]:
    """Per cohort, how many reached each stage: registered → in training → awaiting review → certified."""
    status = effective_status(now)
    rows = db.session.execute(
        select(User.cohort_id, status.label("status"), func.count())
        .select_from(User)
        .outerjoin(Standing, Standing.user_id == User.id)
        .where(User.role == Role.TRAINEE.value, User.cohort_id.is_not(None))
        .group_by(User.cohort_id, status)
    ).all()
    funnels: dict[int, dict[str, int]] = {}
    for cohort_id, state, count in rows:
        funnel = funnels.setdefault(cohort_id, dict.fromkeys(FUNNEL, 0))
        for stage in FUNNEL[: FUNNEL_STAGE.get(state, 0) + 1]:
            funnel[stage] += count
    return funnels


class CohortNameTaken(Exception):
    """A cohort's name differs from an existing one only by case (security review I6)."""


def create_cohort(name: str) -> Cohort:
    name = name.strip()
    if db.session.scalar(select(Cohort.id).where(func.lower(Cohort.name) == name.lower())):
        raise CohortNameTaken(name)
    cohort = Cohort(name=name, invite_code=secrets.token_urlsafe(16))
    db.session.add(cohort)
    db.session.flush()
    return cohort


def names_of(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())


def latest_requirement_dates() -> dict[tuple[int, str], datetime]:
    """The latest recorded date of each requirement for each trainee, for the CSV export."""
    rows = db.session.execute(
        select(
            RequirementRecord.user_id,
            RequirementRecord.requirement_id,
            func.max(RequirementRecord.completed_on),
        )
        .where(current_requirement_records())
        .group_by(RequirementRecord.user_id, RequirementRecord.requirement_id)
    ).all()
    return {(user_id, requirement_id): on for user_id, requirement_id, on in rows}


def latest_sessions_attended() -> dict[int, datetime]:
    """When each trainee last attended a live session, for requirements that count session hours."""
    rows = db.session.execute(
        select(SessionSignup.user_id, func.max(TrainingSession.starts_at))
        .join(TrainingSession, TrainingSession.id == SessionSignup.session_id)
        .where(SessionSignup.attended.is_(True))
        .group_by(SessionSignup.user_id)
    ).all()
    return dict(rows)
