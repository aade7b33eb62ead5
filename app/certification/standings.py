"""Standings in the database: derived from records (certification/records.py), stored for the
lists and the API, kept fresh as records change; time on task; the coordinators' decisions and
recorded requirements. Functions flush at most."""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    case,
    select,
    update,
)

from ..course.model import Course
from ..database import core_rows, dialect_insert
from ..extensions import db
from ..models import (
    CertificationEvent,
    RequirementRecord,
    User,
    utcnow,
)
from ..models import Standing as StoredStanding
from ..people import audit
from .records import BATCH, load_records
from .status import Records, Standing, Status, standing

# A gap longer than this between two learning actions counts as this much: the trainee
# probably stepped away, and reading the page that long is not credible time on task.
ACTIVITY_GAP_CAP = timedelta(minutes=15)
REVISIT_RESOLUTION = timedelta(minutes=1)


def record_activity(user: User, now: datetime | None = None, credit: timedelta | None = None) -> None:
    """Note a learning action and mark the trainee's standing stale. Time on task grows by
    ``credit`` when the action measured it (reading), else by the time since the last action (capped)."""
    now = now or utcnow()
    gap = (now - user.last_activity_at) if user.last_activity_at else timedelta(0)
    earned = credit if credit is not None else min(max(gap, timedelta(0)), ACTIVITY_GAP_CAP)
    seconds = int(earned.total_seconds())
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(seconds_on_task=User.seconds_on_task + seconds, last_activity_at=now, standing_stale=True)
        .execution_options(synchronize_session=False)
    )


def revisit_due(user: User, now: datetime | None = None) -> bool:
    """Whether re-reading a page should be recorded as activity. Recording it at most once a
    minute loses no time on task, because the next recorded action adds the whole gap since the
    last one; it spares a write on every page a trainee flips back to."""
    last = user.last_activity_at
    return last is None or (now or utcnow()) - last >= REVISIT_RESOLUTION


def mark_stale(user_ids: Iterable[int]) -> None:
    """Their records changed: the stored standings are recomputed before a list reads them."""
    db.session.execute(
        update(User)
        .where(User.id.in_(list(user_ids)))
        .values(standing_stale=True)
        .execution_options(synchronize_session=False)
    )


def lock_trainee(user_id: int) -> None:
    """Hold this trainee's row until the transaction ends, so two simultaneous decisions about
    them (two revokes, two sign-offs) are made one after the other, the second seeing the first.
    The write is one every decision makes anyway: the standing is stale once a decision lands."""
    mark_stale([user_id])


def standing_of(course: Course, user_id: int, now: datetime | None = None) -> Standing:
    """A trainee's standing computed live from their records."""
    return standing(course.program, course, load_records([user_id])[user_id], now or utcnow())


def refresh_stale(course: Course, now: datetime | None = None) -> int:
    """Recompute every standing marked stale; returns how many were refreshed."""
    ids = [row.id for row in core_rows(_stale_statement())]
    return refresh(course, ids, now)


@cache
def _stale_statement():
    """Built once: every coordinator page and API call runs it first, and it usually finds none."""
    return select(User.id).where(User.standing_stale.is_(True))


def refresh(course: Course, user_ids: list[int], now: datetime | None = None) -> int:
    now = now or utcnow()
    for start in range(0, len(user_ids), BATCH):
        batch = user_ids[start : start + BATCH]
        records = load_records(batch)
        store(
            course,
            {uid: (standing(course.program, course, records[uid], now), records[uid]) for uid in batch},
        )
    return len(user_ids)


