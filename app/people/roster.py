"""Who is in training: the trainee list coordinators filter, sort, page and export. A constant
number of SQL statements per page, however many trainees. The filters, sorts and status rules are
in ``people.roster_filters`` (matching systems read ``matching.feed``, which shares the status
rules)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Integer, bindparam, func, select

from ..extensions import db
from ..models import Cohort, Standing, User
from ..models.base import UTCDateTime
from ..models.search import SHORTEST_INDEXED
from .roster_filters import (  # the status rules are read from here by other packages too
    MATCHABLE,
    REPLIES_TO_REVIEW,
    SORT_COLUMNS,
    STANDINGS_SORTS,
    effective_status,
    entered_status,
    filtered,
    like_escaped,
    matchable_now,
    ordering,
    stalled,
    status_is,
)

__all__ = [
    "MATCHABLE",
    "PAGE_SIZE",
    "REPLIES_TO_REVIEW",
    "MentorFilter",
    "MentorRow",
    "effective_status",
    "like_escaped",
    "matchable_now",
    "stalled",
    "status_is",
]

PAGE_SIZE = 50


@dataclass(frozen=True)
class MentorFilter:
    q: str = ""
    status: str = ""
    cohort_id: int | None = None
    stalled: bool = False
    lapsing_days: int | None = None  # valid, and ending within this many days
    sort: str = "name"
    descending: bool = False
    page: int = 1
    # Registered in [registered_from, registered_before): the period filter, as UTC moments.
    registered_from: datetime | None = None
    registered_before: datetime | None = None
    # Deactivated accounts too: the CSV's leavers, never the on-screen list.
    deactivated: bool = False


class MentorRow(NamedTuple):
    """One trainee on the coordinator list, as a plain tuple: the page reads a dozen fields of
    each of its rows, and a field of a SQLAlchemy ``Row`` costs several times a tuple's."""

    id: int
    name: str
    email: str
    last_activity_at: datetime | None
    cohort: str | None
    status: str
    progress: int
    quizzes_passed: int | None
    quiz_best_mean: int | None
    scenarios_passed: int | None
    scenario_best_mean: int | None
    certified_at: datetime | None
    expires_at: datetime | None
    external_id: str | None
    registered_at: datetime
    status_changed_at: datetime | None  # when they entered their current status ("waiting since")
    seconds_on_task: int
    deactivated_at: datetime | None  # set only when the filters asked for deactivated accounts


@dataclass(frozen=True)
class _Shape:
    """What decides the SQL of a list query; the values go in as bind parameters."""

    search: str  # "", "like", "index" (SQLite's trigram table) or "trigram" (PostgreSQL's index)
    status: str
    by_cohort: bool
    stalled: bool
    lapsing: bool
    sort: str
    descending: bool
    reviewed: tuple[str, ...] = ()  # the role-plays whose replies are reviewed, for that filter
    registered_from: bool = False
    registered_before: bool = False
    deactivated: bool = False

    @classmethod
    def of(cls, filters: MentorFilter) -> _Shape:
        sort = filters.sort if filters.sort in SORT_COLUMNS else "name"
        return cls(
            _search_kind(filters.q),
            filters.status,
            bool(filters.cohort_id),
            filters.stalled,
            filters.lapsing_days is not None,
            sort,
            filters.descending,
            _reviewed_scenarios() if filters.status == REPLIES_TO_REVIEW else (),
            filters.registered_from is not None,
            filters.registered_before is not None,
            filters.deactivated,
        )


def _stalled_after_days() -> int:
    return current_app.extensions["course"].program.stalled_after_days


def _reviewed_scenarios() -> tuple[str, ...]:
    program = current_app.extensions["course"].program
    return tuple(s.scenario_id for s in program.scenarios) if program.reply_review else ()


def _search_kind(q: str) -> str:
    if not q:
        return ""
    if db.engine.dialect.name == "postgresql":
        return "trigram"
    return "index" if len(q) >= SHORTEST_INDEXED else "like"


def _values(filters: MentorFilter, now: datetime) -> dict:
    return {
        "now": now,
        "pattern": "%" + like_escaped(filters.q.lower()) + "%",
        "phrase": '"' + filters.q.replace('"', '""') + '"',  # FTS5 syntax: the text as one phrase
        "cohort_id": filters.cohort_id,
        "stalled_before": now - timedelta(days=_stalled_after_days()),
        "lapsing_before": now + timedelta(days=filters.lapsing_days or 0),
        "registered_from": filters.registered_from,
        "registered_before": filters.registered_before,
    }


def trainee_query(filters: MentorFilter, now: datetime):
    """Trainees with their stored standing and cohort, filtered; shared by the list, the CSV and the API."""
    return _trainee_statement(_Shape.of(filters)).params(**_values(filters, now))


