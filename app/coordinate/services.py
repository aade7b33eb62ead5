"""Queries behind the coordinator pages other than the trainee list (app/people/roster.py):
cohorts and their funnels, names for logs, the latest records for the CSV export."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import (
    and_,
    case,
    func,
    or_,
    select,
    true,
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
    utcnow,
)
from ..people import audit
from ..people.roster import MATCHABLE, matchable_now, status_is


def cohort_choices() -> list:
    """(id, name) of every cohort, for the list's filter."""
    return core_rows(_cohort_choices_statement())


@cache
def _cohort_choices_statement():
    return select(Cohort.id, Cohort.name).order_by(Cohort.name)


def cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.name)))


# A cohort's counts, in the order the table shows them. "Since it opened" counts are cumulative
# (deactivated accounts included); "now" counts are exactly what the coordinator list shows when
# filtered to the cohort and that status, so the two pages always agree.
SINCE_OPENED = ("registered", "reached_review", "ever_certified")
NOW = ("not_started", "in_training", "awaiting_review", MATCHABLE)


def cohort_funnels(now: datetime) -> dict[int, dict[str, int]]:
    """Per cohort: how many registered, reached awaiting review, were ever certified (cumulative),
    and how many are not started, in training, awaiting review and can be matched now."""
    active = User.deactivated_at.is_(None)
    counted = {
        "registered": true(),
        # Reviewed or certified at some point: certified_at stays through expiry and revocation.
        "reached_review": or_(
            Standing.certified_at.is_not(None),
            Standing.status.in_(["awaiting_review", "certified", "renewal_due", "expired"]),
        ),
        "ever_certified": Standing.certified_at.is_not(None),
        **{status: and_(active, status_is(status, now)) for status in NOW if status != MATCHABLE},
        MATCHABLE: matchable_now(now),  # the list's own filter, and the matching feed's rule
    }
    rows = db.session.execute(
        select(
            User.cohort_id,
            *(func.sum(case((condition, 1), else_=0)).label(name) for name, condition in counted.items()),
        )
        .select_from(User)
        .outerjoin(Standing, Standing.user_id == User.id)
        .where(User.role == Role.TRAINEE.value, User.cohort_id.is_not(None))
        .group_by(User.cohort_id)
    ).all()
    return {row.cohort_id: {name: int(getattr(row, name) or 0) for name in counted} for row in rows}


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


def move_trainee(mentor: User, cohort_id: int | None, actor_id: int) -> bool:
    """Put a trainee in another cohort (or none); False when they are in it already. Matching
    systems see the change, as the feed reports a mentor's cohort."""
    if mentor.cohort_id == cohort_id:
        return False
    names = dict(core_rows(_cohort_choices_statement()))
    moved = {"from": names.get(mentor.cohort_id), "to": names.get(cohort_id)}
    audit.record("cohort.trainee_moved", "user", mentor.id, actor_id, **moved)
    mentor.cohort_id = cohort_id
    mentor.account_changed_at = utcnow()
    return True


def rotate_invite(cohort: Cohort, actor_id: int) -> None:
    """A new invite link for the cohort: the old one says it is no longer valid."""
    cohort.invite_code = secrets.token_urlsafe(16)
    audit.record("cohort.invite_rotated", "cohort", cohort.id, actor_id, name=cohort.name)


def invite_end(last_day: date | None, zone: ZoneInfo) -> datetime | None:
    """The moment a link that works to the end of ``last_day`` (in the programme's zone) stops."""
    if last_day is None:
        return None
    return datetime.combine(last_day + timedelta(days=1), time(), zone).astimezone(UTC)


def set_invite_end(cohort: Cohort, last_day: date | None, zone: ZoneInfo, actor_id: int) -> None:
    """The link works to the end of ``last_day`` where the programme runs; None keeps it open."""
    cohort.invite_expires_at = invite_end(last_day, zone)
    ends = last_day.isoformat() if last_day else None
    audit.record("cohort.invite_end_set", "cohort", cohort.id, actor_id, name=cohort.name, last_day=ends)


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
