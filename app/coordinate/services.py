"""Queries behind the coordinator pages: a constant number of SQL statements per page,
however many trainees there are."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, literal, or_, select

from ..extensions import db
from ..models import Cohort, RequirementRecord, Role, SessionSignup, Standing, TrainingSession, User

PAGE_SIZE = 50
STALLED_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class MentorFilter:
    q: str = ""
    status: str = ""
    cohort_id: int | None = None
    stalled: bool = False
    sort: str = "name"
    descending: bool = False
    page: int = 1


def effective_status(now: datetime):
    """The stored status moved on by time: a certificate's renewal window and expiry come by themselves."""
    return case(
        (Standing.status.is_(None), literal("not_started")),
        (
            and_(Standing.status.in_(["certified", "renewal_due"]), Standing.expires_at <= now),
            literal("expired"),
        ),
        (and_(Standing.status == "certified", Standing.renewal_opens_at <= now), literal("renewal_due")),
        else_=Standing.status,
    )


def status_is(status: str, now: datetime):
    """``effective_status(now) == status``, written so the database can use the status index."""
    expired_by_time = and_(Standing.status.in_(["certified", "renewal_due"]), Standing.expires_at <= now)
    still_valid = or_(Standing.expires_at.is_(None), Standing.expires_at > now)
    if status == "expired":
        return or_(Standing.status == "expired", expired_by_time)
    if status == "renewal_due":
        return and_(
            still_valid,
            or_(
                Standing.status == "renewal_due",
                and_(Standing.status == "certified", Standing.renewal_opens_at <= now),
            ),
        )
    if status == "certified":
        return and_(
            Standing.status == "certified",
            still_valid,
            or_(Standing.renewal_opens_at.is_(None), Standing.renewal_opens_at > now),
        )
    return Standing.status == status  # the others do not change with time


def trainee_query(filters: MentorFilter, now: datetime):
    """Trainees with their stored standing and cohort, filtered; shared by the list, the CSV and the API."""
    status = effective_status(now).label("status")
    query = (
        select(
            User.id,
            User.name,
            User.email,
            User.last_activity_at,
            Cohort.name.label("cohort"),
            status,
            func.coalesce(Standing.progress, 0).label("progress"),
            Standing.quizzes_passed,
            Standing.quiz_best_mean,
            Standing.scenarios_passed,
            Standing.scenario_best_mean,
            Standing.certified_at,
            Standing.expires_at,
        )
        .select_from(User)
        # Every trainee has a stored standing once refresh_stale has run, as every reader of
        # this query does first; an inner join lets the standings indexes serve the sorts.
        .join(Standing, Standing.user_id == User.id)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
    )
    return _filtered(query, filters, now)


def _filtered(query, filters: MentorFilter, now: datetime):
    """The list's filters, shared by the rows and the count."""
    # A deactivated account is no longer a mentor in training, nor one to match.
    query = query.where(User.role == Role.TRAINEE.value, User.deactivated_at.is_(None))
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    if filters.status:
        query = query.where(status_is(filters.status, now))
    if filters.cohort_id:
        query = query.where(User.cohort_id == filters.cohort_id)
    if filters.stalled:
        # Stalled: started but not finished, and nothing done for two weeks.
        query = query.where(
            User.last_activity_at < now - STALLED_AFTER,
            Standing.status.in_(["in_training", "not_started"]),  # neither changes with time
        )
    return query


# (column, may it be NULL): NULLS LAST only where it can matter, so the name and email sorts can
# walk an index and stop after one page instead of sorting every trainee.
SORT_COLUMNS = {
    "name": (lambda: func.lower(User.name), False),
    "email": (lambda: User.email, False),
    "status": (lambda: Standing.status, True),
    "progress": (lambda: Standing.progress, True),
    # Never active yet: placed by when they registered, so the column has no gaps to sort around.
    "activity": (lambda: func.coalesce(User.last_activity_at, User.created_at), False),
    "quiz": (lambda: Standing.quiz_best_mean, True),
    "scenario": (lambda: Standing.scenario_best_mean, True),
}


def _ordering(filters: MentorFilter):
    make, nullable = SORT_COLUMNS.get(filters.sort, SORT_COLUMNS["name"])
    column = make()
    ordered = column.desc() if filters.descending else column.asc()
    tie = User.id.desc() if filters.descending else User.id.asc()
    return (ordered.nulls_last() if nullable else ordered), tie


def mentor_page(filters: MentorFilter, now: datetime) -> tuple[list, int]:
    """One page of trainees and the total that match: two statements."""
    total = db.session.scalar(_count_query(filters, now)) or 0
    rows = db.session.execute(
        trainee_query(filters, now)
        .order_by(*_ordering(filters))
        .limit(PAGE_SIZE)
        .offset((filters.page - 1) * PAGE_SIZE)
    ).all()
    return rows, total


def _count_query(filters: MentorFilter, now: datetime):
    """How many match, joining standings only when a filter reads them."""
    query = select(func.count(User.id)).select_from(User)
    if filters.status or filters.stalled:
        query = query.join(Standing, Standing.user_id == User.id)
    return _filtered(query, filters, now)


def mentor_rows(filters: MentorFilter, now: datetime) -> Iterator:
    """Every matching trainee, streamed in order, for the CSV export."""
    result = db.session.execute(
        trainee_query(filters, now).order_by(*_ordering(filters)).execution_options(yield_per=1000)
    )
    yield from result


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


def create_cohort(name: str) -> Cohort:
    cohort = Cohort(name=name.strip(), invite_code=secrets.token_urlsafe(16))
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
        ).group_by(RequirementRecord.user_id, RequirementRecord.requirement_id)
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
