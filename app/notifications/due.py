"""What is due at a moment: each email the rules in program.yaml (``notifications:``) ask for,
worked out from the database in bulk (a few statements per kind, never one per trainee).

Nothing here writes: ``run.py`` refreshes the stored standings first, then records and sends.
Days are counted in the programme's zone, so "idle 7 days" turns over at its midnight, not UTC's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import NamedTuple

from flask import current_app, url_for
from sqlalchemy import and_, func, or_, select

from ..certification.records import BATCH, load_records
from ..certification.status import Status, standing
from ..course import notifications as kinds
from ..course.model import Course
from ..extensions import db
from ..learning.next_step import next_step
from ..models import ReplyScore, Role, SessionSignup, Standing, TrainingSession, User
from ..models.notification import CohortFollower, Notification
from ..people.password_links import public_url
from ..web.local_time import programme_time_text
from ..web.step_links import step_url
from . import notices

# A certificate, or replies scored, are announced only if this recent when nobody was told yet:
# what happened before this feature shipped (or before the first run) is old news, and
# announcing it months late would confuse.
ANNOUNCED_IF_WITHIN = timedelta(days=7)
STAFF = (Role.COORDINATOR.value, Role.SAFEGUARDING_LEAD.value)


class Due(NamedTuple):
    """One email to record under (recipient, kind, occasion); ``send`` False records the key only
    (a lower inactivity threshold passed in the same gap: spent, so it never arrives late)."""

    recipient_id: int
    kind: str
    occasion: str
    context: dict
    about_user_id: int | None = None
    send: bool = True


def link(endpoint: str, **values) -> str:
    """An absolute address for an email (``PUBLIC_URL``; the caller provides a request context)."""
    path = url_for(endpoint, **values)
    return public_url(path) or path


def local_day(moment: datetime) -> date:
    return moment.astimezone(current_app.extensions["course"].program.zone).date()


def _reachable(course: Course):
    """Active accounts whose owner can sign in: proven email, or (open registration) registered
    themselves; someone invited who never chose a password is not nudged by these emails."""
    proven = User.email_verified_at.is_not(None)
    if course.program.registration == "open":
        proven = or_(proven, User.invited_at.is_(None))
    return and_(User.deactivated_at.is_(None), proven)


def inactivity(course: Course, now: datetime) -> Iterator[Due]:
    """A reminder per threshold reached in the current idle gap; only the highest one is sent."""
    thresholds = course.program.notifications.inactivity_after_days
    since = func.coalesce(User.last_activity_at, User.created_at)
    rows = db.session.execute(
        select(User.id, User.name, since.label("since"))
        .join(Standing, Standing.user_id == User.id)
        .where(
            User.role == Role.TRAINEE.value,
            _reachable(course),
            Standing.status.in_([Status.NOT_STARTED.value, Status.IN_TRAINING.value]),
            since <= now - timedelta(days=thresholds[0] - 1),  # the zone's day boundary is checked below
        )
    ).all()
    zone = course.program.zone
    idle = {}
    for row in rows:
        reached = notices.thresholds_reached(course.program.notifications, row.since, now, zone)
        if reached:
            idle[row.id] = ((local_day(now) - local_day(row.since)).days, reached, local_day(row.since))
    for start in range(0, len(rows), BATCH):
        ids = [row.id for row in rows[start : start + BATCH] if row.id in idle]
        for user_id, records in load_records(ids).items():
            days, reached, since_day = idle[user_id]
            context = _next_step_context(course, records, now)
            for n in reached:
                context_n = {**context, "days_idle": days}
                yield Due(
                    user_id, kinds.INACTIVITY, f"idle-{n}:{since_day}", context_n, send=n == reached[-1]
                )


def _next_step_context(course: Course, records, now: datetime) -> dict:
    now_standing = standing(course.program, course, records, now)
    read = records.sections_read
    last_read = max(read, key=read.get) if read else None
    step = next_step(
        course,
        now_standing.requirements,
        set(read),
        last_read,
        now_standing.status,
        now_standing.renewal_modules,
    )
    path = step_url(step)
    return {
        "started": bool(read),
        "next_step": step.label,
        "next_url": (public_url(path) or path) if path else link("learn.dashboard"),
    }


def certificates(course: Course, now: datetime) -> Iterator[Due]:
    """Renewal notices, lapsing requirements and new certificates: valid mentors whose stored dates
    put them near one of these, their standings computed live (the certificate id, what changed)."""
    rules = course.program.notifications
    horizon = now + timedelta(days=max(rules.expiring_before_days, rules.renewal_before_expiry_days))
    valid = [Status.CERTIFIED.value, Status.RENEWAL_DUE.value]
    ids = list(
        db.session.scalars(
            select(User.id)
            .join(Standing, Standing.user_id == User.id)
            .where(
                User.deactivated_at.is_(None),
                Standing.status.in_(valid),
                Standing.expires_at > now,
                or_(
                    Standing.status == Status.RENEWAL_DUE.value,
                    Standing.renewal_opens_at <= now,
                    Standing.expires_at <= horizon,
                    Standing.certified_at >= now - ANNOUNCED_IF_WITHIN,
                ),
            )
            .order_by(User.id)
        )
    )
    followers = _coordinators_of(ids)
    for start in range(0, len(ids), BATCH):
        for user_id, records in load_records(ids[start : start + BATCH]).items():
            result = standing(course.program, course, records, now)
            if result.valid:
                yield from _certificate_notices(course, user_id, result, now, followers.get(user_id, ()))


def _certificate_notices(course: Course, user_id: int, result, now: datetime, coordinators) -> Iterator[Due]:
    rules = course.program.notifications
    certificate = result.certificate_id or f"{user_id}@{result.certified_at:%Y-%m-%dT%H:%M:%S}"
    dashboard = link("learn.dashboard")
    if result.certificate_id and result.certified_at >= now - ANNOUNCED_IF_WITHIN:
        context = {
            "verify_url": link("verify.certificate", certificate_id=result.certificate_id),
            "certificate_url": link("learn.certificate"),
            "expires_on": local_day(result.expires_at),
        }
        yield Due(user_id, kinds.CERTIFIED, certificate, context)
    titles = {m.id: m.title for m in course.modules}
    renewal = notices.renewal_notice(rules, result, titles, now, course.program.zone)
    if renewal is not None:
        context = {"expires_on": renewal.expires_on, "to_redo": list(renewal.to_redo), "url": dashboard}
        opens = local_day(result.renewal_opens_at or result.certified_at)
        # Inside the last days only the final notice goes out: a window notice never sent (the
        # window opened before this feature) is recorded, not sent a moment before it.
        final = renewal.stage == "final"
        window = {**context, "stage": "window"}
        yield Due(user_id, kinds.RENEWAL, f"window:{certificate}:{opens}", window, send=not final)
        if final:
            occasion = f"final:{certificate}:{renewal.expires_on}"
            yield Due(user_id, kinds.RENEWAL, occasion, {**context, "stage": "final"})
    lapsing = notices.lapsing_checks(rules, result, now, course.program.zone)
    yield from _expiring(user_id, lapsing, coordinators, dashboard)


def _expiring(user_id, lapsing, coordinators, dashboard) -> Iterator[Due]:
    """The mentor and their coordinators (never nobody: see ``_coordinators_of``) hear of a
    recorded requirement lapsing within the window."""
    for check in lapsing:
        on = check.expires_on
        context = {"requirement": check.requirement, "expires_on": on, "url": dashboard}
        yield Due(
            user_id, kinds.EXPIRING, f"{check.requirement_id}:{on}", {**context, "for_coordinator": False}
        )
        staff = {**context, "for_coordinator": True, "mentor_url": link("coordinate.mentor", user_id=user_id)}
        for coordinator_id, mentor_name in coordinators:
            occasion = f"{user_id}:{check.requirement_id}:{on}"
            yield Due(
                coordinator_id, kinds.EXPIRING, occasion, {**staff, "mentor_name": mentor_name}, user_id
            )


def _coordinators_of(mentor_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Who hears about each mentor: the coordinators following the mentor's cohort, or, when
    nobody follows it, every active coordinator and safeguarding lead (a lapsing check must
    reach somebody). Values are (coordinator id, mentor's name)."""
    if not mentor_ids:
        return {}
    mentors = db.session.execute(
        select(User.id, User.name, User.cohort_id).where(User.id.in_(mentor_ids))
    ).all()
    staff = db.session.scalars(
        select(User.id).where(User.role.in_(STAFF), User.deactivated_at.is_(None)).order_by(User.id)
    ).all()
    following: dict[int, list[int]] = {}
    rows = db.session.execute(
        select(CohortFollower.cohort_id, CohortFollower.user_id)
        .join(User, User.id == CohortFollower.user_id)
        .where(User.deactivated_at.is_(None), User.role.in_(STAFF))
        .order_by(CohortFollower.user_id)
    )
    for cohort_id, coordinator_id in rows:
        following.setdefault(cohort_id, []).append(coordinator_id)
    return {m.id: [(c, m.name) for c in following.get(m.cohort_id) or staff] for m in mentors}


