"""The mentor list's query string, read strictly: an unknown parameter or value answers 400 with
what is allowed, so a typo never silently widens or empties a matching system's pull."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..extensions import db
from ..matching.feed import STATUSES, FeedQuery, Scope
from ..models import Cohort

PER_PAGE_MAX = 500
PER_PAGE_DEFAULT = 100
PAGE_MAX = 1_000_000  # far past any real list; keeps the OFFSET within what databases hold
EXTERNAL_ID_MAX = 100
SINCE_FORMAT = "ISO 8601 date-time with a time zone, e.g. 2026-11-01T00:00:00Z"


class BadArguments(Exception):
    def __init__(self, message: str, allowed: dict):
        super().__init__(message)
        self.message = message
        self.allowed = allowed


def allowed(cohorts: list[str]) -> dict:
    return {
        "status": list(STATUSES),
        "matchable": ["true", "false"],
        "cohort": cohorts,
        "external_id": f"text, 1-{EXTERNAL_ID_MAX} characters",
        "since": SINCE_FORMAT,
        "page": f"integer 1-{PAGE_MAX}",
        "per_page": f"integer 1-{PER_PAGE_MAX}",
    }


def read_feed_query(args: MultiDict, scope: Scope) -> tuple[FeedQuery, int, int]:
    """(query, page, per_page) from the query string, or BadArguments."""
    cohorts = _visible_cohorts(scope)
    names = allowed(sorted(cohorts))

    def refuse(message: str):
        raise BadArguments(message, names)

    unknown = sorted(set(args) - set(names))
    if unknown:
        refuse(f"Unknown parameter {', '.join(repr(u) for u in unknown)}.")
    repeated = sorted(name for name in args if len(args.getlist(name)) > 1)
    if repeated:
        refuse(f"Give {repeated[0]!r} once (a list is comma-separated).")
    statuses = _listed(args.get("status"))
    if any(status not in STATUSES for status in statuses):
        refuse(f"Unknown status in {args['status']!r}.")
    matchable = args.get("matchable")
    if matchable not in (None, "true", "false"):
        refuse("'matchable' must be true or false.")
    cohort_names = _listed(args.get("cohort"))
    if any(name not in cohorts for name in cohort_names):
        refuse(f"Unknown cohort in {args['cohort']!r}, or one this token may not see.")
    external_id = args.get("external_id")
    if external_id is not None and not 1 <= len(external_id) <= EXTERNAL_ID_MAX:
        refuse(f"'external_id' must be 1-{EXTERNAL_ID_MAX} characters.")
    since = _time(args.get("since"))
    if args.get("since") is not None and since is None:
        refuse(f"'since' must be an {SINCE_FORMAT}.")
    number = _whole(args.get("page", "1"), 1, PAGE_MAX)
    size = _whole(args.get("per_page", str(PER_PAGE_DEFAULT)), 1, PER_PAGE_MAX)
    if number is None or size is None:
        refuse(f"'page' must be a whole number from 1 to {PAGE_MAX}, 'per_page' from 1 to {PER_PAGE_MAX}.")
    query = FeedQuery(
        statuses=statuses,
        matchable=None if matchable is None else matchable == "true",
        cohort_ids=tuple(cohorts[name] for name in cohort_names),
        external_id=external_id,
        since=since,
    )
    return query, number, size


def _visible_cohorts(scope: Scope) -> dict[str, int]:
    rows = db.session.execute(select(Cohort.name, Cohort.id)).all()
    return {name: cohort_id for name, cohort_id in rows if scope.admits(cohort_id)}


def _listed(value: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(part.strip() for part in value.split(","))


def _whole(value: str, lowest: int, highest: int | None) -> int | None:
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    if number < lowest or (highest is not None and number > highest):
        return None
    return number


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        # In UTC, as it is compared: 9999-12-31T23:59:59-14:00 is past the last representable day.
        return parsed.astimezone(UTC) if parsed.tzinfo else None
    except (ValueError, OverflowError):
        return None
