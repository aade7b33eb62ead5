"""The coordinators' weekly digest: per cohort they follow, who awaits sign-off, who has stalled
(the coordinator list's rule, people/roster_filters.py), whose certificate lapses soon, and how
many typed replies wait in the review queue. Each list is one statement over every followed
cohort; a cohort with nothing to do sends nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..course import notifications as kinds
from ..course.model import Course
from ..extensions import db
from ..models import Cohort, ReplyAwaitingReview, Role, Standing, User
from ..models.notification import CohortFollower
from ..people.roster_filters import entered_status, matchable_now, stalled, status_is
from ..practice.replies import required_scenarios
from .due import STAFF, Due, link, local_day


def digests(course: Course, now: datetime) -> Iterator[Due]:
    """On or after the digest's weekday, once per ISO week, coordinator and followed cohort."""
    rules = course.program.notifications
    today = local_day(now)
    if today.weekday() < rules.digest_weekday:
        return
    year, week, _ = today.isocalendar()
    follows = db.session.execute(
        select(CohortFollower.user_id, Cohort.id, Cohort.name)
        .join(Cohort, Cohort.id == CohortFollower.cohort_id)
        .join(User, User.id == CohortFollower.user_id)
        .where(User.role.in_(STAFF), User.deactivated_at.is_(None))
        .order_by(CohortFollower.user_id, Cohort.id)
    ).all()
    if not follows:
        return
    cohort_ids = sorted({row.id for row in follows})
    lists = _lists(course, cohort_ids, now)
    replies = _replies_waiting(course, cohort_ids)
    for coordinator_id, cohort_id, cohort_name in follows:
        awaiting, stalled_, expiring = (
            lists[name].get(cohort_id, []) for name in ("awaiting", "stalled", "expiring")
        )
        waiting = replies.get(cohort_id, 0)
        if not (awaiting or stalled_ or expiring or waiting):
            continue
        context = {
            "cohort": cohort_name,
            "awaiting": awaiting,
            "stalled": stalled_,
            "expiring": expiring,
            "replies_to_review": waiting,
            "queue_url": link("coordinate.reply_queue", cohort=cohort_id),
            "list_url": link("coordinate.mentors", cohort=cohort_id),
        }
        yield Due(coordinator_id, kinds.DIGEST, f"{cohort_id}:{year}-W{week:02d}", context)


def _lists(course: Course, cohort_ids: list[int], now: datetime) -> dict[str, dict[int, list[dict]]]:
    rules = course.program.notifications
    stalled_before = now - timedelta(days=course.program.stalled_after_days)
    active = (User.role == Role.TRAINEE.value, User.deactivated_at.is_(None), User.cohort_id.in_(cohort_ids))
    wheres = {
        "awaiting": (status_is("awaiting_review", now),),
        "stalled": (stalled(stalled_before),),
        "expiring": (
            matchable_now(now),
            Standing.expires_at <= now + timedelta(days=rules.expiring_before_days),
        ),
    }
    since = func.coalesce(entered_status(now), User.last_activity_at, User.created_at)
    found: dict[str, dict[int, list[dict]]] = {}
    for name, where in wheres.items():
        rows = db.session.execute(
            select(User.id, User.name, User.cohort_id, since.label("since"), Standing.expires_at)
            .outerjoin(Standing, Standing.user_id == User.id)
            .where(*active, *where)
            .order_by(User.cohort_id, User.name, User.id)
        ).all()
        by_cohort = found.setdefault(name, {})
        for row in rows:
            item = {"name": row.name, "url": link("coordinate.mentor", user_id=row.id)}
            if name == "expiring":
                item["on"] = local_day(row.expires_at)
            else:
                item["since"] = _since_text(local_day(row.since), local_day(now))
            by_cohort.setdefault(row.cohort_id, []).append(item)
    return found


def _since_text(day, today) -> str:
    """The day and how long ago, for "waiting since ..." and "no activity since ..."."""
    days = (today - day).days
    return f"{day.day} {day:%B %Y}, {days} day{'s' if days != 1 else ''} ago"


def _replies_waiting(course: Course, cohort_ids: list[int]) -> dict[int, int]:
    """Replies in the stored review queue (practice/replies.py), per cohort."""
    scenarios = required_scenarios(course.program) if course.program.reply_review else ()
    if not scenarios:
        return {}
    rows = db.session.execute(
        select(User.cohort_id, func.count())
        .select_from(ReplyAwaitingReview)
        .join(User, User.id == ReplyAwaitingReview.user_id)
        .where(User.cohort_id.in_(cohort_ids), ReplyAwaitingReview.scenario_id.in_(scenarios))
        .group_by(User.cohort_id)
    )
    return dict(rows.all())