def store(course: Course, results: dict[int, tuple[Standing, Records]]) -> None:
    """Save computed standings for the lists and clear the trainees' stale flags."""
    if not results:
        return
    rows = [_row(course, user_id, result, records) for user_id, (result, records) in results.items()]
    statement = dialect_insert(StoredStanding).values(rows)
    # Keep the time of the last real change of status, not of every refresh.
    statement = statement.on_conflict_do_update(
        index_elements=["user_id"],
        set_={
            **{k: statement.excluded[k] for k in rows[0] if k not in ("user_id", "status_changed_at")},
            "status_changed_at": case(
                (StoredStanding.status != statement.excluded.status, statement.excluded.status_changed_at),
                else_=StoredStanding.status_changed_at,
            ),
        },
    )
    db.session.execute(statement)
    db.session.execute(
        update(User)
        .where(User.id.in_(list(results)))
        .values(standing_stale=False)
        .execution_options(synchronize_session=False)
    )


def _row(course: Course, user_id: int, result: Standing, records: Records) -> dict:
    # The stored status ignores the passage of time (queries apply the dates), so a
    # certificate stored as certified reads as renewal_due or expired when its day comes.
    stored = (
        Status.CERTIFIED
        if result.status in (Status.RENEWAL_DUE, Status.EXPIRED)
        and not result.renewal_modules
        and not result.renewal_requirements
        else result.status
    )
    quiz_bests = _bests((r.quiz_id, r.score) for r in records.quiz_results)
    scenario_bests = _bests((r.scenario_id, r.score) for r in records.scenario_results)
    return dict(
        user_id=user_id,
        status=stored.value,
        progress=result.progress_percent,
        quizzes_passed=sum(1 for r in result.requirements if r.kind == "quiz" and r.done),
        quiz_best_mean=_mean(quiz_bests.values()),
        scenarios_passed=sum(1 for r in result.requirements if r.kind == "scenario" and r.done),
        scenario_best_mean=_mean(scenario_bests.values()),
        certified_at=result.certified_at,
        expires_at=result.expires_at,
        renewal_opens_at=result.renewal_opens_at,
        refreshed_at=utcnow(),
        status_changed_at=utcnow(),
    )


def _bests(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    best: dict[str, int] = {}
    for key, score in pairs:
        best[key] = max(score, best.get(key, 0))
    return best


def _mean(values: Iterable[int]) -> int | None:
    values = list(values)
    return math.floor(sum(values) / len(values)) if values else None


def record_decision(
    user_id: int, actor_id: int, kind: str, course: Course, reason: str | None = None
) -> CertificationEvent:
    """Append a sign-off, revocation or reinstatement to the log."""
    event = CertificationEvent(
        user_id=user_id,
        actor_id=actor_id,
        kind=kind,
        reason=reason,
        at=utcnow(),
        content_version=course.version,
    )
    if kind == "sign_off":
        event.module_versions = {m.id: m.version for m in course.modules}
        event.certificate_id = secrets.token_urlsafe(16)
    db.session.add(event)
    audit.record(f"certification.{kind}", "user", user_id, actor_id, reason=reason)
    mark_stale([user_id])
    db.session.flush()
    return event


def events_of(user_id: int) -> list[CertificationEvent]:
    return list(
        db.session.scalars(
            select(CertificationEvent)
            .where(CertificationEvent.user_id == user_id)
            .order_by(CertificationEvent.at, CertificationEvent.id)
        )
    )


def record_requirement(
    user_id: int,
    requirement_id: str,
    completed_on: datetime,
    hours: float | None,
    note: str | None,
    actor_id: int,
) -> RequirementRecord:
    """A coordinator's record that a screening step or live training was done; audited."""
    record = RequirementRecord(
        user_id=user_id,
        requirement_id=requirement_id,
        completed_on=completed_on,
        hours=hours,
        note=note,
        recorded_by=actor_id,
        recorded_at=utcnow(),
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        "requirement.recorded",
        "user",
        user_id,
        actor_id,
        requirement=requirement_id,
        on=completed_on.date().isoformat(),
        **({"hours": hours} if hours is not None else {}),
    )
    mark_stale([user_id])
    return record


def requirement_history(user_id: int) -> list[RequirementRecord]:
    return list(
        db.session.scalars(
            select(RequirementRecord)
            .where(RequirementRecord.user_id == user_id)
            .order_by(RequirementRecord.completed_on.desc(), RequirementRecord.id.desc())
        )
    )
