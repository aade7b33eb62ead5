"""Certification in the database: loading records in batches, keeping standings fresh,
counting time on task, and the coordinators' decisions. Functions flush at most."""

from __future__ import annotations

import json
import math
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    bindparam,
    case,
    cast,
    literal_column,
    null,
    select,
    union_all,
    update,
)

from .. import audit
from ..course.model import Course
from ..database import core_rows, dialect_insert
from ..extensions import db
from ..models import (
    CertificationEvent,
    QuizAttempt,
    RequirementRecord,
    ScenarioRun,
    SectionView,
    SessionSignup,
    TrainingSession,
    User,
    utcnow,
)
from ..models import Standing as StoredStanding
from .status import Event, QuizResult, Records, ScenarioResult, Standing, Status, standing
from .status import RequirementRecord as RecordedRequirement

# A gap longer than this between two learning actions counts as this much: the trainee
# probably stepped away, and reading the page that long is not credible time on task.
ACTIVITY_GAP_CAP = timedelta(minutes=15)
BATCH = 500
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
        select(
            ScenarioRun.user_id,
            ScenarioRun.scenario_id,
            ScenarioRun.score,
            ScenarioRun.finished_at,
            ScenarioRun.passed,
        )
        .where(ScenarioRun.user_id.in_(ids), ScenarioRun.finished_at.is_not(None))
        .order_by(ScenarioRun.finished_at)
    ):
        scenarios[row.user_id].append(
            ScenarioResult(row.scenario_id, row.score, row.finished_at, bool(row.passed))
        )
    events: dict[int, list] = defaultdict(list)
    for event in db.session.scalars(
        select(CertificationEvent)
        .where(CertificationEvent.user_id.in_(ids))
        .order_by(CertificationEvent.at, CertificationEvent.id)
    ):
        events[event.user_id].append(
            Event(event.kind, event.at, event.module_versions or {}, event.certificate_id)
        )
    recorded: dict[int, list] = defaultdict(list)
    for row in db.session.execute(
        select(
            RequirementRecord.user_id,
            RequirementRecord.requirement_id,
            RequirementRecord.completed_on,
            RequirementRecord.hours,
        ).where(RequirementRecord.user_id.in_(ids))
    ):
        recorded[row.user_id].append(RecordedRequirement(row.requirement_id, row.completed_on, row.hours))
    attended: dict[int, list] = defaultdict(list)
    for row in db.session.execute(
        select(SessionSignup.user_id, TrainingSession.starts_at, TrainingSession.duration_minutes)
        .join(TrainingSession, TrainingSession.id == SessionSignup.session_id)
        .where(SessionSignup.user_id.in_(ids), SessionSignup.attended.is_(True))
    ):
        attended[row.user_id].append((row.starts_at, row.duration_minutes / 60))
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
            requirement_records=tuple(recorded[user_id]),
            sessions_attended=tuple(attended[user_id]),
        )
        for user_id in ids
    }


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


@dataclass(frozen=True)
class LearnerRecords:
    """One trainee's records as the learner pages need them, read in a single statement."""

    records: Records
    last_read: tuple[str, str] | None
    quiz_attempts: dict[str, tuple[int, int | None, bool]]  # quiz id: (attempts, best score, any passed)
    scenario_runs: dict[str, tuple[int, int | None, bool]]  # scenario id: (finished, best score, any passed)
    upcoming_session_rows: tuple = ()  # with upcoming_sessions_after: see training_sessions

    @property
    def read(self) -> set[tuple[str, str]]:
        return set(self.records.sections_read)


def load_learner(user: User, upcoming_sessions_after: datetime | None = None) -> LearnerRecords:
    """Sections read, quiz attempts, role-play runs and decisions for one trainee: one UNION ALL
    query instead of one per table, because every learner page needs them together. With
    ``upcoming_sessions_after`` the same statement reads the live sessions starting later, with
    their seats, for the dashboard (``training_sessions.seats_of_learner_rows``)."""
    by_kind: dict[str, list] = {kind: [] for kind in LEARNER_ROW_KINDS}
    if upcoming_sessions_after is None:
        rows = core_rows(_learner_statement(), user_id=user.id)
    else:
        rows = core_rows(_learner_statement(True), user_id=user.id, now=upcoming_sessions_after)
    for row in rows:
        by_kind[row.kind].append(row)
    sections = sorted(by_kind["section"], key=_in_order)
    quizzes = by_kind["quiz"]
    runs = by_kind["scenario"]
    records = Records(
        sections_read={(r.a, r.b): r.at for r in sections},
        quiz_results=tuple(
            QuizResult(r.a, r.n1, r.n2, bool(r.flag), r.at) for r in _timed(quizzes)
        ),
        scenario_results=tuple(ScenarioResult(r.a, r.n2, r.at, bool(r.flag)) for r in _timed(runs)),
        minutes_on_task=(user.seconds_on_task or 0) / 60,
        events=tuple(
            Event(r.a, r.at, json.loads(r.extra) if r.extra else {}, r.b)
            for r in sorted(by_kind["event"], key=_in_order)
        ),
        requirement_records=tuple(
            RecordedRequirement(r.a, r.at, float(r.extra) if r.extra else None) for r in by_kind["requirement"]
        ),
        sessions_attended=tuple((r.at, r.n2 / 60) for r in by_kind["session"]),
    )
    return LearnerRecords(
        records=records,
        last_read=(sections[-1].a, sections[-1].b) if sections else None,
        quiz_attempts=_summaries(quizzes),
        scenario_runs=_summaries(runs, finished_only=True),
        upcoming_session_rows=tuple(by_kind["live"]),
    )


