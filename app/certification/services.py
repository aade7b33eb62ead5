"""Certification in the database: loading records in batches, keeping standings fresh,
counting time on task, and the coordinators' decisions. Functions flush at most."""

from __future__ import annotations

import math
import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import case, select, update

from .. import audit
from ..course.model import Course
from ..database import dialect_insert
from ..extensions import db
from ..models import CertificationEvent, QuizAttempt, ScenarioRun, SectionView, User, utcnow
from ..models import Standing as StoredStanding
from .status import Event, QuizResult, Records, ScenarioResult, Standing, Status, standing

# A gap longer than this between two learning actions counts as this much: the trainee
# probably stepped away, and reading the page that long is not credible time on task.
ACTIVITY_GAP_CAP = timedelta(minutes=15)
BATCH = 500


def record_activity(user: User, now: datetime | None = None) -> None:
    """Add the time since the trainee's last learning action (capped) and mark their standing stale."""
    now = now or utcnow()
    gap = (now - user.last_activity_at) if user.last_activity_at else timedelta(0)
    seconds = int(min(max(gap, timedelta(0)), ACTIVITY_GAP_CAP).total_seconds())
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(seconds_on_task=User.seconds_on_task + seconds, last_activity_at=now, standing_stale=True)
        .execution_options(synchronize_session=False)
    )


def load_records(user_ids: Iterable[int]) -> dict[int, Records]:
    """Every trainee's records, in a fixed number of queries per batch of users."""
    ids = list(user_ids)
    records: dict[int, Records] = {}
    for start in range(0, len(ids), BATCH):
        records.update(_load_batch(ids[start : start + BATCH]))
    return records


def _load_batch(ids: list[int]) -> dict[int, Records]:
    sections: dict[int, dict] = defaultdict(dict)
    for row in db.session.execute(
        select(
            SectionView.user_id, SectionView.module_id, SectionView.section_id, SectionView.viewed_at
        ).where(SectionView.user_id.in_(ids))
    ):
        sections[row.user_id][(row.module_id, row.section_id)] = row.viewed_at
    quizzes: dict[int, list] = defaultdict(list)
    for row in db.session.execute(
        select(
            QuizAttempt.user_id,
            QuizAttempt.quiz_id,
            QuizAttempt.module_version,
            QuizAttempt.score,
            QuizAttempt.passed,
            QuizAttempt.submitted_at,
        )
        .where(QuizAttempt.user_id.in_(ids), QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at)
    ):
        quizzes[row.user_id].append(
            QuizResult(row.quiz_id, row.module_version, row.score, bool(row.passed), row.submitted_at)
        )
    scenarios: dict[int, list] = defaultdict(list)
    for row in db.session.execute(
        select(ScenarioRun.user_id, ScenarioRun.scenario_id, ScenarioRun.score, ScenarioRun.finished_at)
        .where(ScenarioRun.user_id.in_(ids), ScenarioRun.finished_at.is_not(None))
        .order_by(ScenarioRun.finished_at)
    ):
        scenarios[row.user_id].append(ScenarioResult(row.scenario_id, row.score, row.finished_at))
    events: dict[int, list] = defaultdict(list)
    for event in db.session.scalars(
        select(CertificationEvent)
        .where(CertificationEvent.user_id.in_(ids))
        .order_by(CertificationEvent.at, CertificationEvent.id)
    ):
        events[event.user_id].append(
            Event(event.kind, event.at, event.module_versions or {}, event.certificate_id)
        )
    seconds = {
        row.id: row.seconds_on_task
        for row in db.session.execute(select(User.id, User.seconds_on_task).where(User.id.in_(ids)))
    }
    return {
        user_id: Records(
            sections_read=sections[user_id],
            quiz_results=tuple(quizzes[user_id]),
            scenario_results=tuple(scenarios[user_id]),
            minutes_on_task=seconds.get(user_id, 0) / 60,
            events=tuple(events[user_id]),
        )
        for user_id in ids
    }


def standing_of(course: Course, user_id: int, now: datetime | None = None) -> Standing:
    """A trainee's standing computed live from their records."""
    return standing(course.program, course, load_records([user_id])[user_id], now or utcnow())


def refresh_stale(course: Course, now: datetime | None = None) -> int:
    """Recompute every standing marked stale; returns how many were refreshed."""
    ids = list(db.session.scalars(select(User.id).where(User.standing_stale.is_(True))))
    return refresh(course, ids, now)


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
        if result.status in (Status.RENEWAL_DUE, Status.EXPIRED) and not result.renewal_modules
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
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(standing_stale=True)
        .execution_options(synchronize_session=False)
    )
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