def mentor_page(filters: MentorFilter, now: datetime) -> tuple[list[MentorRow], int]:
    """One page of trainees and the total that match, in one statement (on PostgreSQL each
    statement is a round trip), built once per shape of filters: building them cost more than
    running them on a page of 50. Only a page past the end, which has no row to carry the
    total, counts apart."""
    shape = _Shape.of(filters)
    values = _values(filters, now)
    page = {**values, "limit": PAGE_SIZE, "offset": (filters.page - 1) * PAGE_SIZE}
    connection = db.session.connection()
    rows = connection.execute(_page_statement(shape), page).all()
    if rows:
        return _plain(rows), rows[0].total
    if filters.page == 1:
        return [], 0
    return [], connection.execute(_count_statement(shape), values).scalar() or 0


def _plain(rows) -> list[MentorRow]:
    width = len(MentorRow._fields)  # each row ends with the total
    return [MentorRow._make(row[:width]) for row in rows]


def page_query(filters: MentorFilter, now: datetime):
    """The statement ``mentor_page`` runs for the rows, with its values bound (to inspect its plan)."""
    values = {**_values(filters, now), "limit": PAGE_SIZE, "offset": (filters.page - 1) * PAGE_SIZE}
    return _page_statement(_Shape.of(filters)).params(**values)


def count_query(filters: MentorFilter, now: datetime):
    """The count ``mentor_page`` runs within its page (or apart, past the last), values bound."""
    return _count_statement(_Shape.of(filters)).params(**_values(filters, now))


def mentor_rows(filters: MentorFilter, now: datetime) -> Iterator:
    """Every matching trainee, streamed in order, for the CSV export."""
    shape = _Shape.of(filters)
    result = db.session.execute(
        _trainee_statement(shape).order_by(*ordering(shape)).execution_options(yield_per=1000),
        _values(filters, now),
    )
    yield from result


@lru_cache(maxsize=512)  # one per shape of filters in use
def _trainee_statement(shape: _Shape):
    return filtered(_trainee_columns(), shape, bindparam("now", type_=UTCDateTime()))


@cache
def _trainee_columns():
    """Every trainee's row, unfiltered: what the list, the CSV and the API show of each."""
    now = bindparam("now", type_=UTCDateTime())
    return (
        select(
            User.id,
            User.name,
            User.email,
            User.last_activity_at,
            Cohort.name.label("cohort"),
            effective_status(now).label("status"),
            func.coalesce(Standing.progress, 0).label("progress"),
            Standing.quizzes_passed,
            Standing.quiz_best_mean,
            Standing.scenarios_passed,
            Standing.scenario_best_mean,
            Standing.certified_at,
            Standing.expires_at,
            User.external_id,
            User.created_at.label("registered_at"),
            entered_status(now).label("status_changed_at"),
            User.seconds_on_task,
            User.deactivated_at,
        )
        .select_from(User)
        # Every trainee has a stored standing once refresh_stale has run, as every reader of
        # this query does first; an inner join lets the standings indexes serve the sorts.
        .join(Standing, Standing.user_id == User.id)
        .outerjoin(Cohort, Cohort.id == User.cohort_id)
    )


@lru_cache(maxsize=512)  # one per shape of filters in use
def _page_statement(shape: _Shape):
    """A page of rows, each carrying the total that match.

    Without a search the total is a separate count in the same statement, so the name, email
    and activity sorts still stop after one page of their index. A search counts its matches as
    it sorts them (``COUNT(*) OVER ()``): the matches are few and sorted whole anyway, so the
    index is read once; it sorts them by id alone and reads the page's rows in full after, as
    carrying every column of each match (164 of them for "patel" among 10,000 trainees)
    through the count and the sort was a fifth of the statement's work in SQLite."""
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    if not shape.search:
        total = _count_statement(shape).scalar_subquery().label("total")
        return (
            _trainee_statement(shape)
            .add_columns(total)
            .order_by(*ordering(shape))
            .limit(limit)
            .offset(offset)
        )
    matches = select(User.id, func.count().over().label("total")).select_from(User)
    if _reads_standings(shape):
        matches = matches.join(Standing, Standing.user_id == User.id)
    matches = (
        filtered(matches, shape, bindparam("now", type_=UTCDateTime()))
        .order_by(*ordering(shape))
        .limit(limit)
        .offset(offset)
        .subquery("matches")
    )
    return (
        _trainee_columns()
        .add_columns(matches.c.total)
        .join(matches, matches.c.id == User.id)
        .order_by(*ordering(shape))
    )


@lru_cache(maxsize=512)  # one per shape of filters in use
def _count_statement(shape: _Shape):
    """How many match, joining standings only when a filter reads them; unfiltered, a count on the
    index of active accounts by role."""
    query = select(func.count()).select_from(User)
    if shape.status or shape.stalled or shape.lapsing:
        query = query.join(Standing, Standing.user_id == User.id)
    return filtered(query, shape, bindparam("now", type_=UTCDateTime()))


def _reads_standings(shape: _Shape) -> bool:
    """Whether the filters or the sort read a standings column (every trainee has a standing)."""
    return bool(shape.status or shape.stalled or shape.lapsing) or shape.sort in STANDINGS_SORTS