LEARNER_ROW_KINDS = ("section", "quiz", "scenario", "requirement", "session", "event", "live")


def _in_order(row) -> tuple:
    return row.at, row.n1


def _timed(rows) -> list:
    """Finished attempts or runs, oldest first (an unfinished run has no time)."""
    return sorted((row for row in rows if row.at is not None), key=_time_of)


def _time_of(row):
    return row.at


@cache
def _learner_statement(upcoming_sessions: bool = False):
    """Built once per variant: constructing this union took longer than running it. Columns n3
    and n4 serve only the upcoming sessions' branch (its capacity and places taken)."""
    user_id = bindparam("user_id")
    text_, number, flag = String(), Integer(), Boolean()

    def blank(type_):
        return cast(null(), type_)

    branches = [
        select(
            literal_column("'section'", String).label("kind"),
            SectionView.module_id.label("a"),
            SectionView.section_id.label("b"),
            SectionView.id.label("n1"),
            blank(number).label("n2"),
            blank(flag).label("flag"),
            SectionView.viewed_at.label("at"),
            blank(text_).label("extra"),
            blank(number).label("n3"),
            blank(number).label("n4"),
        ).where(SectionView.user_id == user_id),
        select(
            literal_column("'quiz'", String),
            QuizAttempt.quiz_id,
            blank(text_),
            QuizAttempt.module_version,
            QuizAttempt.score,
            QuizAttempt.passed,
            QuizAttempt.submitted_at,
            blank(text_),
            blank(number),
            blank(number),
        ).where(QuizAttempt.user_id == user_id),
        select(
            literal_column("'scenario'", String),
            ScenarioRun.scenario_id,
            blank(text_),
            ScenarioRun.id,
            ScenarioRun.score,
            ScenarioRun.passed,
            ScenarioRun.finished_at,
            blank(text_),
            blank(number),
            blank(number),
        ).where(ScenarioRun.user_id == user_id),
        select(
            literal_column("'requirement'", String),
            RequirementRecord.requirement_id,
            blank(text_),
            RequirementRecord.id,
            blank(number),
            blank(flag),
            RequirementRecord.completed_on,
            cast(RequirementRecord.hours, text_),
            blank(number),
            blank(number),
        ).where(RequirementRecord.user_id == user_id),
        select(
            literal_column("'session'", String),
            literal_column("''", String),
            blank(text_),
            SessionSignup.id,
            TrainingSession.duration_minutes,
            blank(flag),
            TrainingSession.starts_at,
            blank(text_),
            blank(number),
            blank(number),
        )
        .join(TrainingSession, TrainingSession.id == SessionSignup.session_id)
        .where(SessionSignup.user_id == user_id, SessionSignup.attended.is_(True)),
        select(
            literal_column("'event'", String),
            CertificationEvent.kind,
            CertificationEvent.certificate_id,
            CertificationEvent.id,
            blank(number),
            blank(flag),
            CertificationEvent.at,
            cast(CertificationEvent.module_versions, text_),
            blank(number),
            blank(number),
        ).where(CertificationEvent.user_id == user_id),
    ]
    if upcoming_sessions:
        from ..training_sessions import upcoming_for_learner_statement  # it imports this module

        branches.append(upcoming_for_learner_statement())
    return union_all(*branches)


def _summaries(rows, finished_only: bool = False) -> dict[str, tuple[int, int | None, bool]]:
    counts: dict[str, int] = defaultdict(int)
    best: dict[str, int] = {}
    passed: dict[str, bool] = defaultdict(bool)
    for row in rows:
        if finished_only and row.at is None:
            continue
        counts[row.a] += 1
        if row.n2 is not None:
            best[row.a] = max(best.get(row.a, row.n2), row.n2)
        passed[row.a] |= bool(row.flag)
    return {key: (counts[key], best.get(key), passed[key]) for key in counts}


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
