"""Mentors as a matching system reads them: current ones, and with ``since`` every change of
status or matchability after that time, departures (deactivated, erased) included.

A record is a plain dict, the same in API responses and webhook payloads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, literal, or_, select, union_all

from ..certification.checklist import practice_summary, recorded_requirements
from ..certification.facts import VALID, Status
from ..certification.records import load_records
from ..certification.status import competency_scores
from ..course import Course
from ..extensions import db
from ..models import Cohort, RemovedMentor, Role, Standing, User
from ..people.roster import effective_status, matchable_now, status_is

STATUSES = tuple(status.value for status in Status)
REMOVED = "removed"


@dataclass(frozen=True)
class Scope:
    """Whose records a token or a webhook endpoint may see: every cohort (None) or some."""

    cohort_ids: frozenset[int] | None = None

    def admits(self, cohort_id: int | None) -> bool:
        return self.cohort_ids is None or cohort_id in self.cohort_ids


EVERYONE = Scope()


@dataclass(frozen=True)
class FeedQuery:
    statuses: tuple[str, ...] = ()
    matchable: bool | None = None
    cohort_ids: tuple[int, ...] = ()
    external_id: str | None = None
    since: datetime | None = None


def mentor_columns(now: datetime):
    """Every trainee, deactivated ones included, with what a record needs."""
    return (
        select(
            User.id,
            User.external_id,
            User.name,
            User.email,
            User.cohort_id,
            Cohort.name.label("cohort"),
            User.deactivated_at,
            User.account_changed_at,
            effective_status(now).label("status"),
            Standing.certified_at,
            Standing.expires_at,
            Standing.renewal_opens_at,
            Standing.status_changed_at,
        )
        .select_from(User)
        .join(Standing, Standing.user_id == User.id)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
        .where(User.role == Role.TRAINEE.value)
    )


def _mentor_filters(query: FeedQuery, scope: Scope, now: datetime) -> list:
    criteria = []
    if query.statuses:
        criteria.append(or_(*(status_is(status, now) for status in query.statuses)))
    if query.matchable is not None:
        matchable = matchable_now(now)
        criteria.append(matchable if query.matchable else ~matchable)
    if query.cohort_ids:
        criteria.append(User.cohort_id.in_(query.cohort_ids))
    if scope.cohort_ids is not None:
        criteria.append(User.cohort_id.in_(scope.cohort_ids))
    if query.external_id is not None:
        criteria.append(User.external_id == query.external_id)
    if query.since is not None:
        criteria.append(changed_since(query.since, now))
    return criteria


def changed_since(since: datetime, now: datetime):
    """A new status recorded, a renewal window or expiry come by itself, or the account
    deactivated, reactivated or given another external id, at or after ``since``."""
    return or_(
        Standing.status_changed_at >= since,
        and_(Standing.expires_at >= since, Standing.expires_at <= now),
        and_(Standing.renewal_opens_at >= since, Standing.renewal_opens_at <= now),
        User.account_changed_at >= since,
    )


def _removed_filters(query: FeedQuery, scope: Scope) -> list | None:
    """Tombstones answer only ``since`` (no status but "removed", never matchable)."""
    if query.since is None or query.statuses or query.matchable:
        return None
    criteria = [RemovedMentor.removed_at >= query.since]
    if query.cohort_ids:
        criteria.append(RemovedMentor.cohort_id.in_(query.cohort_ids))
    if scope.cohort_ids is not None:
        criteria.append(RemovedMentor.cohort_id.in_(scope.cohort_ids))
    if query.external_id is not None:
        criteria.append(RemovedMentor.external_id == query.external_id)
    return criteria


def page(
    course: Course, query: FeedQuery, scope: Scope, now: datetime, number: int, size: int
) -> tuple[list[dict], int]:
    """One page of records ordered by id, and how many there are in all."""
    mentors = (
        select(User.id, literal(False).label("removed"))
        .select_from(User)
        .join(Standing, Standing.user_id == User.id)
        .where(User.role == Role.TRAINEE.value, *_mentor_filters(query, scope, now))
    )
    removed_filters = _removed_filters(query, scope)
    if removed_filters is not None:
        removed = select(RemovedMentor.user_id.label("id"), literal(True).label("removed")).where(
            *removed_filters
        )
        matches = union_all(mentors, removed).subquery("matches")
    else:
        matches = mentors.subquery("matches")
    total = db.session.scalar(select(func.count()).select_from(matches)) or 0
    ids = db.session.execute(
        select(matches.c.id, matches.c.removed).order_by(matches.c.id).limit(size).offset((number - 1) * size)
    ).all()
    return records(course, [i for i, gone in ids if not gone], [i for i, gone in ids if gone], now), total


def records(course: Course, mentor_ids: list[int], removed_ids: list[int], now: datetime) -> list[dict]:
    """The records of these mentors and tombstones, in id order."""
    found = {}
    if mentor_ids:
        rows = db.session.execute(mentor_columns(now).where(User.id.in_(mentor_ids))).all()
        learners = load_records(mentor_ids)
        found |= {row.id: mentor_record(row, course, learners[row.id], now) for row in rows}
    if removed_ids:
        gone = db.session.scalars(select(RemovedMentor).where(RemovedMentor.user_id.in_(removed_ids)))
        found |= {row.user_id: removed_record(row) for row in gone}
    return [found[i] for i in sorted(found)]


def one(course: Course, user_id: int, scope: Scope, now: datetime) -> dict | None:
    """The record of one mentor or their tombstone, or None when unknown or out of scope."""
    row = db.session.execute(mentor_columns(now).where(User.id == user_id)).first()
    if row is not None:
        return (
            mentor_record(row, course, load_records([user_id])[user_id], now)
            if scope.admits(row.cohort_id)
            else None
        )
    gone = db.session.get(RemovedMentor, user_id)
    return removed_record(gone) if gone is not None and scope.admits(gone.cohort_id) else None


def is_matchable(row) -> bool:
    return row.status in VALID and row.deactivated_at is None


def changed_at(row, now: datetime) -> datetime:
    """When the row's status or matchability last changed."""
    moments = [row.status_changed_at, row.account_changed_at]
    moments += [moment for moment in (row.renewal_opens_at, row.expires_at) if moment and moment <= now]
    return max(moment for moment in moments if moment)


