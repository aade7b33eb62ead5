"""Which cohorts a coordinator follows: each followed cohort's weekly digest comes to them, and
so do the warnings about its mentors' lapsing checks (due.py). Services flush at most."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from ..database import insert_ignoring_duplicates
from ..extensions import db
from ..models import Cohort, CohortFollower


def followed(user_id: int) -> list[Cohort]:
    """The cohorts ``user_id`` follows, by name."""
    return list(
        db.session.scalars(
            select(Cohort)
            .join(CohortFollower, CohortFollower.cohort_id == Cohort.id)
            .where(CohortFollower.user_id == user_id)
            .order_by(Cohort.name)
        )
    )


def follow(user_id: int, cohort: Cohort, now: datetime) -> None:
    """Idempotent: a double click or two tabs keep the one row. Not in the audit log: it is a
    person's own choice of email, like their preferences page."""
    db.session.execute(
        insert_ignoring_duplicates(
            CohortFollower,
            {"user_id": user_id, "cohort_id": cohort.id, "since": now},
            ["user_id", "cohort_id"],
        )
    )
    db.session.flush()


def unfollow(user_id: int, cohort: Cohort) -> None:
    db.session.execute(
        delete(CohortFollower).where(CohortFollower.user_id == user_id, CohortFollower.cohort_id == cohort.id)
    )
    db.session.flush()
