"""Live training sessions: coordinators schedule them and take attendance; trainees sign up and
cancel. Attended hours count toward the program's hour-based requirement (``from_sessions``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, literal, select, update

from . import audit
from .certification.services import mark_stale
from .database import dialect_insert
from .extensions import db
from .models import SessionSignup, TrainingSession, User, utcnow
from .models.base import UTCDateTime


class SignupRefused(Exception):
    """A sign-up or cancellation that cannot happen: the session is full, started or gone."""


@dataclass(frozen=True)
class SessionSeats:
    session: TrainingSession
    taken: int
    mine: SessionSignup | None = None  # the viewing trainee's sign-up, if any (even cancelled)

    @property
    def left(self) -> int:
        return max(0, self.session.capacity - self.taken)

    @property
    def signed_up(self) -> bool:
        return self.mine is not None and self.mine.cancelled_at is None


def _taken():
    return (
        select(SessionSignup.session_id, func.count().label("taken"))
        .where(SessionSignup.cancelled_at.is_(None))
        .group_by(SessionSignup.session_id)
        .subquery()
    )


def create_session(
    title: str, starts_at: datetime, minutes: int, place: str, capacity: int, actor: int
) -> TrainingSession:
    session = TrainingSession(
        title=title.strip(),
        starts_at=starts_at,
        duration_minutes=minutes,
        place=place.strip(),
        capacity=capacity,
        created_by=actor,
        created_at=utcnow(),
    )
    db.session.add(session)
    db.session.flush()
    return session


def sessions_with_seats(
    upcoming_only: bool, user_id: int | None = None, now: datetime | None = None
) -> list[SessionSeats]:
    """Sessions in date order with the seats taken (and the trainee's own sign-up): two statements."""
    now = now or utcnow()
    taken = _taken()
    query = (
        select(TrainingSession, func.coalesce(taken.c.taken, 0))
        .outerjoin(taken, taken.c.session_id == TrainingSession.id)
        .order_by(TrainingSession.starts_at, TrainingSession.id)
    )
    if upcoming_only:
        query = query.where(TrainingSession.starts_at > now)
    rows = db.session.execute(query).all()
    mine = {}
    if user_id is not None and rows:
        mine = {
            s.session_id: s
            for s in db.session.scalars(
                select(SessionSignup).where(
                    SessionSignup.user_id == user_id, SessionSignup.session_id.in_([r[0].id for r in rows])
                )
            )
        }
    return [SessionSeats(session, count, mine.get(session.id)) for session, count in rows]


def sign_up(session_id: int, user_id: int, now: datetime | None = None) -> None:
    """Take a seat if one is left. The seat is taken by one statement whose condition counts the
    places held, so two trainees cannot both take the last one (SQLite runs it under its write
    lock; on PostgreSQL the session row is locked first)."""
    now = now or utcnow()
    session = db.session.scalar(
        select(TrainingSession).where(TrainingSession.id == session_id).with_for_update()
    )
    if session is None:
        raise SignupRefused("That session does not exist any more.")
    if session.starts_at <= now:
        raise SignupRefused("That session has already started.")
    existing = db.session.scalar(
        select(SessionSignup).where(SessionSignup.session_id == session_id, SessionSignup.user_id == user_id)
    )
    if existing is not None and existing.cancelled_at is None:
        return  # already holds a place: a double click changes nothing
    held = (
        select(func.count())
        .where(SessionSignup.session_id == session_id, SessionSignup.cancelled_at.is_(None))
        .scalar_subquery()
    )
    seat_left = (
        held < select(TrainingSession.capacity).where(TrainingSession.id == session_id).scalar_subquery()
    )
    if existing is not None:
        statement = (
            update(SessionSignup)
            .where(SessionSignup.id == existing.id, seat_left)
            .values(cancelled_at=None, signed_up_at=now)
            .returning(SessionSignup.id)
            .execution_options(synchronize_session=False)
        )
    else:
        statement = (
            dialect_insert(SessionSignup)
            .from_select(
                ["session_id", "user_id", "signed_up_at"],
                select(literal(session_id), literal(user_id), literal(now, UTCDateTime)).where(seat_left),
            )
            .on_conflict_do_nothing(index_elements=["session_id", "user_id"])
            .returning(SessionSignup.id)
        )
    if db.session.execute(statement).scalar() is None:
        raise SignupRefused(f"“{session.title}” is full. Choose another session or ask your coordinator.")


def cancel(session_id: int, user_id: int, now: datetime | None = None) -> None:
    now = now or utcnow()
    result = db.session.execute(
        update(SessionSignup)
        .where(
            SessionSignup.session_id == session_id,
            SessionSignup.user_id == user_id,
            SessionSignup.cancelled_at.is_(None),
            SessionSignup.session_id.in_(select(TrainingSession.id).where(TrainingSession.starts_at > now)),
        )
        .values(cancelled_at=now)
        .returning(SessionSignup.id)
        .execution_options(synchronize_session=False)
    )
    if result.scalar() is None:
        raise SignupRefused("You can cancel only a place you hold, before the session starts.")


def signups_of(session_id: int) -> list[tuple[SessionSignup, User]]:
    return list(
        db.session.execute(
            select(SessionSignup, User)
            .join(User, User.id == SessionSignup.user_id)
            .where(SessionSignup.session_id == session_id)
            .order_by(SessionSignup.cancelled_at.is_not(None), func.lower(User.name))
        ).all()
    )


def record_attendance(session: TrainingSession, attended_ids: set[int], actor: int) -> int:
    """Mark who came among those holding a place; returns how many attended. Their standings refresh."""
    holders = list(
        db.session.scalars(
            select(SessionSignup.user_id).where(
                SessionSignup.session_id == session.id, SessionSignup.cancelled_at.is_(None)
            )
        )
    )
    for user_id in holders:
        db.session.execute(
            update(SessionSignup)
            .where(and_(SessionSignup.session_id == session.id, SessionSignup.user_id == user_id))
            .values(attended=user_id in attended_ids, attendance_by=actor)
        )
    mark_stale(holders)
    audit.record(
        "session.attendance",
        "session",
        session.id,
        actor,
        title=session.title,
        attended=len(attended_ids & set(holders)),
    )
    return len(attended_ids & set(holders))