def mentor_record(row, course: Course, learner, now: datetime) -> dict:
    valid = row.status in VALID
    return {
        "id": row.id,
        "external_id": row.external_id,
        "name": row.name,
        "email": row.email,
        "status": row.status,
        "matchable": is_matchable(row),
        "active": row.deactivated_at is None,
        "valid_until": iso(row.expires_at) if valid else None,
        "certified_at": iso(row.certified_at),
        "expires_at": iso(row.expires_at),
        "cohort": row.cohort,
        "changed_at": iso(changed_at(row, now)),
        "competencies": competency_scores(course, learner),
        "requirements": recorded_requirements(course, learner, now),
        "practice": practice(course, learner, now),
    }


def practice(course: Course, learner, now: datetime) -> dict:
    """Reviewed typed replies, observed practice and the safeguarding acknowledgement."""
    summary = practice_summary(course.program, learner, now)
    return {
        "replies_reviewed": summary.replies_reviewed,
        "replies_counted": summary.replies_counted,
        "reply_mean": summary.reply_mean,
        "observed_practice_passed": summary.observed_passed,
        "safeguarding_acknowledged": summary.acknowledged,
    }


def removed_record(row: RemovedMentor) -> dict:
    """A tombstone: enough to drop the mentor, nothing that names them."""
    return {
        "id": row.user_id,
        "external_id": row.external_id,
        "status": REMOVED,
        "matchable": False,
        "changed_at": iso(row.removed_at),
    }


def iso(value: datetime | None) -> str | None:
    """UTC times as ISO 8601 with a Z, to the second."""
    return value.isoformat(timespec="seconds").replace("+00:00", "Z") if value else None