def replies_scored(course: Course, now: datetime) -> Iterator[Due]:
    """Trainees with replies scored since their last such email (or, never told, recently), one
    email for them all."""
    last_told = (
        select(Notification.user_id, func.max(Notification.created_at).label("at"))
        .where(Notification.kind == kinds.REPLIES_SCORED)
        .group_by(Notification.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            ReplyScore.user_id, func.count().label("count"), func.max(ReplyScore.scored_at).label("latest")
        )
        .join(User, User.id == ReplyScore.user_id)
        .outerjoin(last_told, last_told.c.user_id == ReplyScore.user_id)
        .where(
            User.deactivated_at.is_(None),
            ReplyScore.scored_at <= now,
            or_(
                and_(last_told.c.at.is_(None), ReplyScore.scored_at >= now - ANNOUNCED_IF_WITHIN),
                ReplyScore.scored_at > last_told.c.at,
            ),
        )
        .group_by(ReplyScore.user_id)
    ).all()
    url = link("learn.dashboard", _anchor="feedback")
    for row in rows:
        yield Due(
            row.user_id,
            kinds.REPLIES_SCORED,
            f"{row.latest:%Y-%m-%dT%H:%M:%S}",
            {"count": row.count, "url": url},
        )


def sessions_changed(course: Course, now: datetime) -> Iterator[Due]:
    """Sign-ups (not cancelled) on a session changed after they signed up and not yet started, or
    cancelled since they signed up."""
    changed = and_(
        TrainingSession.changed_at.is_not(None),
        TrainingSession.changed_at > SessionSignup.signed_up_at,
        TrainingSession.starts_at > now,
    )
    cancelled = and_(
        TrainingSession.cancelled_at.is_not(None), TrainingSession.cancelled_at > SessionSignup.signed_up_at
    )
    rows = db.session.execute(
        select(SessionSignup.user_id, TrainingSession)
        .join(TrainingSession, TrainingSession.id == SessionSignup.session_id)
        .join(User, User.id == SessionSignup.user_id)
        .where(SessionSignup.cancelled_at.is_(None), User.deactivated_at.is_(None), or_(changed, cancelled))
    ).all()
    url = link("learn.dashboard", _anchor="live-sessions")
    for user_id, session in rows:
        moment = session.cancelled_at or session.changed_at
        context = {
            "title": session.title,
            "cancelled": session.cancelled_at is not None,
            "starts": programme_time_text(session.starts_at),
            "place": session.place,
            "url": url,
        }
        yield Due(user_id, kinds.SESSION_CHANGED, f"{session.id}:{moment:%Y-%m-%dT%H:%M:%S}", context)
