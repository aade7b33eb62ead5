"""Who is in training: the trainee list coordinators filter, sort, page and export. A constant
number of SQL statements per page, however many trainees. (Matching systems read ``matching.feed``,
which shares the status rules here.)"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

from flask import current_app
from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    case,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)

from ..extensions import db
from ..models import (
    Cohort,
    ReplyAwaitingReview,
    Role,
    Standing,
    User,
)
from ..models.base import UTCDateTime
from ..models.search import SHORTEST_INDEXED, searchable_text

PAGE_SIZE = 50
STALLED_AFTER = timedelta(days=14)
# The list's status filter also offers this: every status in which a mentor may be matched.
MATCHABLE = "matchable"
# ... and this: trainees with a typed role-play reply that counts and is not yet scored.
REPLIES_TO_REVIEW = "replies_to_review"
USER_SEARCH = table("user_search", column("rowid"))  # app/models/search.py


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


def matchable_now(now: datetime):
    """Valid certificate (its expiry counts lapsed screening records too) and an active account:
    the one definition behind the list's "can be matched now" filter and the cohort counts."""
    # certification.facts.VALID, spelled out: people may not import certification (a cycle).
    valid = or_(status_is("certified", now), status_is("renewal_due", now))
    return and_(User.deactivated_at.is_(None), valid)


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
        )


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
        "stalled_before": now - STALLED_AFTER,
        "lapsing_before": now + timedelta(days=filters.lapsing_days or 0),
    }


def like_escaped(text: str) -> str:
    """Searched as text: ``%`` and ``_`` typed by a coordinator are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
        _trainee_statement(shape).order_by(*_ordering(shape)).execution_options(yield_per=1000),
        _values(filters, now),
    )
    yield from result


@lru_cache(maxsize=512)  # one per shape of filters in use
def _trainee_statement(shape: _Shape):
    return _filtered(_trainee_columns(), shape, bindparam("now", type_=UTCDateTime()))


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
            .order_by(*_ordering(shape))
            .limit(limit)
            .offset(offset)
        )
    matches = select(User.id, func.count().over().label("total")).select_from(User)
    if _reads_standings(shape):
        matches = matches.join(Standing, Standing.user_id == User.id)
    matches = (
        _filtered(matches, shape, bindparam("now", type_=UTCDateTime()))
        .order_by(*_ordering(shape))
        .limit(limit)
        .offset(offset)
        .subquery("matches")
    )
    return (
        _trainee_columns()
        .add_columns(matches.c.total)
        .join(matches, matches.c.id == User.id)
        .order_by(*_ordering(shape))
    )


@lru_cache(maxsize=512)  # one per shape of filters in use
def _count_statement(shape: _Shape):
    """How many match, joining standings only when a filter reads them; unfiltered, a count on the
    index of active accounts by role."""
    query = select(func.count()).select_from(User)
    if shape.status or shape.stalled or shape.lapsing:
        query = query.join(Standing, Standing.user_id == User.id)
    return _filtered(query, shape, bindparam("now", type_=UTCDateTime()))


def _reads_standings(shape: _Shape) -> bool:
    """Whether the filters or the sort read a standings column (every trainee has a standing)."""
    return bool(shape.status or shape.stalled or shape.lapsing) or shape.sort in STANDINGS_SORTS


def _filtered(query, shape: _Shape, now):
    """The list's filters, shared by the rows and the count."""
    # A deactivated account is no longer a mentor in training, nor one to match.
    query = query.where(User.role == Role.TRAINEE.value, User.deactivated_at.is_(None))
    if shape.search == "index":
        matches = select(USER_SEARCH.c.rowid).where(
            literal_column("user_search").op("MATCH")(bindparam("phrase", type_=String))
        )
        query = query.where(User.id.in_(matches))
    elif shape.search == "trigram":
        query = query.where(searchable_text().like(bindparam("pattern", type_=String), escape="\\"))
    elif shape.search == "like":
        pattern = bindparam("pattern", type_=String)
        query = query.where(
            or_(func.lower(User.name).like(pattern, escape="\\"), User.email.like(pattern, escape="\\"))
        )
    if shape.status == MATCHABLE:
        query = query.where(matchable_now(now))
    elif shape.status == REPLIES_TO_REVIEW:
        query = query.where(_has_replies_to_review(shape.reviewed))
    elif shape.status:
        query = query.where(status_is(shape.status, now))
    if shape.by_cohort:
        query = query.where(User.cohort_id == bindparam("cohort_id", type_=Integer))
    if shape.lapsing:
        # Still valid, ending soon: the certificate's own end or a screening record's lapse.
        query = query.where(
            matchable_now(now),
            Standing.expires_at <= bindparam("lapsing_before", type_=UTCDateTime()),
        )
    if shape.stalled:
        # Stalled: started but not finished, and nothing done for two weeks.
        query = query.where(
            User.last_activity_at < bindparam("stalled_before", type_=UTCDateTime()),
            Standing.status.in_(["in_training", "not_started"]),  # neither changes with time
        )
    return query


def _has_replies_to_review(scenario_ids: tuple[str, ...]):
    """A reply of this trainee in the coordinators' queue (models.ReplyAwaitingReview) for a
    required role-play; with no reply review in the program, nobody."""
    if not scenario_ids:
        return false()
    return exists().where(
        ReplyAwaitingReview.user_id == User.id, ReplyAwaitingReview.scenario_id.in_(scenario_ids)
    )


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


STANDINGS_SORTS = {"status", "progress", "quiz", "scenario"}


def _ordering(shape: _Shape):
    make, nullable = SORT_COLUMNS[shape.sort]
    column = make()
    ordered = column.desc() if shape.descending else column.asc()
    tie = User.id.desc() if shape.descending else User.id.asc()
    return (ordered.nulls_last() if nullable else ordered), tie
