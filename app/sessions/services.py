"""Scheduling live sessions, seats, sign-ups and attendance. Attended hours count toward the
program's hour-based requirement (``from_sessions``). Functions flush at most."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import (
    Integer,
    Row,
    and_,
    bindparam,
    delete,
    func,
    literal,
    or_,
    select,
    update,
)

from ..certification.standings import mark_stale
from ..database import core_rows, dialect_insert
from ..extensions import db
from ..models import SessionSignup, TrainingSession, User, utcnow
from ..models.base import UTCDateTime
from ..people import audit
from .calendar import CalendarEvent, calendar_file


class SignupRefused(Exception):
    """A sign-up or cancellation that cannot happen: the session is full, started or gone."""


@dataclass(frozen=True)
class SessionSeats:
    session: Row  # id, title, starts_at, duration_minutes, place, capacity
    taken: int
    signed_up: bool = False  # the viewing trainee holds a place

    @property
    def left(self) -> int:
        return max(0, self.session.capacity - self.taken)


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


def update_session(
    session: TrainingSession,
    title: str,
    starts_at: datetime,
    minutes: int,
    place: str,
    capacity: int,
    actor: int,
    now: datetime | None = None,
) -> None:
    """Change a session. A new time, length or place sets ``changed_at``: the people holding a
    place are emailed about that occasion (a new title or more places tell them nothing new)."""
    if session.cancelled_at is not None:
        raise SignupRefused("A cancelled session cannot be changed.")
    before = session.starts_at
    if (starts_at, minutes, place.strip()) != (session.starts_at, session.duration_minutes, session.place):
        session.changed_at = now or utcnow()
    session.title = title.strip()
    session.starts_at = starts_at
    session.duration_minutes = minutes
    session.place = place.strip()
    session.capacity = capacity
    audit.record(
        "session.changed",
        "session",
        session.id,
        actor,
        title=session.title,
        was=before.isoformat(),
        starts=starts_at.isoformat(),
    )
    db.session.flush()


def places_held(session_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            SessionSignup.session_id == session_id, SessionSignup.cancelled_at.is_(None)
        )
    )


def holds_place(session_id: int, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(SessionSignup.id).where(
                SessionSignup.session_id == session_id,
                SessionSignup.user_id == user_id,
                SessionSignup.cancelled_at.is_(None),
            )
        )
        is not None
    )


def cancel_session(session: TrainingSession, actor: int, now: datetime | None = None) -> None:
    """Take a session off the calendar, only before it starts. Nobody holding a place: it is
    deleted. People holding places: it is marked cancelled and their sign-ups kept, so they are
    emailed and still see it, crossed out, on their dashboard; it takes no attendance."""
    now = now or utcnow()
    if session.cancelled_at is not None:
        raise SignupRefused("This session is cancelled already.")
    if session.starts_at <= now:
        raise SignupRefused("A session that has started stays on the record.")
    audit.record("session.cancelled", "session", session.id, actor, title=session.title)
    if places_held(session.id):
        session.cancelled_at = now
        db.session.flush()
        return
    # Places given back earlier go with it (the foreign key cascades too; this says so on every database).
    db.session.execute(delete(SessionSignup).where(SessionSignup.session_id == session.id))
    db.session.delete(session)
    db.session.flush()


def calendar_of(session: TrainingSession, host: str, now: datetime | None = None) -> str:
    """The session as an .ics file; its UID stays the same, so a second download updates the event."""
    event = CalendarEvent(
        uid=f"peerpath-session-{session.id}@{host}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=session.title,
        location=session.place,
        description="PeerPath live training. Your coordinator marks who attended.",
        cancelled=session.cancelled_at is not None,
    )
    return calendar_file(event, now or utcnow())


def sessions_with_seats() -> list[SessionSeats]:
    """Every session in date order with the seats taken: one statement."""
    return [SessionSeats(row, row.taken) for row in core_rows(_seats_statement())]


@cache
def _seats_statement():
    """Built once: the coordinator's sessions page runs it on every visit."""
    sessions = TrainingSession.__table__
    return select(sessions, _places_taken().label("taken")).order_by(sessions.c.starts_at, sessions.c.id)


def _places_taken():
    """How many places each session's sign-ups hold (cancelled ones hold none)."""
    sessions = TrainingSession.__table__
    return (
        select(func.count())
        .where(SessionSignup.session_id == sessions.c.id, SessionSignup.cancelled_at.is_(None))
        .scalar_subquery()
    )


def _place_held():
    """Whether the trainee bound as ``user_id`` holds a place in each session."""
    sessions = TrainingSession.__table__
    return (
        select(SessionSignup.id)
        .where(
            SessionSignup.session_id == sessions.c.id,
            SessionSignup.user_id == bindparam("user_id", type_=Integer),
            SessionSignup.cancelled_at.is_(None),
        )
        .exists()
    )


def upcoming_with_seats(user_id: int, now: datetime) -> list[SessionSeats]:
    """Sessions starting after ``now``, soonest first, with the seats taken and whether this
    trainee holds one: one statement, for the dashboard. A cancelled session is listed only to
    those who held a place on it, so they see it was cancelled; nobody else is offered it."""
    return [
        SessionSeats(row, row.taken, bool(row.held))
        for row in core_rows(_upcoming_statement(), user_id=user_id, now=now)
    ]


@cache
def _upcoming_statement():
    sessions = TrainingSession.__table__
    return (
        select(sessions, _places_taken().label("taken"), _place_held().label("held"))
        .where(
            sessions.c.starts_at > bindparam("now", type_=UTCDateTime()),
            or_(sessions.c.cancelled_at.is_(None), _place_held()),
        )
        .order_by(sessions.c.starts_at, sessions.c.id)
    )


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
    if session.cancelled_at is not None:
        raise SignupRefused(f"“{session.title}” is cancelled.")
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
            SessionSignup.session_id.in_(
                select(TrainingSession.id).where(
                    TrainingSession.starts_at > now, TrainingSession.cancelled_at.is_(None)
                )
            ),
        )
        .values(cancelled_at=now)
        .returning(SessionSignup.id)
        .execution_options(synchronize_session=False)
    )
    if result.scalar() is None:
        raise SignupRefused(
            "You can cancel only a place you hold, before the session starts, on a session not cancelled."
        )


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
    """Mark who came among those holding a place; returns how many attended. Their standings refresh.
    A cancelled session never took place: nobody attended it, so it adds no hours."""
    if session.cancelled_at is not None:
        raise SignupRefused("This session was cancelled: there is no attendance to take.")
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
