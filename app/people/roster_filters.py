"""The coordinator list's filters and sorts as SQL, shared by its rows, its count and the CSV;
and the status rules (a stored status moved on by time) that the matching feed and the cohort
counts read too. Split from ``people.roster``, which builds the statements from them."""

from __future__ import annotations

from datetime import datetime

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

from ..models import ReplyAwaitingReview, Role, Standing, User
from ..models.base import UTCDateTime
from ..models.search import searchable_text

# The list's status filter also offers this: every status in which a mentor may be matched.
MATCHABLE = "matchable"
# ... and this: trainees with a typed role-play reply that counts and is not yet scored.
REPLIES_TO_REVIEW = "replies_to_review"
USER_SEARCH = table("user_search", column("rowid"))  # app/models/search.py


def like_escaped(text: str) -> str:
    """Searched as text: ``%`` and ``_`` typed by a coordinator are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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


def entered_status(now: datetime):
    """When the person entered their effective status ("waiting since"): the stored change, or
    the day time moved a certificate on (its renewal window opening, its expiry)."""
    return case(
        (
            and_(Standing.status.in_(["certified", "renewal_due"]), Standing.expires_at <= now),
            Standing.expires_at,
        ),
        (and_(Standing.status == "certified", Standing.renewal_opens_at <= now), Standing.renewal_opens_at),
        else_=Standing.status_changed_at,
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


def filtered(query, shape, now):
    """The list's filters (``shape``: roster._Shape), shared by the rows and the count."""
    query = query.where(User.role == Role.TRAINEE.value)
    if not shape.deactivated:  # no longer a mentor in training, nor one to match: the CSV's leavers
        query = query.where(User.deactivated_at.is_(None))
    if shape.registered_from:
        query = query.where(User.created_at >= bindparam("registered_from", type_=UTCDateTime()))
    if shape.registered_before:
        query = query.where(User.created_at < bindparam("registered_before", type_=UTCDateTime()))
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
        query = query.where(stalled(bindparam("stalled_before", type_=UTCDateTime())))
    return query


def stalled(before):
    """Stuck for the programme's ``stalled_after_days``, ``before`` being that long ago: started and
    not finished with nothing done since; registered (or invited, counting from the last invitation)
    and never started; or awaiting review, that is waiting on staff, since then."""
    in_training = Standing.status.in_(["in_training", "not_started"])  # neither changes with time
    quiet_since = func.coalesce(User.last_activity_at, User.invited_at, User.created_at)
    return or_(
        and_(in_training, quiet_since < before),
        and_(Standing.status == "awaiting_review", Standing.status_changed_at < before),
    )


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
    # When they entered their current status: for "awaiting review", since they wait on staff.
    "waiting": (lambda: entered_status(bindparam("now", type_=UTCDateTime())), False),
}


STANDINGS_SORTS = {"status", "progress", "quiz", "scenario", "waiting"}


def ordering(shape):
    make, nullable = SORT_COLUMNS[shape.sort]
    column = make()
    ordered = column.desc() if shape.descending else column.asc()
    tie = User.id.desc() if shape.descending else User.id.asc()
    return (ordered.nulls_last() if nullable else ordered), tie
